"""The ticket-event spine: writing events, and handing them to readers after commit.

Services call `record()` inside the transaction that changes the ticket. Readers that act after
commit (live updates, notifications, federation) register with `on_event_committed`; each gets
the account's schema and the event id, never a model instance. If the transaction rolls back,
nothing is handed over. No other path publishes ticket changes.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import partial

from django.db import connection, transaction

from .models import Ticket, TicketEvent

_listeners: list[Callable[[str, int], None]] = []
_recorded: list[Callable[[TicketEvent], None]] = []
_batch: ContextVar[dict | None] = ContextVar("ticket_event_batch", default=None)


def on_event_recorded(listener: Callable[[TicketEvent], None]) -> Callable[[TicketEvent], None]:
    """Register `listener(event)`, called inside the change's transaction right after the row is
    written. For domain reactions that must commit or roll back with the change (e.g. passes
    following their request's approval). Listeners may write (through their own services) and
    may raise a DomainError to refuse the whole change."""
    _recorded.append(listener)
    return listener


def on_event_committed(listener: Callable[[str, int], None]) -> Callable[[str, int], None]:
    """Register `listener(schema_name, event_id)`, called after the event's transaction commits."""
    _listeners.append(listener)
    return listener


def _dispatch(schema_name: str, event_id: int) -> None:
    for listener in _listeners:
        listener(schema_name, event_id)


def entry(ticket: Ticket, kind: str, actor=None, *, public: bool = True, **data) -> TicketEvent:
    """An unsaved event row; `record_all` writes several in one statement. While a platform
    operator impersonates the actor, the event names the operator too (`impersonated_by`)."""
    from tenant_apps.people.impersonation import acting_operator

    has_actor = actor is not None and getattr(actor, "pk", None) is not None
    operator = acting_operator.get()
    if operator and has_actor:
        data.setdefault("impersonated_by", operator)
    return TicketEvent(
        ticket=ticket,
        kind=kind,
        actor=actor if has_actor else None,
        actor_name=actor.full_name if has_actor else data.pop("actor_name", ""),
        public=public,
        data=data,
    )


def record_all(entries: list[TicketEvent]) -> list[TicketEvent]:
    """Write events (in this order) inside the change's transaction, in one INSERT."""
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
            for listener in _recorded:
                listener(event)
            transaction.on_commit(partial(_dispatch, schema, event.pk))
    finally:
        _batch.reset(token)
    return entries


def batch_memo() -> dict | None:
    """While the listeners get the events of one `record_all` call of several events: a dict they
    share, so a read that is the same for each event is done once. A listener that keeps a read
    here also drops it when what it read changes. None otherwise."""
    return _batch.get()


def record(ticket: Ticket, kind: str, actor=None, *, public: bool = True, **data) -> TicketEvent:
    return record_all([entry(ticket, kind, actor, public=public, **data)])[0]
