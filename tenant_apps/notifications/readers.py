"""Notifications as a reader of the ticket-event spine (after commit).

After a change commits, the committing process only queues `notifications.ticket_event` with the
event's id (a rolled-back change queues nothing); the worker reads the event and tells the people
it concerns (who by which channel: the account's rules and each person's preferences, policy.py):

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


def register() -> None:
    global _registered
    if _registered:
        return
    from tenant_apps.desk import events

    if hasattr(events, "reader"):  # the typed spine (docs/spine.md): only the kinds read here
        events.reader("notifications", kinds=KINDS)(queue_event)
    else:
        events.on_event_committed(queue_event)
    _registered = True


def queue_event(schema_name: str, event_id: int) -> None:
    """After commit, in the committing process: hand the event to the worker (bounded wait when
    the broker is gone; then this event notifies nobody, logged)."""
    try:
        if not send_now("notifications.ticket_event", schema_name=schema_name, event_id=event_id):
            # the broker is gone: keep the task in the task outbox, whose sweep sends it later
            with schema_context(schema_name), transaction.atomic():
                enqueue_for_account("notifications.ticket_event", schema_name=schema_name, event_id=event_id)
    except Exception:  # noqa: BLE001 - a reader's failure never touches the committed change
        log.exception("notifications: event %s of %s not queued", event_id, schema_name)


def notify_for_event(*, event_id: int) -> int:
    """The built-in notifications of one committed event; returns how many people were told."""
    from tenant_apps.desk.models import EventKind, TicketEvent

    from .services import notify

    event = (
        TicketEvent.objects.select_related("ticket__assignee", "ticket__requester", "ticket__group", "actor")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return 0
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
    if told:
        log.debug("notifications: event %s in %s told %d", event_id, connection.schema_name, told)
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
