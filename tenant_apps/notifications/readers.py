"""Notifications as a reader of the ticket-event spine (after commit).

After a change commits, the committing process only queues `notifications.ticket_events` with the
ids of the change's events (one task per change, however many events it recorded: a partner's run
of comments is one; a rolled-back change queues nothing); the worker reads those events in one
query and tells the people they concern (who by which channel: the account's rules and each
person's preferences, policy.py):

  created        the members of the ticket's group (not who filed it)            ticket.new_in_group
  assigned       the new assignee (not when they assigned it to themselves)      ticket.assigned
  commented      a public reply: the requester (not their own comment)           ticket.replied
  status_changed the ticket is now resolved: the requester (not if they did it)  ticket.resolved
  (a comment written with a resolving transition is part of the resolution: no reply too)

Approval needed is told by approvals when it opens a round (it knows the approvers); the spine's
`approval_requested` event names them only by name. One event tells a person once per kind: the
task may run twice (at-least-once delivery) and stores one notification.
"""

from __future__ import annotations

import logging

from django.db import connection, transaction
from django_tenants.utils import schema_context
from kernel.tasks import enqueue_for_account, send_now

log = logging.getLogger(__name__)

_registered = False
# the event kinds the built-in notifications read (the spine hands over no others)
KINDS = ("created", "assigned", "commented", "status_changed")
TASK = "notifications.ticket_events"


def register() -> None:
    global _registered
    if _registered:
        return
    from tenant_apps.desk import events

    events.reader("notifications", kinds=KINDS, when=might_tell)(queue_events)
    _registered = True


def might_tell(event) -> bool:
    """In the change's transaction, with no query: could this event tell anyone (the rules below)?
    A superset of what the worker decides, so nothing is lost; it keeps the worker from a task for
    every change nobody hears of (the requester's own comment, a partner's comments applied as
    the partner's stand-in, a self-assignment). A rule added to `_notify_for` below is added here
    too, or its events never reach the worker."""
    ticket, actor_id, data = event.ticket, event.actor_id, event.data or {}
    if event.kind == "created":
        return True  # the group's members: the worker reads them
    if event.kind == "assigned":
        return "assignee" in (data.get("changes") or {}) and ticket.assignee_id not in (None, actor_id)
    if event.kind == "commented":
        return bool(event.public) and ticket.requester_id not in (None, actor_id)
    if event.kind == "status_changed":
        return data.get("category") == "resolved" and ticket.requester_id not in (None, actor_id)
    return False


def queue_events(schema_name: str, event_ids: list[int]) -> None:
    """After commit, in the committing process: hand the change's events to the worker in one task
    (bounded wait when the broker is gone: then the task outbox keeps it and its sweep sends it)."""
    event_ids = list(event_ids)
    try:
        if not send_now(TASK, schema_name=schema_name, event_ids=event_ids):
            with schema_context(schema_name), transaction.atomic():
                enqueue_for_account(TASK, schema_name=schema_name, event_ids=event_ids)
    except Exception:  # noqa: BLE001 - a reader's failure never touches the committed change
        log.exception("notifications: events %s of %s not queued", event_ids, schema_name)


def notify_for_events(*, event_ids: list[int]) -> int:
    """The built-in notifications of committed events (one query reads them all); returns how
    many people were told."""
    from tenant_apps.desk.models import TicketEvent

    found = (
        TicketEvent.objects.select_related("ticket__assignee", "ticket__requester", "ticket__group", "actor")
        .filter(pk__in=list(event_ids))
        .order_by("pk")
    )
    told = sum(_notify_for(event) for event in found)
    if told:
        log.debug("notifications: events %s in %s told %d", event_ids, connection.schema_name, told)
    return told


def notify_for_event(*, event_id: int) -> int:
    """One committed event (see `notify_for_events`)."""
    return notify_for_events(event_ids=[event_id])


def _notify_for(event) -> int:
    from tenant_apps.desk.models import EventKind

    from .services import notify

    ticket = event.ticket
    actor_id = event.actor_id
    actor = event.actor_name or (event.actor.full_name if event.actor else "")
    told = 0
    if event.kind == EventKind.CREATED and ticket.group_id:
        members = ticket.group.members.filter(is_active=True, blocked_at__isnull=True).exclude(pk=actor_id)
        told += len(
            notify(
                recipients=list(members.order_by("id")),
                kind="ticket.new_in_group",
                ticket=ticket,
                event_id=event.pk,
                context={"group": ticket.group.name},
            )
        )
    elif event.kind == EventKind.ASSIGNED:
        changes = (event.data or {}).get("changes", {})
        if "assignee" in changes and ticket.assignee_id and ticket.assignee_id != actor_id:
            told += len(
                notify(
                    recipients=[ticket.assignee],
                    kind="ticket.assigned",
                    ticket=ticket,
                    event_id=event.pk,
                    context={"actor": actor},
                )
            )
    elif event.kind == EventKind.COMMENTED and event.public:
        if ticket.requester_id and ticket.requester_id != actor_id and not _part_of_resolution(event):
            text = (event.data or {}).get("body") or (event.data or {}).get("text") or ""
            told += len(
                notify(
                    recipients=[ticket.requester],
                    kind="ticket.replied",
                    ticket=ticket,
                    event_id=event.pk,
                    context={"actor": actor, "text": _excerpt(text)},
                )
            )
    elif event.kind == EventKind.STATUS_CHANGED and (event.data or {}).get("category") == "resolved":
        if ticket.requester_id and ticket.requester_id != actor_id:
            told += len(
                notify(
                    recipients=[ticket.requester], kind="ticket.resolved", ticket=ticket, event_id=event.pk
                )
            )
    return told


def _part_of_resolution(event) -> bool:
    """A comment written with a transition follows its status change (docs/spine.md); when that
    change resolved the ticket, the requester hears of the resolution only, not of a reply too."""
    from tenant_apps.desk.models import EventKind, TicketEvent

    if not (event.data or {}).get("transition"):
        return False
    change = (
        TicketEvent.objects.filter(ticket_id=event.ticket_id, kind=EventKind.STATUS_CHANGED, pk__lt=event.pk)
        .order_by("-pk")
        .values_list("data", flat=True)
        .first()
    )
    return bool(change) and change.get("category") == "resolved"


def _excerpt(text: str, limit: int = 500) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
