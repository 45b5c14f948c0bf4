"""The outbox: every change of a linked ticket (a ticket event, through the spine) becomes a
numbered message on each of the ticket's active links, in the change's transaction (a listener
of the ticket-event spine), except on the link the change came from (`origin.inbound`). Which
event kinds cross, and as what message, is declared here in the registry (`registry.crosses` /
`registry.stays`); `kick` queues the link's drain (`delivery.drain_link`) after commit.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_save
from django.dispatch import receiver
from kernel.tasks import enqueue_for_account

from tenant_apps.desk import confirmation, events
from tenant_apps.desk.models import (
    Attachment,
    EventKind,
    TicketEvent,
)

from . import files, origin, registry
from .directory.models import Partnership
from .models import LinkRole, LinkState, MessageKind, OutboxMessage, TicketLink


def queue_message(
    link: TicketLink, kind: str, payload: dict, *, event_id: int | None = None
) -> OutboxMessage:
    """Append a message to the link's outbox in the current transaction; drain it after commit."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE federation_ticketlink SET next_out_seq = next_out_seq + 1 WHERE id = %s RETURNING next_out_seq",
            [link.pk],
        )
        link.next_out_seq = cur.fetchone()[0]
    msg = OutboxMessage.objects.create(
        link=link, seq=link.next_out_seq - 1, kind=kind, payload=payload, event_id=event_id
    )
    kick(link.pk)
    return msg


def drain_key(schema_name: str, link_id) -> str:
    return f"federation:drain:{schema_name}:{link_id}"


def kick(link_id: uuid.UUID, countdown: float | None = None) -> None:
    """Queue a drain of the link after commit. Without a countdown, only if none is waiting for
    the link: a burst of changes on one link is one drain, not one per change. A retry after
    backoff (`countdown`) is always queued. The sweeper (`delivery.sweep_outbox`) catches the rest.
    Callers outside this module call it as `outbox.kick` (tests replace it there)."""
    schema = connection.schema_name
    enqueue_for_account(
        "federation.drain_link",
        schema_name=schema,
        countdown=countdown,
        once_key=None if countdown is not None else drain_key(schema, link_id),
        once_seconds=settings.FEDERATION_DRAIN_PENDING_SECONDS,
        link_id=str(link_id),
    )


# ---------------------------------------------------------------------------- what crosses
# Every ticket-event kind is declared here, once: crossing (with its message) or staying.
registry.stays(
    EventKind.CREATED,
    EventKind.ROUTED,
    EventKind.WATCHERS_CHANGED,
    why="this side's own filing, routing and watchers (the share carries the ticket as filed)",
)
registry.stays(
    EventKind.APPROVAL_REQUESTED,
    EventKind.APPROVAL_DECIDED,
    EventKind.APPROVAL_COMPLETED,
    EventKind.PASS_ISSUED,
    EventKind.PASS_CHANGED,
    EventKind.GATE_CHECKED,
    why="approvals, passes and the gate are this account's own procedures",
)
registry.stays(
    EventKind.FORWARDED,
    EventKind.FEDERATION,
    why="federation's own events: the link's messages say it already",
)
registry.stays(
    EventKind.SLA_WARNING,
    EventKind.SLA_BREACHED,
    why="SLA timers are this account's own service levels (each side keeps its own)",
)


@registry.crosses(EventKind.COMMENTED)
def _comment(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    d = event.data or {}
    if d.get("internal") or not event.public:
        return None  # internal comments never cross
    if d.get("transition"):
        return None  # made with a transition: the status message carries it (docs/spine.md)
    return MessageKind.COMMENT, {"body": d.get("body", ""), "author": event.actor_name}


@registry.crosses(EventKind.STATUS_CHANGED)
def _status(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    d = event.data or {}
    ticket = event.ticket
    return MessageKind.STATUS, {
        "key": ticket.status.key,
        "name": ticket.status.name,
        "category": ticket.status.category,
        "comment": d.get("comment") or "",
        "author": event.actor_name,
    }


@registry.crosses(EventKind.CHANGED)
def _changed(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    changes = (event.data or {}).get("changes") or {}
    dates = {k: changes[k][1] for k in ("planned_start", "planned_finish") if k in changes}
    return (MessageKind.UPDATE, dates) if dates else None


@registry.crosses(EventKind.ASSIGNED)
def _assigned(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    if link.role != LinkRole.RECEIVER:
        return None  # the receiving side tells who works on it; the forwarding side's stays here
    assignee = event.ticket.assignee
    return MessageKind.UPDATE, {"assignee": assignee.full_name if assignee else ""}


@registry.crosses(EventKind.CHECKLIST_CHANGED)
def _checklist(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    d = event.data or {}
    changes = d.get("changes") or {}
    return MessageKind.CHECKLIST, {
        "checklist": d.get("checklist", ""),
        "label": d.get("label", ""),
        "value": (changes.get("value") or [None, None])[1],
        "done": bool((changes.get("done") or [False, False])[1]),
        "comment": d.get("comment") or "",
        "author": event.actor_name,
    }


@registry.crosses(EventKind.CONFIRMED, EventKind.RETURNED, EventKind.RATED)
def _confirmation(event: TicketEvent, link: TicketLink, partnership: None) -> tuple[str, dict] | None:
    # the requester side's answer on work the provider did; never the other way round
    if link.role != LinkRole.SENDER or (event.data or {}).get("partner"):
        return None
    return MessageKind.CONFIRMATION, confirmation.answer_message(event)


@registry.crosses(EventKind.ATTACHMENT_ADDED, needs_partnership=True)
def _attachment(
    event: TicketEvent, link: TicketLink, partnership: Partnership | None
) -> tuple[str, dict] | None:
    if not event.public or partnership is None or not partnership.attachments:
        return None
    attachment = Attachment.objects.filter(pk=(event.data or {}).get("attachment_id"), internal=False).first()
    return (MessageKind.ATTACHMENT, files.attachment_payload(attachment, link)) if attachment else None


# ---------------------------------------------------------------------------- the spine's listener
def _active_links(ticket_id: int) -> list[TicketLink]:
    """The ticket's active links; read once for the events of one change (`events.batch_memo`)."""
    memo = events.batch_memo()
    key = ("federation.active_links", ticket_id)
    if memo is not None and key in memo:
        return memo[key]
    links = list(TicketLink.objects.filter(ticket_id=ticket_id, state=LinkState.ACTIVE))
    if memo is not None:
        memo[key] = links
    return links


@receiver(post_save, sender=TicketLink)
def _forget_active_links(sender, instance: TicketLink, **kwargs) -> None:
    memo = events.batch_memo()
    if memo is not None:
        memo.pop(("federation.active_links", instance.ticket_id), None)


@events.reaction("federation.outbox", kinds=registry.crossing_kinds())
def _to_outbox(event: TicketEvent) -> None:
    """In the change's transaction: every change of a linked ticket becomes a message on each of
    its active links, except on the link the change came from."""
    crossing = registry.crossing_for(event.kind)
    if crossing is None:
        return
    links = _active_links(event.ticket_id)
    inbound = origin.inbound_link()
    for link in links:
        if link.pk == inbound:
            continue
        partnership = (
            Partnership.objects.filter(pk=link.partnership_id).first() if crossing.needs_partnership else None
        )
        message = crossing.build(event, link, partnership)
        if message is not None:
            queue_message(link, message[0], message[1], event_id=event.pk)
