"""The requester's confirmation of resolved work, returns for rework, and ratings.

When a ticket reaches a status of category `resolved`, its requester (or the key user of the
requester's company) confirms the work or returns it with a reason. A confirmation moves the ticket
to the workflow's `confirm_status` (a closed status), a return to its `return_status` (an open
one). Work nobody answers is confirmed by the system after the type's (or the account's) number of
days: `auto_confirm_due`, run per account by Celery beat, confirms each due ticket exactly once
(a row lock taken with SKIP LOCKED, then the state checked again under it). A confirmed ticket can
be rated 1–5 once, with an optional comment.

Each of these is a ticket event on the spine (CONFIRMED, RETURNED, RATED): history, live updates
and federation (the contractor's side of a forwarded ticket records the mall's answer,
`apply_partner_answer`).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound

from tenant_apps import permissions as perms

from . import configcache, events
from .models import (
    CONFIRMED_STATES,
    Category,
    Channel,
    ConfirmationState,
    DeskSettings,
    EventKind,
    Status,
    Ticket,
    Workflow,
)
from .origin import Origin

PROCESS = "confirmation"
DEFAULT_AUTO_CONFIRM_DAYS = 3
REASON_MAX_LENGTH = 5000
RATING_COMMENT_MAX_LENGTH = 5000


class NotAwaitingConfirmation(DomainError):
    code = "not_awaiting_confirmation"
    status = 409
    default_detail = gettext_lazy("This ticket is not waiting for confirmation of resolved work.")


class ConfirmationNotConfigured(DomainError):
    code = "confirmation_not_configured"
    status = 409
    default_detail = gettext_lazy(
        "This ticket's workflow does not name statuses for confirmation and return."
    )


class NotConfirmed(DomainError):
    code = "not_confirmed"
    status = 409
    default_detail = gettext_lazy("Only confirmed work can be rated.")


class AlreadyRated(DomainError):
    code = "already_rated"
    status = 409
    default_detail = gettext_lazy("This ticket has already been rated.")


def _denied():
    from .services import PermissionDenied

    return PermissionDenied(
        _("Only the requester or their company's key user confirms, returns and rates work.")
    )


# ---------------------------------------------------------------------------- configuration
def workflow_answers(workflow_id: int) -> tuple[str, str]:
    """(confirm_status, return_status) of a workflow, from the configuration snapshot."""

    def load() -> dict[int, tuple[str, str]]:
        return {
            pk: (confirm or "", back or "")
            for pk, confirm, back in Workflow.objects.values_list("id", "confirm_status", "return_status")
        }

    return configcache.current().get("desk.workflow_answers", load).get(workflow_id, ("", ""))


def account_auto_confirm_days() -> int:
    row = DeskSettings.objects.filter(pk=1).values_list("auto_confirm_days", flat=True).first()
    return DEFAULT_AUTO_CONFIRM_DAYS if row is None else row


def auto_confirm_days(ticket_type) -> int:
    days = getattr(ticket_type, "auto_confirm_days", None)
    return account_auto_confirm_days() if days is None else days


def status_entered(ticket: Ticket, status: Status, now) -> None:
    """Called whenever a ticket's status is set (desk.services._set_status), before it is saved.

    Entering a resolved status starts waiting for the requester's answer (when the workflow names
    where confirmation and return lead); leaving it otherwise ends the wait. A ticket received from
    a partner account waits for the partner's answer, with no deadline of its own."""
    if status.category == Category.RESOLVED:
        if ticket.confirmation_state == ConfirmationState.AWAITING:
            return
        confirm, back = workflow_answers(status.workflow_id)
        if not (confirm and back):
            return
        ticket.confirmation_state = ConfirmationState.AWAITING
        days = 0 if ticket.channel == Channel.FEDERATION else auto_confirm_days(ticket.ticket_type)
        ticket.confirmation_due_at = now + timedelta(days=days) if days else None
    elif ticket.confirmation_state == ConfirmationState.AWAITING:
        ticket.confirmation_state, ticket.confirmation_due_at = "", None


