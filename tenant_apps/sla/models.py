"""Service levels: policies with per-priority targets and escalations, and each ticket's timers.

A ticket's `TicketSla` is derived from its event history (timer.py) every time the ticket changes
(the spine's "sla" reaction); it is never a counter updated in place. `SlaFired` makes each
warning and breach of a ticket happen exactly once.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Threshold(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")


class TargetKind(models.TextChoices):
    RESPONSE = "response", _("First response")
    RESOLUTION = "resolution", _("Resolution")


class EscalationAction(models.TextChoices):
    NOTIFY = "notify", _("Notify")
    REASSIGN = "reassign", _("Reassign")
    RAISE_PRIORITY = "raise_priority", _("Raise priority")


class SlaPolicy(models.Model):
    """Targets for the tickets it matches: the first active policy by `order` whose conditions all
    hold (an empty condition matches any ticket)."""

    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # null: the account's default calendar (tenant_apps.calendars); a deleted calendar: the default
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    warning_percent = models.PositiveSmallIntegerField(_("warning at, % of the target"), default=80)
    ticket_types = models.ManyToManyField("desk.TicketType", blank=True, related_name="+")
    companies = models.ManyToManyField("people.Company", blank=True, related_name="+")
    locations = models.ManyToManyField("objects.Location", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SlaTarget(models.Model):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.PositiveSmallIntegerField(_("priority"))  # desk Priority 1-4
    response_minutes = models.PositiveIntegerField(_("first response, minutes"), null=True, blank=True)
    resolution_minutes = models.PositiveIntegerField(_("resolution, minutes"), null=True, blank=True)

    class Meta:
        ordering = ["policy", "-priority"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_priority_unique"),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=4), name="sla_target_priority_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} P{self.priority}"


class SlaEscalation(models.Model):
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="escalations")
    threshold = models.CharField(_("when"), max_length=10, choices=Threshold.choices)
    target = models.CharField(_("timer"), max_length=12, choices=TargetKind.choices)
    action = models.CharField(_("action"), max_length=20, choices=EscalationAction.choices)
    # a group or person that goes away leaves the escalation without it (never blocks the deletion)
    group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["policy", "id"]

    def __str__(self) -> str:
        return f"{self.policy}: {self.threshold} {self.target} -> {self.action}"


class TicketSla(models.Model):
    """A ticket's SLA timers as its history gives them now (recomputed on every change)."""

    ticket = models.OneToOneField("desk.Ticket", on_delete=models.CASCADE, related_name="sla")
    policy = models.ForeignKey(SlaPolicy, on_delete=models.CASCADE, related_name="+")
    # the calendar the times were worked in (null: the account's default)
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.PositiveSmallIntegerField()
    response_due_at = models.DateTimeField(null=True, blank=True)
    response_warning_at = models.DateTimeField(null=True, blank=True)
    response_met_at = models.DateTimeField(null=True, blank=True)
    resolution_due_at = models.DateTimeField(null=True, blank=True)
    resolution_warning_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    paused = models.BooleanField(default=False)
    # the next warning or breach moment of a running timer not yet fired; null: none (beat's index)
    next_due_at = models.DateTimeField(null=True, blank=True)
    # per timer: target minutes, remaining seconds at the last change, paused (timer.Clock)
    states = models.JSONField(default=dict)
    # "<threshold>:<target>" already fired (SlaFired is the exactly-once record)
    fired = ArrayField(models.CharField(max_length=30), default=list, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(
                fields=["next_due_at"], condition=models.Q(next_due_at__isnull=False), name="sla_next_due"
            ),
            models.Index(
                fields=["response_due_at"],
                condition=models.Q(response_met_at__isnull=True, response_due_at__isnull=False),
                name="sla_response_running",
            ),
            models.Index(
                fields=["resolution_due_at"],
                condition=models.Q(resolved_at__isnull=True, resolution_due_at__isnull=False),
                name="sla_resolution_running",
            ),
            models.Index(fields=["policy"], name="sla_ticket_policy"),
        ]

    def __str__(self) -> str:
        return f"SLA of #{self.ticket_id}"


class SlaFired(models.Model):
    """A warning or breach of a ticket's timer that happened: exactly once (unique)."""

    ticket = models.ForeignKey("desk.Ticket", on_delete=models.CASCADE, related_name="+")
    threshold = models.CharField(max_length=10, choices=Threshold.choices)
    target = models.CharField(max_length=12, choices=TargetKind.choices)
    due_at = models.DateTimeField()
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "threshold", "target"], name="sla_fired_once")
        ]

    def __str__(self) -> str:
        return f"{self.threshold} {self.target} #{self.ticket_id}"
