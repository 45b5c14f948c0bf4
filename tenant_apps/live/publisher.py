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
import atexit
import logging
import os
import queue
import threading
import time

from channels.layers import get_channel_layer
from django_tenants.utils import schema_context

from tenant_apps.desk.events import on_event_committed
from tenant_apps.desk.models import TicketEvent
from tenant_apps.people.models import User

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


def audience(
    schema: str, event: TicketEvent, watcher_ids: list[int], blocked: frozenset[int] | set[int] = frozenset()
) -> list[str]:
    """`blocked`: people who cannot sign in, so have no sockets (a partner account's person);
    their groups are skipped."""
    groups = [agents_group(schema)]
    if event.public:
        people = {event.ticket.requester_id, *watcher_ids} - {None} - blocked
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


def messages_for(schema: str, event_ids: list[int]) -> list[tuple[list[str], dict]]:
    """(groups, message) for each of the events, in id order: three queries whatever their number."""
    events = list(
        TicketEvent.objects.select_related("ticket__ticket_type", "ticket__status")
        .filter(pk__in=event_ids)
        .order_by("id")
    )
    public_tickets = {e.ticket_id for e in events if e.public}
    watchers: dict[int, list[int]] = {}
    if public_tickets:
        through = TicketEvent.ticket.field.related_model.watchers.through
        for ticket_id, user_id in through.objects.filter(ticket_id__in=public_tickets).values_list(
            "ticket_id", "user_id"
        ):
            watchers.setdefault(ticket_id, []).append(user_id)
    people = {e.ticket.requester_id for e in events if e.public} | {
        p for ids in watchers.values() for p in ids
    }
    blocked = (
        set(
            User.objects.filter(pk__in=people - {None}, blocked_at__isnull=False).values_list("pk", flat=True)
        )
        if people - {None}
        else set()
    )
    return [
        (
            audience(schema, e, watchers.get(e.ticket_id, []) if e.public else [], blocked),
            {"type": "ticket.event", "event": event_payload(e)},
        )
        for e in events
    ]


@on_event_committed
def publish_event(schema: str, event_id: int) -> None:
    """Runs in whichever process committed the change (web, worker, beat, federation), after the
    commit. It only queues the id: the per-process loader thread reads the events (a batch at a
    time) and hands them to the sender, so the committing request never waits for live delivery."""
    if get_channel_layer() is None:
        return
    _loader_for_process().submit(schema, event_id)


class _Loader:
    """One thread per process that turns committed event ids into messages, in commit order.

    It drains whatever has queued up and reads it with three queries per account, then submits the
    messages to the sender. It uses its own database connection (returned to the pool after each
    batch). At interpreter exit `flush()` waits (briefly) until everything queued was sent."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: queue.Queue[tuple[str, int]] = queue.Queue()
        threading.Thread(target=self._run, name="live-loader", daemon=True).start()

    def submit(self, schema: str, event_id: int) -> None:
        self.queue.put((schema, event_id))

    def _run(self) -> None:
        from django.db import OperationalError, connection

        while True:
            batch = [self.queue.get()]
            while True:
                try:
                    batch.append(self.queue.get_nowait())
                except queue.Empty:
                    break
            try:
                try:
                    self._send(batch)
                except OperationalError:  # a worker recycled its connection pool under us: once more
                    connection.close()
                    self._send(batch)
            except Exception:  # noqa: BLE001 - a live push must never stop later pushes
                log.exception("live publish failed for %d events", len(batch))
            finally:
                connection.close()
                for _ in batch:
                    self.queue.task_done()

    @staticmethod
    def _send(batch: list[tuple[str, int]]) -> None:
        by_schema: dict[str, list[int]] = {}
        order: list[str] = []
        for schema, event_id in batch:
            if schema not in by_schema:
                order.append(schema)
            by_schema.setdefault(schema, []).append(event_id)
        for schema in order:
            with schema_context(schema):
                messages = messages_for(schema, by_schema[schema])
            for groups, message in messages:
                _publish(groups, message)

    def flush(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)


_loader: _Loader | None = None


def _loader_for_process() -> _Loader:
    global _loader
    with _sender_lock:
        if _loader is None or _loader.pid != os.getpid():
            _loader = _Loader()
            atexit.register(_flush_at_exit)
    return _loader


def _flush_at_exit() -> None:
    if _loader is not None and _loader.pid == os.getpid():
        _loader.flush()
    if _sender is not None and _sender.pid == os.getpid():
        _sender.flush()


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
        self.pending = 0  # submitted, not yet sent
        self.lock = threading.Lock()
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
            with self.lock:
                self.pending -= 1

    def submit(self, groups: list[str], message: dict) -> None:
        with self.lock:
            self.pending += 1
        self.loop.call_soon_threadsafe(self.queue.put_nowait, (groups, message))

    def flush(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            time.sleep(0.01)


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
