"""The operator console's own data (public schema): operators' roles, the platform audit log and
impersonation grants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OperatorRole(models.TextChoices):
    SUPPORT = "support", _("Support")
    BILLING = "billing", _("Billing")
    OWNER = "owner", _("Owner")


class Operator(models.Model):
    """A platform operator's console role. The person is a public-schema user with is_staff."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="operator")
    role = models.CharField(_("role"), max_length=20, choices=OperatorRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self) -> str:
        return f"{self.user.email} ({self.role})"


class AuditEntry(models.Model):
    """One operator action: who (and in which role), what, on which account, why, and details."""

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    operator_email = models.EmailField()  # kept when the operator row goes
    role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=60)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="console_audit"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "-at"], name="console_audit_account")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.operator_email} {self.action}"


class Impersonation(models.Model):
    """An operator's grant to open one account as one of its people until `expires_at`.

    The console hands the browser a signed, short-lived token naming this row; the account host
    redeems it once (`redeemed_at`) and starts a session marked as impersonated. Ending the grant
    early (`ended_at`) ends that session on its next request.
    """

    operator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    operator_email = models.EmailField()
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="impersonations")
    person_id = models.PositiveBigIntegerField()  # the person in the account's own schema
    person_email = models.EmailField()
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    handoff_expires_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    redeemed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("impersonation")
        verbose_name_plural = _("impersonations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.operator_email} as {self.person_email} in {self.account_id}"
