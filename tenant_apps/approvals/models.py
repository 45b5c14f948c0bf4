"""Approvals: who must agree before a ticket of a type goes ahead, and what each of them decided.

A policy (per ticket type, optionally narrowed by routing-like conditions) names the approvers:
people, each of whom must decide, and groups, where any one member decides for the group. Filing a
ticket of the type starts round 1; a "needs rework" decision ends the round, and the requester's
resubmission starts the next one. Rounds and steps are never deleted: they are the record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_REMARKS = "approved_with_remarks", _("Approved with remarks")
    NEEDS_REWORK = "needs_rework", _("Needs rework")
    REJECTED = "rejected", _("Rejected")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_REMARKS = "approved_with_remarks", _("Approved with remarks")
    NEEDS_REWORK = "needs_rework", _("Needs rework")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")  # the ticket left the pending status another way


class ApprovalPolicy(models.Model):
    ticket_type = models.ForeignKey(
        "desk.TicketType", on_delete=models.CASCADE, related_name="approval_policies"
    )
    name = models.CharField(_("name"), max_length=150)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)
    # routing-like conditions (priorities, companies, locations, fields, channels); empty = always
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    approver_groups = models.ManyToManyField("people.ResponsibilityGroup", blank=True, related_name="+")
    deadline_hours = models.PositiveIntegerField(_("hours to decide"), null=True, blank=True)
    # where the ticket stands during and after the process (statuses of the type's workflow)
    pending_status = models.ForeignKey("desk.Status", on_delete=models.PROTECT, related_name="+")
    rework_status = models.ForeignKey("desk.Status", on_delete=models.PROTECT, related_name="+")
    approved_status = models.ForeignKey("desk.Status", on_delete=models.PROTECT, related_name="+")
    remarks_status = models.ForeignKey(
        "desk.Status", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejected_status = models.ForeignKey("desk.Status", on_delete=models.PROTECT, related_name="+")
    # who carries the work out once approved (e.g. the guards for goods move-in)
    approved_group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")
        ordering = ["ticket_type", "order", "id"]

    def __str__(self) -> str:
        return self.name


class ApprovalRound(models.Model):
    ticket = models.ForeignKey("desk.Ticket", on_delete=models.CASCADE, related_name="approval_rounds")
    number = models.PositiveSmallIntegerField()
    policy = models.ForeignKey(ApprovalPolicy, null=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)

    class Meta:
        ordering = ["ticket", "number"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "number"], name="approvals_round_number_unique"),
            models.UniqueConstraint(
                fields=["ticket"], condition=models.Q(outcome=""), name="approvals_one_open_round"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} round {self.number}"

    @property
    def is_open(self) -> bool:
        return self.outcome == ""


class ApprovalStep(models.Model):
    """One required decision: a person's, or a group's (any member decides)."""

    round = models.ForeignKey(ApprovalRound, on_delete=models.CASCADE, related_name="steps")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        "people.ResponsibilityGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        indexes = [
            models.Index(
                fields=["approver"], condition=models.Q(decision=""), name="approvals_pending_person"
            ),
            models.Index(fields=["group"], condition=models.Q(decision=""), name="approvals_pending_group"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(approver__isnull=False) ^ models.Q(group__isnull=False),
                name="approvals_step_person_xor_group",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} step {self.pk}"

    @property
    def who(self) -> str:
        return self.approver.full_name if self.approver_id else self.group.name