# ---------------------------------------------------------------------------- the requester's answer
def _target(ticket: Ticket, which: int) -> Status:
    answers = workflow_answers(ticket.ticket_type.workflow_id)
    key = answers[which]
    target = (
        Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, key=key).first() if key else None
    )
    if target is None:
        raise ConfirmationNotConfigured()
    return target


def _check_answer(actor, ticket: Ticket) -> None:
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    if not perms.may_answer_for_requester(actor, ticket):
        raise _denied()
    if ticket.category != Category.RESOLVED or ticket.confirmation_state != ConfirmationState.AWAITING:
        raise NotAwaitingConfirmation()


def _move(ticket: Ticket, target: Status, actor, note: str) -> None:
    """The confirmation process moves the ticket (for the requester who answered, if any)."""
    from .services import move_as_system

    move_as_system(ticket=ticket, target=target, origin=Origin.system_actor(PROCESS, person=actor), note=note)


@transaction.atomic
def confirm_resolution(*, actor, ticket: Ticket) -> Ticket:
    """The requester (or their key user) accepts the work: the ticket closes."""
    from .services import lock_ticket

    ticket = lock_ticket(ticket)
    _check_answer(actor, ticket)
    return _confirm(ticket, actor, auto=False)


def _confirm(ticket: Ticket, actor, *, auto: bool) -> Ticket:
    target = _target(ticket, 0)
    now = timezone.now()
    _move(ticket, target, actor, _("Confirmed automatically") if auto else _("Confirmed by the requester"))
    ticket.confirmation_state = ConfirmationState.AUTO_CONFIRMED if auto else ConfirmationState.CONFIRMED
    ticket.confirmation_due_at, ticket.confirmed_at = None, now
    ticket.save(update_fields=["confirmation_state", "confirmation_due_at", "confirmed_at", "updated_at"])
    origin = Origin.system_actor(PROCESS, label=_("Auto-confirmation")) if auto else actor
    events.record(ticket, EventKind.CONFIRMED, origin, public=True, auto=auto, status=target.key)
    return ticket


@transaction.atomic
def return_for_rework(*, actor, ticket: Ticket, reason: str) -> Ticket:
    """The requester (or their key user) refuses the work, saying why: the ticket reopens."""
    from .services import lock_ticket

    ticket = lock_ticket(ticket)
    _check_answer(actor, ticket)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say what is wrong with the work.")]})
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(fields={"reason": [_("Use at most 5000 characters.")]})
    target = _target(ticket, 1)
    _move(ticket, target, actor, _("Returned by the requester"))
    ticket.confirmation_state, ticket.confirmation_due_at = ConfirmationState.RETURNED, None
    ticket.returned_reason = reason
    ticket.save(update_fields=["confirmation_state", "confirmation_due_at", "returned_reason", "updated_at"])
    events.record(ticket, EventKind.RETURNED, actor, public=True, reason=reason, status=target.key)
    return ticket


