"""People: one user model, installed in every schema.

In the public schema its rows are platform operators; in an account's schema they are that
account's people. A person exists in one account only: the same e-mail in another account is a
different person with a different password.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
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

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES
