"""Passes follow their request ticket: a reaction on the event spine ("passes" in
tenant_apps.desk.events.REACTIONS), run inside the change's transaction, so they commit or roll
back with it."""

from __future__ import annotations

from tenant_apps.desk import events
from tenant_apps.desk.models import Category, EventKind, TicketEvent

from . import services


@events.reaction("passes", kinds={EventKind.CREATED, EventKind.APPROVAL_COMPLETED, EventKind.STATUS_CHANGED})
def passes_follow_their_request(event: TicketEvent) -> None:
    if event.kind == EventKind.CREATED:
        # a request the pass service files itself comes with its passes (services.VIA)
        if event.ticket.ticket_type.code == services.PASS_TYPE and event.origin.via != services.VIA:
            services.passes_from_form(event)
    elif event.kind == EventKind.APPROVAL_COMPLETED:
        services.follow_approval(event)
    elif event.kind == EventKind.STATUS_CHANGED and (event.data or {}).get("category") == Category.CANCELLED:
        services.reject_pending_on_cancel(event)
