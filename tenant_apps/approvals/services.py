"""The approval process: starting rounds, decisions, resubmission after rework, reminders.

Everything runs inside the ticket's transaction with the ticket row locked, and every step is a
ticket event on the spine (approval_requested, approval_decided, approval_completed), so the
history, live updates and federation see approvals like any other change. Rules:

- filing a ticket whose type has a matching active policy starts round 1: the ticket stands in the
  policy's pending status and each approver (a person, or a group where any member decides) owes
  one decision;
- "rejected" ends the process: the ticket goes to the rejected status;
- "needs rework" ends the round: the ticket goes to the rework status; the requester edits the
  request and resubmits, which starts the next round (earlier rounds stay);
- when every step is decided "approved" the ticket goes to the approved status; if at least one
  said "approved with remarks" it goes to the remarks status, the remarks listed in the event;
- rework, rejection and remarks need a comment; a decision by someone who owes none, or a second
  one, is refused; a ticket leaving the pending status another way (withdrawn) cancels the round.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.tasks import enqueue_for_account

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change
from tenant_apps.desk import configcache, events, routing
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, Status, Ticket, TicketType
from tenant_apps.desk.origin import Origin
from tenant_apps.notifications.services import deliver_mail, notify
from tenant_apps.people.models import AGENT_ROLES, ResponsibilityGroup, User

from .models import ApprovalPolicy, ApprovalRound, ApprovalStep, Decision, Outcome

PROCESS = "approval"
NEEDS_COMMENT = {Decision.NEEDS_REWORK, Decision.REJECTED, Decision.APPROVED_WITH_REMARKS}


class NoPendingApproval(DomainError):
    code = "no_pending_approval"
    status = 409
    default_detail = gettext_lazy("This ticket is not waiting for approval.")


class NotAnApprover(DomainError):
    code = "not_an_approver"
    status = 403
    default_detail = gettext_lazy("You are not among this ticket's pending approvers.")


class AlreadyDecided(DomainError):
    code = "already_decided"
    status = 409
    default_detail = gettext_lazy("You have already decided in this round.")


class NotInRework(DomainError):
    code = "not_in_rework"
    status = 409
    default_detail = gettext_lazy("Only a request returned for rework can be resubmitted.")


# ---------------------------------------------------------------------------- policies
def policy_for(ticket: Ticket, *, now: dt.datetime | None = None) -> ApprovalPolicy | None:
    now = now or timezone.now()
    for policy in _active_policies(ticket.ticket_type_id):
        if routing.matches(policy, ticket, now):
            return policy
    return None


def _active_policies(type_id: int) -> list[ApprovalPolicy]:
    """From the desk's configuration cache (a policy change bumps its version)."""

    def load() -> dict[int, list[ApprovalPolicy]]:
        out: dict[int, list[ApprovalPolicy]] = {}
        for policy in ApprovalPolicy.objects.filter(is_active=True).order_by("ticket_type_id", "order", "id"):
            out.setdefault(policy.ticket_type_id, []).append(policy)
        return out

    return configcache.current().get("approvals.policies", load).get(type_id, [])


STATUS_ROLES = ("pending_status", "rework_status", "approved_status", "remarks_status", "rejected_status")


