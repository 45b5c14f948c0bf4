"""GET /tickets/<pk>/forward/: the partners a ticket may be forwarded to now, the very check the
forward makes; what the ticket page asks before it offers its forward control."""

from __future__ import annotations

import pytest

from federation import services
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Ticket, TicketType
from tests.support.context import in_account

from .conftest import file_leak

pytestmark = pytest.mark.django_db


def targets(mall, who: str, ticket: Ticket):
    return mall.api(who, "get", f"/tickets/{ticket.pk}/forward/")


def test_a_dispatcher_is_offered_the_partner_until_the_ticket_is_forwarded(pair):
    ticket = file_leak(pair.mall)
    offered = targets(pair.mall, "dispatcher", ticket)
    assert offered.status_code == 200
    assert offered.json() == [
        {"partnership": str(pair.partnership.pk), "partner": pair.contractor.made.account.name}
    ]
    # an agent who may not forward is offered nothing (and the forward itself refuses them)
    engineer = targets(pair.mall, "engineer", ticket)
    assert engineer.status_code == 200 and engineer.json() == []
    # not an agent: no such question
    assert targets(pair.mall, "key_user", ticket).status_code == 403
    done = pair.mall.api(
        "dispatcher", "post", f"/tickets/{ticket.pk}/forward/", {"partnership": str(pair.partnership.pk)}
    )
    assert done.status_code == 201
    assert targets(pair.mall, "dispatcher", ticket).json() == []


def test_nothing_is_offered_for_a_type_the_terms_leave_out_a_suspended_partnership_or_the_provider(pair):
    with in_account(pair.mall):
        other = TicketType.objects.exclude(code__in=pair.partnership.type_map).filter(is_active=True).first()
        assert other is not None
        odd = desk.file_ticket(
            actor=pair.mall.people["dispatcher"], ticket_type=other, title="Not theirs", description=""
        )
    assert targets(pair.mall, "dispatcher", odd).json() == []
    ticket = file_leak(pair.mall)
    assert len(targets(pair.mall, "dispatcher", ticket).json()) == 1
    with in_account(pair.contractor):
        services.suspend_partnership(actor=pair.contractor.people["admin"], partnership=pair.partnership)
    assert targets(pair.mall, "dispatcher", ticket).json() == []
    with in_account(pair.mall):
        services.resume_partnership(actor=pair.mall.people["admin"], partnership=pair.partnership)
    assert len(targets(pair.mall, "dispatcher", ticket).json()) == 1
    # the providing side never forwards back on this partnership
    with in_account(pair.contractor):
        theirs = desk.file_ticket(
            actor=pair.contractor.people["dispatcher"],
            ticket_type=TicketType.objects.filter(is_active=True).first(),
            title="Ours",
            description="",
        )
    assert targets(pair.contractor, "dispatcher", theirs).json() == []