@transaction.atomic
def rate_ticket(*, actor, ticket: Ticket, score, comment: str = "") -> Ticket:
    """A rating of confirmed work, 1 to 5, once. The event is the desk's (internal): the rating
    itself shows on the ticket to its requester's side and to agents."""
    from .services import lock_ticket

    ticket = lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    if not perms.may_answer_for_requester(actor, ticket):
        raise _denied()
    if ticket.rated_at is not None:
        raise AlreadyRated()
    if ticket.confirmation_state not in CONFIRMED_STATES:
        raise NotConfirmed()
    errors = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        errors["score"] = [_("Choose a score from 1 to 5.")]
    comment = (comment or "").strip()
    if len(comment) > RATING_COMMENT_MAX_LENGTH:
        errors["comment"] = [_("Use at most 5000 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    ticket.rating, ticket.rating_comment, ticket.rated_at = score, comment, timezone.now()
    ticket.rated_by, ticket.rated_by_name = actor, actor.full_name
    ticket.save(
        update_fields=["rating", "rating_comment", "rated_at", "rated_by", "rated_by_name", "updated_at"]
    )
    events.record(ticket, EventKind.RATED, actor, public=False, score=score, comment=comment)
    return ticket


# ---------------------------------------------------------------------------- auto-confirmation
def auto_confirm_due(*, now=None, limit: int = 1000) -> int:
    """Confirm, as the system, every ticket whose wait for its requester is over. Each ticket in its
    own transaction; a ticket another run holds is skipped (SKIP LOCKED) and the state is checked
    again under the lock, so two runs at once, or a retried one, confirm each ticket once."""
    now = now or timezone.now()
    due = list(
        Ticket.objects.filter(
            confirmation_state=ConfirmationState.AWAITING, confirmation_due_at__lte=now
        ).values_list("pk", flat=True)[:limit]
    )
    confirmed = 0
    for pk in due:
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket_type", "status")
                .filter(
                    pk=pk,
                    category=Category.RESOLVED,
                    confirmation_state=ConfirmationState.AWAITING,
                    confirmation_due_at__lte=now,
                )
                .first()
            )
            if ticket is None:
                continue  # another run has it, or it was answered meanwhile
            try:
                with transaction.atomic():
                    _confirm(ticket, None, auto=True)
            except DomainError:
                # the workflow no longer says where confirmation leads: stop the clock
                Ticket.objects.filter(pk=pk).update(confirmation_due_at=None)
                continue
            confirmed += 1
    return confirmed


# ---------------------------------------------------------------------------- a partner's answer
def apply_partner_answer(*, ticket: Ticket, actor, answer: dict) -> Ticket:
    """Record on a ticket received from a partner the partner's answer on its side (federation
    applies it inside its own transaction): confirmed, returned or rated. The status itself
    crosses as a status message; this records who answered, why, and the rating."""
    if not connection.in_atomic_block:
        raise RuntimeError("a partner's answer is applied inside the federation's transaction")
    from .services import lock_ticket

    ticket = lock_ticket(ticket)
    action = answer.get("action")
    author = str(answer.get("author") or "")[:150]
    common = {"partner": True, "author": author, "process": "federation"}
    if action in ("confirmed", "auto_confirmed"):
        ticket.confirmation_state = (
            ConfirmationState.AUTO_CONFIRMED if action == "auto_confirmed" else ConfirmationState.CONFIRMED
        )
        ticket.confirmation_due_at, ticket.confirmed_at = None, timezone.now()
        ticket.save(update_fields=["confirmation_state", "confirmation_due_at", "confirmed_at", "updated_at"])
        events.record(
            ticket, EventKind.CONFIRMED, actor, public=True, auto=action == "auto_confirmed", **common
        )
    elif action == "returned":
        reason = str(answer.get("reason") or "")[:REASON_MAX_LENGTH]
        ticket.confirmation_state, ticket.confirmation_due_at = ConfirmationState.RETURNED, None
        ticket.returned_reason = reason
        ticket.save(
            update_fields=["confirmation_state", "confirmation_due_at", "returned_reason", "updated_at"]
        )
        events.record(ticket, EventKind.RETURNED, actor, public=True, reason=reason, **common)
    elif action == "rated":
        score = answer.get("score")
        if ticket.rated_at is None and isinstance(score, int) and 1 <= score <= 5:
            ticket.rating, ticket.rated_at = score, timezone.now()
            ticket.rating_comment = str(answer.get("comment") or "")[:RATING_COMMENT_MAX_LENGTH]
            ticket.rated_by, ticket.rated_by_name = None, author or actor.full_name
            ticket.save(
                update_fields=[
                    "rating",
                    "rating_comment",
                    "rated_at",
                    "rated_by",
                    "rated_by_name",
                    "updated_at",
                ]
            )
            events.record(
                ticket,
                EventKind.RATED,
                actor,
                public=False,
                score=score,
                comment=ticket.rating_comment,
                **common,
            )
    else:
        raise ValueError(f"unknown answer: {action!r}")
    return ticket


def answer_message(event) -> dict | None:
    """The federation payload of a CONFIRMED, RETURNED or RATED event (None for others)."""
    d = event.data or {}
    who = event.actor_name
    if event.kind == EventKind.CONFIRMED:
        return {"action": "auto_confirmed" if d.get("auto") else "confirmed", "author": who}
    if event.kind == EventKind.RETURNED:
        return {"action": "returned", "reason": d.get("reason", ""), "author": who}
    if event.kind == EventKind.RATED:
        return {"action": "rated", "score": d.get("score"), "comment": d.get("comment", ""), "author": who}
    return None