@transaction.atomic
def save_policy(*, actor: User | None = None, policy: ApprovalPolicy | None, data: dict) -> ApprovalPolicy:
    """Create or change a policy; statuses are keys of the type's workflow. `actor`: the account
    admin (checked, audited); None for the platform's default configuration."""
    ensure_allowed(actor, perms.can_configure_desk)
    created = policy is None
    errors: dict[str, list[str]] = {}
    ticket_type = data.get("ticket_type", getattr(policy, "ticket_type", None))
    if not isinstance(ticket_type, TicketType):
        ticket_type = (
            TicketType.objects.filter(pk=ticket_type).first() if isinstance(ticket_type, int) else None
        )
        if ticket_type is None:
            errors["ticket_type"] = [_("No such ticket type.")]
    name = (data.get("name", getattr(policy, "name", "")) or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    conditions = data.get("conditions", getattr(policy, "conditions", {}) or {})
    errors.update(routing.validate_conditions(conditions))
    statuses: dict[str, Status | None] = {}
    if ticket_type is not None:
        by_key = {s.key: s for s in Status.objects.filter(workflow_id=ticket_type.workflow_id)}
        for role in STATUS_ROLES:
            key = data.get(role, getattr(getattr(policy, role, None), "key", None))
            if key in (None, ""):
                if role != "remarks_status":
                    errors[role] = [_("This field is required.")]
                statuses[role] = None
            elif key not in by_key:
                errors[role] = [_("No status “%(k)s” in this type's workflow.") % {"k": key}]
            else:
                statuses[role] = by_key[key]
        if len({s.pk for s in statuses.values() if s is not None}) < len(
            [s for s in statuses.values() if s is not None]
        ):
            errors.setdefault("pending_status", []).append(
                _("Each stage of the process needs its own status.")
            )
    approver_ids = data.get("approvers")
    group_ids = data.get("approver_groups")
    approvers = list(User.objects.filter(pk__in=approver_ids or [], role__in=AGENT_ROLES))
    if approver_ids is not None and len(approvers) != len(set(approver_ids)):
        errors["approvers"] = [_("Approvers must be people of the desk's staff.")]
    groups = list(ResponsibilityGroup.objects.filter(pk__in=group_ids or []))
    if group_ids is not None and len(groups) != len(set(group_ids)):
        errors["approver_groups"] = [_("No such group.")]
    has_any = (approvers if approver_ids is not None else list(policy.approvers.all()) if policy else []) or (
        groups if group_ids is not None else list(policy.approver_groups.all()) if policy else []
    )
    if not has_any:
        errors["approvers"] = errors.get("approvers", []) + [_("Name at least one approver or group.")]
    approved_group = data.get("approved_group", getattr(policy, "approved_group_id", None))
    approved_group_obj = None
    if approved_group is not None:
        approved_group_obj = ResponsibilityGroup.objects.filter(pk=approved_group).first()
        if approved_group_obj is None:
            errors["approved_group"] = [_("No such group.")]
    deadline = data.get("deadline_hours", getattr(policy, "deadline_hours", None))
    if deadline is not None and (not isinstance(deadline, int) or not 1 <= deadline <= 24 * 90):
        errors["deadline_hours"] = [_("Give a number of hours from 1 to 2160.")]
    if errors:
        raise InvalidInput(fields=errors)
    policy = policy or ApprovalPolicy()
    policy.ticket_type = ticket_type
    policy.name = name
    policy.order = data.get("order", policy.order or 0)
    policy.is_active = data.get("is_active", policy.is_active if policy.pk else True)
    policy.conditions = conditions
    policy.deadline_hours = deadline
    policy.approved_group = approved_group_obj
    for role, status in statuses.items():
        setattr(policy, role, status)
    policy.save()
    if approver_ids is not None:
        policy.approvers.set(approvers)
    if group_ids is not None:
        policy.approver_groups.set(groups)
    record_change(
        actor=actor,
        action="approval_policy.created" if created else "approval_policy.changed",
        target=policy,
        details={"fields": sorted(data)},
    )
    return policy


@transaction.atomic
def delete_policy(*, actor: User | None = None, policy: ApprovalPolicy) -> None:
    ensure_allowed(actor, perms.can_configure_desk)
    record_change(actor=actor, action="approval_policy.deleted", target=policy)
    policy.delete()  # rounds keep their steps; they only lose the link to the policy


# ---------------------------------------------------------------------------- rounds
def _as_approval(actor: User | None) -> Origin:
    """The approval process as the system actor moving the ticket, for the approver (if any)."""
    return Origin.system_actor(PROCESS, person=actor)


def _open_round(ticket: Ticket) -> ApprovalRound | None:
    return ApprovalRound.objects.select_related("policy").filter(ticket=ticket, outcome="").first()


def _start_round(ticket: Ticket, policy: ApprovalPolicy, actor: User | None, number: int) -> ApprovalRound:
    now = timezone.now()
    due = now + dt.timedelta(hours=policy.deadline_hours) if policy.deadline_hours else None
    rnd = ApprovalRound.objects.create(ticket=ticket, number=number, policy=policy)
    people = list(policy.approvers.filter(is_active=True, blocked_at__isnull=True).order_by("id"))
    groups = list(policy.approver_groups.filter(is_active=True).order_by("id"))
    ApprovalStep.objects.bulk_create(
        [ApprovalStep(round=rnd, approver=p, due_at=due) for p in people]
        + [ApprovalStep(round=rnd, group=g, due_at=due) for g in groups]
    )
    if ticket.status_id != policy.pending_status_id:
        desk.move_as_system(
            ticket=ticket,
            target=policy.pending_status,
            origin=_as_approval(actor),
            note=_("Sent for approval"),
        )
    members = [m for g in groups for m in g.members.filter(is_active=True, blocked_at__isnull=True)]
    notify(  # in-app now, e-mail after commit: each approver (a group's active members)
        recipients=people + members,
        kind="approvals.needed",
        ticket=ticket,
    )
    events.record(
        ticket,
        EventKind.APPROVAL_REQUESTED,
        actor,
        public=True,
        round=number,
        policy=policy.name,
        approvers=[p.full_name for p in people] + [g.name for g in groups],
        due_at=due.isoformat() if due else None,
    )
    return rnd


@events.reaction("approvals", kinds={EventKind.CREATED, EventKind.STATUS_CHANGED})
def _follow_ticket(event) -> None:
    """Start round 1 when a ticket is filed; cancel an open round when the ticket leaves the
    pending status by any other way than the process itself (withdrawn, cancelled)."""
    if event.kind == EventKind.CREATED:
        ticket = event.ticket
        policy = policy_for(ticket)
        if policy is not None:
            _start_round(ticket, policy, event.actor, 1)
    elif event.kind == EventKind.STATUS_CHANGED and event.origin.system != PROCESS:
        rnd = _open_round(event.ticket)
        if rnd is not None and rnd.policy_id and event.ticket.status_id != rnd.policy.pending_status_id:
            _complete(event.ticket, rnd, Outcome.CANCELLED, event.actor)


def _complete(ticket: Ticket, rnd: ApprovalRound, outcome: str, actor: User | None, **data) -> None:
    rnd.outcome = outcome
    rnd.completed_at = timezone.now()
    rnd.save(update_fields=["outcome", "completed_at"])
    events.record(
        ticket, EventKind.APPROVAL_COMPLETED, actor, public=True, round=rnd.number, outcome=outcome, **data
    )


# ---------------------------------------------------------------------------- decisions
@transaction.atomic
def decide(*, actor: User, ticket: Ticket, decision: str, comment: str = "") -> ApprovalRound:
    ticket = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    if decision not in Decision.values:
        errors["decision"] = [_("Choose one of: %(d)s.") % {"d": ", ".join(Decision.values)}]
    comment = (comment or "").strip()
    if decision in NEEDS_COMMENT and not comment:
        errors["comment"] = [_("Explain this decision: the requester and the people doing the work read it.")]
    if len(comment) > 5000:
        errors["comment"] = [_("Use at most 5000 characters.")]
    rnd = _open_round(ticket)
    if rnd is None:
        raise NoPendingApproval()
    steps = list(rnd.steps.all())
    mine = [s for s in steps if not s.decision and perms.may_decide_approval_step(actor, s)]
    if not mine:
        if any(s.decided_by_id == actor.pk for s in steps):
            raise AlreadyDecided()
        raise NotAnApprover()
    if errors:
        raise InvalidInput(fields=errors)
    now = timezone.now()
    for step in mine:
        step.decision, step.comment, step.decided_by, step.decided_at = decision, comment, actor, now
        step.save(update_fields=["decision", "comment", "decided_by", "decided_at"])
    events.record(
        ticket,
        EventKind.APPROVAL_DECIDED,
        actor,
        public=True,
        round=rnd.number,
        decision=decision,
        comment=comment,
        on_behalf_of=[s.group.name for s in mine if s.group_id],
    )
    policy = rnd.policy
    if decision == Decision.REJECTED:
        desk.move_as_system(ticket=ticket, target=policy.rejected_status, origin=_as_approval(actor))
        _complete(ticket, rnd, Outcome.REJECTED, actor, comment=comment)
    elif decision == Decision.NEEDS_REWORK:
        desk.move_as_system(ticket=ticket, target=policy.rework_status, origin=_as_approval(actor))
        _complete(ticket, rnd, Outcome.NEEDS_REWORK, actor, comment=comment)
    elif all(s.decision for s in steps):
        remarks = [
            {"by": s.decided_by.full_name if s.decided_by_id else "", "comment": s.comment}
            for s in steps
            if s.decision == Decision.APPROVED_WITH_REMARKS
        ]
        outcome = Outcome.APPROVED_WITH_REMARKS if remarks else Outcome.APPROVED
        target = policy.remarks_status if remarks and policy.remarks_status_id else policy.approved_status
        desk.move_as_system(
            ticket=ticket,
            target=target,
            origin=_as_approval(actor),
            set_group=policy.approved_group,
            clear_assignee=policy.approved_group_id is not None,
        )
        _complete(ticket, rnd, outcome, actor, remarks=remarks)
    return rnd


def in_rework(ticket: Ticket, last_round: ApprovalRound | None) -> bool:
    """The ticket's latest round asked for rework and the ticket still waits in the rework status."""
    return (
        last_round is not None
        and last_round.outcome == Outcome.NEEDS_REWORK
        and last_round.policy is not None
        and ticket.status_id == last_round.policy.rework_status_id
    )


def may_resubmit(actor: User, ticket: Ticket, last_round: ApprovalRound | None) -> bool:
    return in_rework(ticket, last_round) and (
        ticket.requester_id == actor.pk or perms.can_change_ticket(actor, ticket)
    )


@transaction.atomic
def resubmit(*, actor: User, ticket: Ticket, changes: dict | None = None, comment: str = "") -> ApprovalRound:
    """The requester (or the desk on their behalf) sends a reworked request for a new round."""
    ticket = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    if ticket.requester_id != actor.pk and not perms.can_change_ticket(actor, ticket):
        raise desk.PermissionDenied(_("Only the requester or the desk's staff resubmit a request."))
    last = ApprovalRound.objects.select_related("policy").filter(ticket=ticket).order_by("-number").first()
    if not in_rework(ticket, last):
        raise NotInRework()
    if changes:
        ticket = desk.update_ticket(actor=actor, ticket=ticket, changes=changes, requester_edit=True)
    if (comment or "").strip():
        desk.add_comment(actor=actor, ticket=ticket, body=comment)
    policy = policy_for(ticket) or last.policy
    return _start_round(ticket, policy, actor, last.number + 1)


# ---------------------------------------------------------------------------- reminders
def remind_overdue(*, now: dt.datetime | None = None) -> int:
    """E-mail the approvers whose decision is past due, once per step. Returns steps reminded."""
    now = now or timezone.now()
    overdue = list(
        ApprovalStep.objects.select_related("round__ticket__ticket_type", "approver", "group")
        .filter(decision="", round__outcome="", due_at__lt=now, reminded_at__isnull=True)
        .order_by("id")[:500]
    )
    for step in overdue:
        people = (
            [step.approver]
            if step.approver_id
            else list(step.group.members.filter(is_active=True, blocked_at__isnull=True))
        )
        ticket = step.round.ticket
        context = {
            "key": ticket.key,
            "title": ticket.title,
            "since": step.round.started_at.strftime("%Y-%m-%d %H:%M"),
        }
        for person in people:  # this runs in a Celery task (beat): the send step of notifications
            deliver_mail(person=person, kind="approvals.overdue", context=context)
        ApprovalStep.objects.filter(pk=step.pk).update(reminded_at=now)
    return len(overdue)


def queue_reminders() -> None:
    enqueue_for_account("approvals.remind_overdue", schema_name=connection.schema_name)
