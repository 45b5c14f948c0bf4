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
import json
import logging
import os
import queue
import threading
import time

from channels.layers import get_channel_layer
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.desk.events import reader
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
    t = event.ticket
    ticket = (t.pk, t.key, t.ticket_type.code, t.status.key, t.category)
    ticket += (t.priority, t.group_id, t.assignee_id, t.requester_id, t.company_id)
    return _compact(event.pk, event.kind, event.public, event.data, event.actor_name, event.at, ticket)


_TICKET_KEYS = (
    "id",
    "key",
    "type",
    "status",
    "category",
    "priority",
    "group",
    "assignee",
    "requester",
    "company",
)


def _compact(pk, kind, public, data, actor, at, ticket: tuple) -> dict:
    return {
        "id": pk,
        "ticket": dict(zip(_TICKET_KEYS, ticket, strict=True)),
        "kind": kind,
        "public": public,
        "data": data,
        "actor": actor,
        "at": at.isoformat(),
    }


def load_event(event_id: int) -> TicketEvent | None:
    return (
        TicketEvent.objects.select_related("ticket__ticket_type", "ticket__status")
        .filter(pk=event_id)
        .first()
    )


# One statement for a batch of events: what `event_payload` reads, whether the requester can sign
# in, and the watchers who can. Written out rather than built by the ORM: the live loader of every
# process runs it for each batch of commits, and building the ORM's query cost more than running it.
_MESSAGES_SQL = """
SELECT e.id, e.kind, e.public, e.data::text, e.actor_name, e.at,
       t.id, tt.prefix || '-' || t.number, tt.code, s.key, t.category,
       t.priority, t.group_id, t.assignee_id, t.requester_id, t.company_id,
       r.blocked_at IS NOT NULL,
       CASE WHEN e.public THEN ARRAY(
           SELECT w.user_id FROM desk_ticket_watchers w JOIN people_user u ON u.id = w.user_id
            WHERE w.ticket_id = t.id AND u.blocked_at IS NULL ORDER BY w.user_id)
       END
  FROM desk_ticketevent e
  JOIN desk_ticket t ON t.id = e.ticket_id
  JOIN desk_tickettype tt ON tt.id = t.ticket_type_id
  JOIN desk_status s ON s.id = t.status_id
  LEFT JOIN people_user r ON r.id = t.requester_id
 WHERE e.id = ANY(%s)
 ORDER BY e.id
"""


def messages_for(schema: str, event_ids: list[int]) -> list[tuple[list[str], dict]]:
    """(groups, message) for each of the events, in id order, in one query (the current schema's).
    People who cannot sign in (blocked: a partner account's person) have no sockets, so no group."""
    with connection.cursor() as cur:
        cur.execute(_MESSAGES_SQL, [list(event_ids)])
        rows = cur.fetchall()
    out = []
    for row in rows:
        pk, kind, public, data, actor, at = row[:6]
        ticket, requester_blocked, watchers = row[6:16], row[16], row[17] or []
        people = {ticket[8], *watchers} - {None} if public else set()
        if requester_blocked:
            people.discard(ticket[8])
        groups = [agents_group(schema)] + [person_group(schema, p) for p in sorted(people)]
        if public and ticket[9]:
            groups.append(company_group(schema, ticket[9]))
        payload = _compact(pk, kind, public, json.loads(data) if data else {}, actor, at, ticket)
        out.append((groups, {"type": "ticket.event", "event": payload}))
    return out


@reader("live")
def publish_events(schema: str, event_ids: list[int]) -> None:
    """Runs in whichever process committed the change (web, worker, beat, federation), after the
    commit. It only queues the ids: the per-process loader thread reads the events (a batch at a
    time) and hands them to the sender, so the committing request never waits for live delivery."""
    if get_channel_layer() is None:
        return
    loader = _loader_for_process()
    for event_id in event_ids:
        loader.submit(schema, event_id)


class _Loader:
    """One thread per process that turns committed event ids into messages, in commit order.

    It drains whatever has queued up and reads it with two queries per account, then submits the
    messages to the sender. It uses its own database connection, kept while events keep coming and
    returned to the pool after IDLE_SECONDS without any (or after an error). At interpreter exit
    `flush()` waits (briefly) until everything queued was sent."""

    IDLE_SECONDS = 1.0

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.queue: queue.Queue[tuple[str, int]] = queue.Queue()
        threading.Thread(target=self._run, name="live-loader", daemon=True).start()

    def submit(self, schema: str, event_id: int) -> None:
        self.queue.put((schema, event_id))

    def _run(self) -> None:
        from django.db import OperationalError, connection

        while True:
            try:
                batch = [self.queue.get(timeout=self.IDLE_SECONDS)]
            except queue.Empty:
                connection.close()  # idle: the session goes back to the pool
                continue
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
                connection.close()  # the next batch starts on a fresh session
            finally:
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


def push_notification(schema: str, person_id: int, notification: dict) -> None:
    """Hand one in-app notification to that person's sockets only (their own group); sent as
    `{"type": "notification", "notification": {...}}` (docs/live.md). Called after commit."""
    if get_channel_layer() is None:
        return
    _publish([person_group(schema, person_id)], {"type": "person.notification", "notification": notification})
