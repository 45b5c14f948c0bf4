"""Reads of approvals: a ticket's rounds, and a person's queue of pending decisions."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tenant_apps import permissions as perms

from .models import ApprovalRound, ApprovalStep


def rounds_for(ticket) -> QuerySet[ApprovalRound]:
    steps = ApprovalStep.objects.select_related("approver", "group", "decided_by").order_by("id")
    return (
        ApprovalRound.objects.filter(ticket=ticket)
        .select_related("policy")
        .prefetch_related(Prefetch("steps", queryset=steps))
        .order_by("number")
    )


def pending_for(user) -> QuerySet[ApprovalStep]:
    """Steps waiting for this person: named, or through one of their groups."""
    if not perms.is_agent(user):
        return ApprovalStep.objects.none()
    return (
        ApprovalStep.objects.filter(decision="", round__outcome="")
        .filter(Q(approver=user) | Q(group_id__in=perms.group_ids(user)))
        .select_related(
            "round",
            "round__ticket",
            "round__ticket__ticket_type",
            "round__ticket__status",
            "approver",
            "group",
        )
        .order_by("due_at", "id")
    )


def decided_by(user) -> QuerySet[ApprovalStep]:
    return (
        ApprovalStep.objects.filter(decided_by=user)
        .select_related(
            "round",
            "round__ticket",
            "round__ticket__ticket_type",
            "round__ticket__status",
            "approver",
            "group",
        )
        .order_by("-decided_at", "-id")
    )
