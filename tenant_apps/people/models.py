"""People: one user model, installed in every schema.

In the public schema its rows are platform operators; in an account's schema they are that
account's people. A person exists in one account only: the same e-mail in another account is a
different person with a different password.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ACCOUNT_ADMIN = "account_admin", _("Account admin")
    DISPATCHER = "dispatcher", _("Dispatcher")
    ENGINEER = "engineer", _("Engineer")
    GUARD = "guard", _("Guard")
    APPROVER = "approver", _("Approver")
    KEY_USER = "key_user", _("Company key user")
    EMPLOYEE = "employee", _("Company employee")
    VISITOR = "visitor", _("Visitor")


AGENT_ROLES = frozenset({Role.ACCOUNT_ADMIN, Role.DISPATCHER, Role.ENGINEER, Role.GUARD, Role.APPROVER})


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


REQUESTER_ROLES = frozenset({Role.KEY_USER, Role.EMPLOYEE, Role.VISITOR})


class CompanyKind(models.TextChoices):
    TENANT = "tenant", _("Tenant (lessee)")
    CONTRACTOR = "contractor", _("Contractor")
    DEPARTMENT = "department", _("Own department")
    STORE = "store", _("Own store")


class Company(models.Model):
    """A tenant lessee, a contractor, or one of the account's own departments or stores."""

    kind = models.CharField(_("kind"), max_length=20, choices=CompanyKind.choices, default=CompanyKind.TENANT)
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=300, blank=True)
    brand = models.CharField(_("brand"), max_length=200, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, null=True, blank=True, unique=True)
    lease_start = models.DateField(_("lease start"), null=True, blank=True)
    lease_end = models.DateField(_("lease end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Whether a card is active is not stored: it follows from its key users (selectors.companies).

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=150)
    position = models.CharField(_("position"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        return self.get(email=normalize_email(username))

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        user = self.model(email=normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("full_name", email)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    language = models.CharField(_("language"), max_length=5, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("platform operator"), default=False)  # public schema only
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    welcome_sent_at = models.DateTimeField(_("welcome e-mail sent"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
    )
    access_expires_at = models.DateTimeField(_("access expires"), null=True, blank=True)
    blocked_at = models.DateTimeField(_("blocked"), null=True, blank=True)
    blocked_reason = models.CharField(_("reason for blocking"), max_length=300, blank=True)
    # who blocked: a key user may lift only a block their company's key users made
    blocked_by = models.ForeignKey(
        "self",
        verbose_name=_("blocked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), null=True, blank=True)
    # Raised to end every open browser session of the person at once (blocking, lapsed access):
    # it is part of the session hash Django checks on every request.
    session_generation = models.PositiveIntegerField(default=0, editable=False)
    # What a company employee may file, as their key user chose (people/filing.py): ticket type ids,
    # within what the company may file; NULL: everything the company may file.
    filing_type_ids = ArrayField(models.BigIntegerField(), null=True, blank=True, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return f"{self.full_name} <{self.email}>"

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def _get_session_auth_hash(self, secret=None):
        """Django's session hash (an HMAC of the password hash), extended by the session generation.

        A changed password or a raised generation makes every open session's stored hash stale, so
        Django flushes those sessions on their next request. Generation 0 keeps Django's own value.
        """
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)
        return salted_hmac(
            "atrium.people.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def access_expired(self) -> bool:
        return self.access_expires_at is not None and self.access_expires_at <= timezone.now()


class ResponsibilityGroup(models.Model):
    """A team tickets are routed to (Plumbing, Operations, Guards...)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=150)
    members = models.ManyToManyField(
        User, related_name="responsibility_groups", blank=True, verbose_name=_("members")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("responsibility group")
        verbose_name_plural = _("responsibility groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
