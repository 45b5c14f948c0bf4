"""A ticket link's own lifecycle steps shared by partnerships, forwarding and the appliers."""

from __future__ import annotations

from django.utils.translation import gettext as _

from tenant_apps.desk import events
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import (
    Category,
    EventKind,
    Status,
    Ticket,
)
from tenant_apps.people.models import User

from . import origin
from .models import LinkState, TicketLink


def orphan_link(link: TicketLink, *, actor: User | None, reason: str) -> None:
    link.state = LinkState.ORPHANED
    link.save(update_fields=["state", "updated_at"])
    with origin.inbound(link.pk):
        events.record(
            desk.lock_ticket(link.ticket),
            EventKind.FEDERATION,
            actor,
            public=False,
            action="orphaned",
            link=str(link.pk),
            reason=reason,
            **({} if actor else {"actor_name": _("Partner account")}),
        )


def cancelled_status(ticket: Ticket) -> Status | None:
    return (
        Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, category=Category.CANCELLED)
        .order_by("order", "id")
        .first()
    )
