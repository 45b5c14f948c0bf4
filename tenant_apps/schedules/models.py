"""Planned maintenance: recurring ticket templates (schedules) and their occurrences.

An occurrence is keyed by (schedule, due_at): `due_at` is the occurrence's place on the schedule's
grid (its nominal time, before the holidays rule moves it), so materialising it twice is one
`INSERT ... ON CONFLICT DO NOTHING` that finds the row already there (docs/schedules.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("Days")
    WEEKS = "weeks", _("Weeks")
    MONTHS = "months", _("Months")
    RRULE = "rrule", _("Recurrence rule")


class HolidaysRule(models.TextChoices):
    KEEP = "keep", _("Keep the date")
    SKIP = "skip", _("Skip the occurrence")
    PREVIOUS = "previous", _("Move to the previous working day")
    NEXT = "next", _("Move to the next working day")


class Mode(models.TextChoices):
    GRID = "grid", _("Fixed grid")
    FROM_COMPLETION = "from_completion", _("Counted from completion")


class Schedule(models.Model):
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("active"), default=True)
    # the ticket each occurrence files
    ticket_type = models.ForeignKey("desk.TicketType", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, default="")
    fields = models.JSONField(_("fields"), default=dict, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), null=True, blank=True)
    location = models.ForeignKey(
        "objects.Location", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    equipment = models.ForeignKey(
        "objects.Equipment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    checklist = models.ForeignKey(
        "desk.ChecklistTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the person the tickets are filed for (the schedule's author unless changed)
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # when it recurs
    first_at = models.DateTimeField(_("first occurrence"))
    period_unit = models.CharField(
        _("period"), max_length=10, choices=PeriodUnit.choices, default=PeriodUnit.MONTHS
    )
    interval = models.PositiveSmallIntegerField(_("every"), default=1)
    rrule = models.CharField(_("recurrence rule"), max_length=500, blank=True, default="")
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    lead_days = models.PositiveSmallIntegerField(_("lead time, days"), default=0)
    holidays = models.CharField(
        _("on holidays"), max_length=10, choices=HolidaysRule.choices, default=HolidaysRule.KEEP
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.GRID)
    # nominal time of the last occurrence inserted (an optimisation: the unique key is the truth)
    materialised_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("schedule")
        verbose_name_plural = _("schedules")
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["is_active"], name="schedules_active_idx")]

    def __str__(self) -> str:
        return self.name


class OccurrenceState(models.TextChoices):
    PENDING = "pending", _("Due, not filed yet")
    CREATED = "created", _("Ticket filed")
    FAILED = "failed", _("Could not be filed")


class Occurrence(models.Model):
    schedule = models.ForeignKey(Schedule, on_delete=models.CASCADE, related_name="occurrences")
    due_at = models.DateTimeField(_("due"))  # on the grid: the unique key's time
    planned_at = models.DateTimeField(_("planned"))  # after the holidays rule
    state = models.CharField(max_length=10, choices=OccurrenceState.choices, default=OccurrenceState.PENDING)
    ticket = models.OneToOneField(
        "desk.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="schedule_occurrence"
    )
    error = models.TextField(blank=True, default="")
    # a filing that failed for a reason other than the desk's refusal (a fault: a bug, a timeout)
    # is tried again after a growing pause, at most MAX_ATTEMPTS times (services.py)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    retry_after = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    # the completion record ("work done here")
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completion_note = models.TextField(_("note"), blank=True, default="")

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["planned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_at"], name="schedules_one_occurrence_per_time")
        ]
        indexes = [
            models.Index(
                fields=["planned_at"],
                name="schedules_pending_idx",
                condition=models.Q(state="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id}@{self.due_at:%Y-%m-%d %H:%M}"
