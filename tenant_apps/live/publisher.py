"""From the ticket-event spine to websocket groups, after commit.

Every committed TicketEvent is sent once per audience group of its account:
  a.<schema>.agents              every agent's socket (agents may see every ticket)
  a.<schema>.p.<person id>       a requester-side person: the ticket's requester and watchers
  a.<schema>.c.<company id>      key users of the ticket's company
Internal events go to the agents group only. Group names carry the account's schema, so nothing
can cross accounts. Consumers match the payload against their own subscriptions.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading

from channels.layers import get_channel_layer
from django_tenants.utils import schema_context

from tenant_apps.desk.events import on_event_committed
from tenant_apps.desk.models import TicketEvent

log = logging.getLogger(__name__)


def agents_group(schema: str) -> str:
    return f"a.{schema}.agents"


def person_group(schema: str, person_id: int) -> str:
    return f"a.{schema}.p.{person_id}"


def company_group(schema: str, company_id: int) -> str:
    return f"a.{schema}.c.{company_id}"


def event_payload(event: TicketEvent) -> dict:
    """The compact form both live delivery and resume send (see docs/live.md)."""
    ticket = event.ticket
    return {
        "id": event.pk,
        "ticket": {
            "id": ticket.pk,
            "key": f"{ticket.ticket_type.prefix}-{ticket.number}",
            "type": ticket.ticket_type.code,
            "status": ticket.status.key,
            "category": ticket.category,
            "priority": ticket.priority,
            "group": ticket.group_id,
            "assignee": ticket.assignee_id,
            "requester": ticket.requester_id,
            "company": ticket.company_id,
        },
        "kind": event.kind,
        "public": event.public,
        "data": event.data,
        "actor": event.actor_name,
        "at": event.at.isoformat(),
    }


def audience(schema: str, event: TicketEvent, watcher_ids: list[int]) -> list[str]:
    groups = [agents_group(schema)]
    if event.public:
        people = {event.ticket.requester_id, *watcher_ids} - {None}
        groups += [person_group(schema, pk) for pk in sorted(people)]
        if event.ticket.company_id:
            groups.append(company_group(schema, event.ticket.company_id))
    return groups


def load_event(event_id: int) -> TicketEvent | None:
    return (
        TicketEvent.objects.select_related("ticket__ticket_type", "ticket__status")
        .filter(pk=event_id)
        .first()
    )


@on_event_committed
def publish_event(schema: str, event_id: int) -> None:
    """Runs in whichever process committed the change: web, worker, beat, federation."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        with schema_context(schema):
            event = load_event(event_id)
            if event is None:
                return
            watchers = list(event.ticket.watchers.values_list("id", flat=True)) if event.public else []
            payload = event_payload(event)
            groups = audience(schema, event, watchers)
        _publish(groups, {"type": "ticket.event", "event": payload})
    except Exception:  # noqa: BLE001 - a live push must never undo or fail the committed change
        log.exception("live publish failed for event %s in %s", event_id, schema)


class _Sender:
    """A per-process event loop thread that sends to the channel layer, in commit order.

    `async_to_sync` per event would build a new event loop and a new Redis connection each time
    (tens of milliseconds on the committing request); here one loop keeps its connections and a
    queue keeps the order. Each message names its group, so a process's hub hands it only to the
    sockets of that group. Re-created after a fork (Celery's prefork workers)."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue | None = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), name="live-publisher", daemon=True).start()
        ready.wait(5)

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        self.queue = asyncio.Queue()
        ready.set()
        self.loop.run_until_complete(self._drain())

    async def _drain(self) -> None:
        layer = get_channel_layer()
        while True:
            groups, message = await self.queue.get()
            for group in groups:
                try:
                    await layer.group_send(group, {**message, "group": group})
                except Exception:  # noqa: BLE001 - keep sending later events
                    log.exception("live publish to %s failed", group)

    def submit(self, groups: list[str], message: dict) -> None:
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (groups, message))


_sender: _Sender | None = None
_sender_lock = threading.Lock()


def _publish(groups: list[str], message: dict) -> None:
    global _sender
    with _sender_lock:
        if _sender is None or _sender.pid != os.getpid():
            _sender = _Sender()
    _sender.submit(groups, message)


def notify_access_changed(schema: str, person_id: int) -> None:
    """Tell a person's open sockets to re-check who they are (blocked, role or company changed)."""
    if get_channel_layer() is None:
        return
    _publish([person_group(schema, person_id)], {"type": "access.changed"})
