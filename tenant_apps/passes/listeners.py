"""Passes follow their request ticket: registered on the event spine, run inside the change's
transaction (tenant_apps.desk.events.on_event_recorded), so they commit or roll back with it."""

from __future__ import annotations

from tenant_apps.desk import events
from tenant_apps.desk.models import Category, EventKind, TicketEvent

from . import services


@events.on_event_recorded
def passes_follow_their_request(event: TicketEvent) -> None:
    if event.kind == EventKind.CREATED:
        if event.ticket.ticket_type.code == services.PASS_TYPE and not services.filing_in_progress():
            services.passes_from_form(event)
    elif event.kind == EventKind.APPROVAL_COMPLETED:
        services.follow_approval(event)
    elif event.kind == EventKind.STATUS_CHANGED and (event.data or {}).get("category") == Category.CANCELLED:
        services.reject_pending_on_cancel(event)
