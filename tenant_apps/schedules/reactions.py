"""Planned maintenance on the ticket-event spine (in the change's transaction, docs/spine.md):
an occurrence's ticket resolved or closed is the occurrence's completion record."""

from __future__ import annotations

from tenant_apps.desk import events
from tenant_apps.desk.models import Category, EventKind, TicketEvent

from . import services

DONE = frozenset({Category.RESOLVED, Category.CLOSED})


@events.reaction("schedules", kinds={EventKind.STATUS_CHANGED})
def occurrence_completed_with_its_ticket(event: TicketEvent) -> None:
    data = event.data or {}
    if data.get("category") in DONE and data.get("from_category") not in DONE:
        services.complete_by_ticket(ticket_id=event.ticket_id, at=event.at, actor_id=event.actor_id)
