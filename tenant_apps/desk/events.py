"""The ticket-event spine: writing events, their reactions in the transaction, their readers after.

Services call `record()` (or `entry()` + `record_all()`) inside the transaction that changes the
ticket. Each event's data is validated against its kind's payload type (event_kinds.py): a wrong
or missing field raises `InvalidEventPayload` here. Who made the change (a person, or a named
system actor: origin.py) is passed as `actor` and travels into the event.

Then, in the change's transaction, the event's *reactions* run in the one declared order
(`REACTIONS`); after commit its *readers* get the account's schema and the ids of the change's
events (`READERS`). Both are registered with `reaction(...)` / `reader(...)`: docs/spine.md. If the
transaction rolls back, no reader hears of it. No other path publishes ticket changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import partial

from django.db import connection, transaction

from . import event_kinds
from .event_kinds import InvalidEventPayload, Payload
from .models import Ticket, TicketEvent
from .origin import Origin, as_origin

__all__ = [
    "READERS",
    "REACTIONS",
    "InvalidEventPayload",
    "Payload",
    "batch_memo",
    "entry",
    "reaction",
    "reactions",
    "reader",
    "readers",
    "record",
    "record_all",
]

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------- the declared order
# In-transaction reactions, in the order they run for each event. A reaction may write (through
# its own services, which record events of their own: those get the reactions too, depth first)
# and may raise a DomainError to refuse the whole change.
REACTIONS: tuple[str, ...] = (
    "checklists",  # tenant_apps.desk.checklists: the items of the stage a ticket enters
    "approvals",  # tenant_apps.approvals.services: start a round on filing, cancel one left behind
    "passes",  # tenant_apps.passes.listeners: passes follow their request ticket
    "schedules",  # tenant_apps.schedules.reactions: an occurrence's ticket done completes it
    "federation.outbox",  # federation: a linked ticket's change becomes outbox messages
    "sla",  # tenant_apps.sla: the ticket's SLA timers recomputed from its history
)
# After-commit readers, in the order they are handed each committed event. A reader's failure
# is logged and never undoes the change nor stops the readers after it; it retries on its own.
READERS: tuple[str, ...] = (
    "live",  # tenant_apps.live.publisher: websocket groups of the people who may see the ticket
    "notifications",  # tenant_apps.notifications: notify() by rules
    "metrics",  # figures (bench/live.py)
)


@dataclass(frozen=True)
class Reaction:
    name: str
    kinds: frozenset[str] | None  # None: every kind
    run: Callable[[TicketEvent], None]


@dataclass(frozen=True)
class Reader:
    name: str
    kinds: frozenset[str] | None
    run: Callable[[str, list[int]], None]
    # a cheap test on the event as recorded (no query): False leaves it out of what the reader gets
    when: Callable[[TicketEvent], bool] | None = None

    def wants(self, event: TicketEvent) -> bool:
        if self.kinds is not None and event.kind not in self.kinds:
            return False
        if self.when is None:
            return True
        try:
            return bool(self.when(event))
        except Exception:  # noqa: BLE001 - a faulty filter never refuses the change: hand it over
            log.exception("ticket event reader %s: its filter failed on a %s event", self.name, event.kind)
            return True


_reactions: dict[str, Reaction] = {}
_readers: dict[str, Reader] = {}
_by_kind: dict[str, list[Reaction]] = {}  # kind -> its reactions in order (rebuilt on register)
_batch: ContextVar[dict | None] = ContextVar("ticket_event_batch", default=None)


def _kinds(kinds: Iterable[str] | None) -> frozenset[str] | None:
    if kinds is None:
        return None
    kinds = frozenset(str(k) for k in kinds)
    for k in kinds:
        event_kinds.payload_type(k)  # an unknown kind fails at import, not in production
    return kinds


def reaction(name: str, *, kinds: Iterable[str] | None):
    """Declare `run(event)` as the reaction `name` (one of REACTIONS) to events of `kinds`."""

    def register(run: Callable[[TicketEvent], None]) -> Callable[[TicketEvent], None]:
        if name not in REACTIONS:
            raise RuntimeError(f"reaction {name!r} has no place in events.REACTIONS: add it there")
        _reactions[name] = Reaction(name, _kinds(kinds), run)
        _by_kind.clear()
        return run

    return register


def reader(
    name: str,
    *,
    kinds: Iterable[str] | None = None,
    when: Callable[[TicketEvent], bool] | None = None,
):
    """Declare `run(schema_name, event_ids)` as the after-commit reader `name` (one of READERS).

    A reader gets the ids of the events of its kinds that one `record_all` wrote (one change: a
    ticket filed with its routing, a run of comments), in recording order, once they committed:
    a reader queues one task for them, not one per event. `when(event)`, if given, is asked in the
    change's transaction with the event as recorded (its ticket in memory; it must not query): an
    event it answers False for is not handed over, and a change with none queues nothing."""

    def register(run: Callable[[str, list[int]], None]) -> Callable[[str, list[int]], None]:
        if name not in READERS:
            raise RuntimeError(f"reader {name!r} has no place in events.READERS: add it there")
        _readers[name] = Reader(name, _kinds(kinds), run, when)
        return run

    return register


def reactions() -> list[Reaction]:
    """The registered reactions in the order they run."""
    return [_reactions[n] for n in REACTIONS if n in _reactions]


def readers() -> list[Reader]:
    """The registered readers in the order they are called."""
    return [_readers[n] for n in READERS if n in _readers]


def _reactions_to(kind: str) -> list[Reaction]:
    found = _by_kind.get(kind)
    if found is None:
        found = [r for r in reactions() if r.kinds is None or kind in r.kinds]
        _by_kind[kind] = found
    return found


# ---------------------------------------------------------------------------- dispatch
def _dispatch(schema_name: str, handed: list[tuple[Reader, list[int]]]) -> None:
    for r, event_ids in handed:
        try:
            r.run(schema_name, event_ids)
        except Exception:  # a reader never undoes the change, nor silences the others
            log.exception("ticket event reader %s failed on events %s (%s)", r.name, event_ids, schema_name)


def entry(
    ticket: Ticket,
    kind: str | Payload,
    actor: Origin | object | None = None,
    *,
    public: bool = True,
    **data,
) -> TicketEvent:
    """An unsaved, validated event row; `record_all` writes several in one statement.

    `kind`: a payload (`event_kinds.Commented(...)`), or a kind's name with its fields as keyword
    arguments. `actor`: the change's origin, a person (`User`), or None for the system. While a
    platform operator impersonates the person, the event names the operator too
    (`impersonated_by`). `actor_name=` (deprecated: pass an Origin with a label) names a system
    actor."""
    label = data.pop("actor_name", "")
    if isinstance(kind, Payload):
        if data:
            raise InvalidEventPayload(f"{kind.KIND}: pass the fields in the payload, not beside it")
        payload = kind
    else:
        payload = event_kinds.build(str(kind), data)
    if actor is None:
        origin = Origin.system_actor("system", label=label)
    else:
        origin = as_origin(actor)
        if label and origin.actor is None and not origin.label:
            origin = Origin(
                person=origin.person,
                system=origin.system or "system",
                impersonated_by=origin.impersonated_by,
                via=origin.via,
                label=label,
            )
    stored = payload.to_data()
    person = origin.actor
    if origin.impersonated_by and person is not None:
        stored.setdefault("impersonated_by", origin.impersonated_by)
    event = TicketEvent(
        ticket=ticket,
        kind=payload.KIND,
        actor=person,
        actor_name=origin.actor_name,
        public=public,
        data=stored,
    )
    event.__dict__["_origin"] = origin
    return event


def record_all(entries: list[TicketEvent]) -> list[TicketEvent]:
    """Write events (in this order) inside the change's transaction, in one INSERT; run each
    one's reactions, and hand them to the readers after commit (all of them in one call each)."""
    if not connection.in_atomic_block:
        raise RuntimeError("ticket events are written inside the change's transaction")
    if len(entries) == 1:
        entries[0].save(force_insert=True)
    else:
        TicketEvent.objects.bulk_create(entries)
    schema = connection.schema_name
    token = _batch.set({} if len(entries) > 1 else None)
    try:
        for event in entries:
            for r in _reactions_to(event.kind):
                r.run(event)
    finally:
        _batch.reset(token)
    handed = [(r, [event.pk for event in entries if r.wants(event)]) for r in readers()]
    handed = [(r, event_ids) for r, event_ids in handed if event_ids]
    if handed:
        transaction.on_commit(partial(_dispatch, schema, handed))
    return entries


def batch_memo() -> dict | None:
    """While the reactions get the events of one `record_all` call of several events: a dict they
    share, so a read that is the same for each event is done once. A reaction that keeps a read
    here also drops it when what it read changes. None otherwise."""
    return _batch.get()


def record(
    ticket: Ticket,
    kind: str | Payload,
    actor: Origin | object | None = None,
    *,
    public: bool = True,
    **data,
) -> TicketEvent:
    """Record one event (see `entry`) in the change's transaction."""
    return record_all([entry(ticket, kind, actor, public=public, **data)])[0]
