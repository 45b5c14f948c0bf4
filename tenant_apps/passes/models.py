"""Passes for people and vehicles, issued from pass requests (desk tickets), and the gate log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class PassKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent")
    TEMPORARY = "temporary", _("Temporary")


class PassState(models.TextChoices):
    """Stored state. "expired" is not stored: it follows from the dates (see validity.py)."""

    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


class Pass(models.Model):
    """One holder (a person, a vehicle, or a driver with a vehicle) allowed in for a window.

    Every pass belongs to a pass request: a desk ticket of type "pass" (`request`), whose history
    (the event spine) records issuing, revoking and extending. Dates and daily hours are wall-clock
    values in the account's time zone; a daily window may cross midnight (22:00-06:00).
    """

    request = models.ForeignKey("desk.Ticket", on_delete=models.PROTECT, related_name="passes")
    linked_ticket = models.ForeignKey(
        "desk.Ticket",
        verbose_name=_("linked ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="linked_passes",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=PassKind.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=PassState.choices, default=PassState.REQUESTED
    )
    holder_name = models.CharField(_("holder"), max_length=200, blank=True)
    document = models.CharField(_("document"), max_length=100, blank=True)
    vehicle_plate = models.CharField(_("vehicle plate"), max_length=20, blank=True)
    company = models.ForeignKey(
        "people.Company", null=True, blank=True, on_delete=models.PROTECT, related_name="passes"
    )
    premises = models.ForeignKey(
        "objects.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="passes"
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)  # none: permanent, open-ended
    daily_from = models.TimeField(_("daily from"), null=True, blank=True)  # none: all day
    daily_until = models.TimeField(_("daily until"), null=True, blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    required_documents = models.JSONField(_("required documents"), default=list, blank=True)
    short_code = models.CharField(_("short code"), max_length=12, unique=True, editable=False)
    qr_token = models.CharField(max_length=64, unique=True, editable=False)
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pass")
        verbose_name_plural = _("passes")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["company", "-id"], name="passes_pass_company"),
            models.Index(fields=["state", "-id"], name="passes_pass_state"),
            models.Index(fields=["valid_until"], name="passes_pass_valid_until"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="passes_pass_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(daily_from__isnull=True, daily_until__isnull=True)
                | (Q(daily_from__isnull=False, daily_until__isnull=False) & ~Q(daily_from=F("daily_until"))),
                name="passes_pass_daily_window",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.short_code} {self.holder_name or self.vehicle_plate}"

    @property
    def holder(self) -> str:
        return " · ".join(part for part in (self.holder_name, self.vehicle_plate) if part)


class CheckMethod(models.TextChoices):
    QR = "qr", _("QR code")
    SHORT_CODE = "short_code", _("Short code")
    TICKET = "ticket", _("Ticket number")
    UNKNOWN = "unknown", _("Not recognised")


class Reason(models.TextChoices):
    VALID = "valid", _("Valid")
    NOT_FOUND = "not_found", _("Not found")
    NOT_APPROVED = "not_approved", _("Not approved yet")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")
    NOT_YET_VALID = "not_yet_valid", _("Not valid yet")
    EXPIRED = "expired", _("Expired")
    OUTSIDE_HOURS = "outside_hours", _("Outside its hours")


class GateCheck(models.Model):
    """One check at the gate: who, when, what was scanned or typed, and the verdict."""

    checked_at = models.DateTimeField()
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    checked_by_name = models.CharField(max_length=150, blank=True)
    code = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=CheckMethod.choices)
    valid = models.BooleanField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    pass_obj = models.ForeignKey(
        Pass,
        db_column="pass_id",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gate_checks",
    )
    ticket = models.ForeignKey(
        "desk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="gate_checks"
    )

    class Meta:
        verbose_name = _("gate check")
        verbose_name_plural = _("gate checks")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["pass_obj", "-id"], name="passes_check_pass"),
            models.Index(fields=["checked_at"], name="passes_check_at"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.reason}"
