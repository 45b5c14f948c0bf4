"""The account registry (public schema): one Account per subscriber, each with its own schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin
from kernel.tenancy import AccountStatus


class AccountKind(models.TextChoices):
    MALL_OPERATOR = "mall_operator", _("Mall operator")
    RETAIL_CHAIN = "retail_chain", _("Retail chain")
    CONTRACTOR = "contractor", _("Contractor")
    OTHER = "other", _("Other")
    PLATFORM = "platform", _("Platform (public schema)")


class Language(models.TextChoices):
    EN = "en", "English"
    RU = "ru", "Русский"


class Account(TenantMixin):
    name = models.CharField(_("company name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AccountKind.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=AccountStatus.choices, default=AccountStatus.TRIALING
    )
    language = models.CharField(_("language"), max_length=5, choices=Language.choices, default=Language.EN)
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Set in the same transaction that completes the schema; the middleware serves ready accounts only.
    ready_at = models.DateTimeField(_("ready"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_reason = models.TextField(_("reason for closing"), blank=True)
    # Set by an operator (tenants_shared.console.services.suspend_account); resuming restores the
    # status the account had before.
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_reason = models.TextField(_("reason for suspending"), blank=True)
    status_before_suspension = models.CharField(max_length=20, choices=AccountStatus.choices, blank=True)

    # Provisioning creates the schema itself (clone of the template, or migrations as a fallback).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.slug})"

    @property
    def is_public(self) -> bool:
        from django_tenants.utils import get_public_schema_name

        return self.schema_name == get_public_schema_name()

    def url(self, path: str = "/") -> str:
        """An absolute link to a page of this account, as people outside reach it (mails):
        scheme, host and port from the one setting ACCOUNT_BASE_URL."""
        from django.conf import settings

        base = settings.ACCOUNT_BASE_URL.format(domain=self.get_primary_domain().domain).rstrip("/")
        return base + "/" + path.lstrip("/")


class Domain(DomainMixin):
    """Host names that lead to an account: its primary `<slug>.<platform domain>` and custom ones."""

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


class AccountTemplate(models.Model):
    """Schema-only DDL of the migrated template schema, keyed by the tenant migrations it contains.

    Provisioning replays it to create an account's schema in one transaction (about ten times faster
    than running every migration). A new migration changes the fingerprint, so a stale template is
    never used: the next provisioning (or `atrium migrate`) rebuilds it first.
    """

    fingerprint = models.CharField(max_length=64, unique=True)
    ddl = models.TextField()
    seeded_tables = models.JSONField(default=list)  # tables whose rows are copied from the template
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"template {self.fingerprint[:12]}"


class CustomDomain(models.Model):
    """A host name an account admin asked for (e.g. desk.mall.example), waiting for its DNS record.
    It becomes a `Domain` (and so routes requests) only once a check finds it resolving to the
    account's own `<slug>.<platform domain>` (tenants_shared/accounts/domains.py)."""

    account = models.OneToOneField(Account, on_delete=models.CASCADE, related_name="custom_domain")
    domain = models.CharField(_("domain"), max_length=253, unique=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("custom domain")
        verbose_name_plural = _("custom domains")

    def __str__(self) -> str:
        return self.domain


class SpareSchema(models.Model):
    """An account schema cloned ahead of time from the template of one kind, waiting for a sign-up
    to rename it into place (tenants_shared/accounts/spares.py).

    The row is written (and committed) before the clone starts; `ready_at` is set in the clone's
    own transaction, so a spare whose clone did not commit (a filler killed mid-clone) never has
    it and is never handed out. A sign-up claims a ready spare of the current fingerprint with
    `SELECT ... FOR UPDATE SKIP LOCKED`, renames the schema and deletes the row in its transaction.
    """

    schema_name = models.CharField(max_length=63, unique=True)
    kind = models.CharField(max_length=20)
    fingerprint = models.CharField(max_length=64)  # the template's (current_fingerprint at clone time)
    created_at = models.DateTimeField(auto_now_add=True)
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "fingerprint"], name="accounts_spare_kind_fp")]

    def __str__(self) -> str:
        return f"spare {self.schema_name} ({'ready' if self.ready_at else 'cloning'})"
