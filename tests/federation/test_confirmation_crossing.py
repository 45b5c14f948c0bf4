"""The mall's answer on work its contractor did crosses to the contractor's ticket: a confirmation
(by the requester or by the system), a return with its reason, a rating."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from federation.models import OutboxMessage
from tenant_apps.desk import confirmation
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, Ticket, TicketEvent
from tenant_apps.people.models import ResponsibilityGroup

from .conftest import file_leak
from .test_federation import forward, settle, their_ticket

pytestmark = pytest.mark.django_db


def done_by_contractor(pair, title="Water under the escalator"):
    with pair.in_contractor():
        ResponsibilityGroup.objects.get(code="field_engineers").members.add(
            pair.contractor.people["engineer"]
        )
    ticket = file_leak(pair.mall, title)
    link = forward(pair, ticket)
    settle(pair)
    theirs = their_ticket(pair, link)
    engineer = pair.contractor.people["engineer"]
    with pair.in_contractor():
        for to in ("assigned", "in_progress"):
            desk.transition_ticket(actor=engineer, ticket=theirs, to=to)
        desk.transition_ticket(actor=engineer, ticket=theirs, to="done", comment="Pipe replaced")
    settle(pair)
    with pair.in_mall():
        mine = Ticket.objects.select_related("status").get(pk=ticket.pk)
        assert mine.status.key == "resolved" and mine.confirmation_state == "awaiting"
        assert mine.confirmation_due_at is not None  # the mall's requester has 3 days
    with pair.in_contractor():
        theirs = Ticket.objects.get(pk=theirs.pk)
        # the contractor's ticket waits for the mall's answer, with no clock of its own
        assert theirs.confirmation_state == "awaiting" and theirs.confirmation_due_at is None
    return mine, link


def partner_events(pair, link, kind):
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        return list(TicketEvent.objects.filter(ticket=theirs, kind=kind).order_by("id"))


def test_the_malls_confirmation_and_rating_are_recorded_on_the_contractors_ticket(pair):
    mine, link = done_by_contractor(pair)
    with pair.in_mall():
        confirmation.confirm_resolution(actor=pair.mall.people["key_user"], ticket=mine)
        confirmation.rate_ticket(actor=pair.mall.people["key_user"], ticket=mine, score=5, comment="Fast")
    settle(pair)
    theirs = their_ticket(pair, link)
    assert theirs.status.key == "closed"  # the status crossed through the mapping
    with pair.in_contractor():
        theirs = Ticket.objects.get(pk=theirs.pk)
        assert theirs.confirmation_state == "confirmed" and theirs.confirmed_at is not None
        assert (theirs.rating, theirs.rating_comment) == (5, "Fast")
        # the contractor's own satisfaction figures count the mall's rating of its engineer
        from tenant_apps.desk.selectors import satisfaction

        rows = satisfaction(group_by="engineer")
        row = next(r for r in rows if r["key"] == pair.contractor.people["engineer"].pk)
        assert (row["ratings"], row["average"]) == (1, 5.0)
        # nothing of it goes back to the mall
        assert not OutboxMessage.objects.filter(link_id=link.pk, kind="confirmation").exists()
    confirmed = partner_events(pair, link, EventKind.CONFIRMED)
    assert len(confirmed) == 1 and confirmed[0].data["partner"] is True
    assert confirmed[0].data["author"] == pair.mall.people["key_user"].full_name
    rated = partner_events(pair, link, EventKind.RATED)
    assert len(rated) == 1 and rated[0].data["score"] == 5


def test_a_return_crosses_with_its_reason_and_reopens_the_contractors_ticket(pair):
    mine, link = done_by_contractor(pair)
    with pair.in_mall():
        confirmation.return_for_rework(
            actor=pair.mall.people["key_user"], ticket=mine, reason="Still dripping"
        )
    settle(pair)
    theirs = their_ticket(pair, link)
    assert theirs.status.key == "in_progress"
    with pair.in_contractor():
        theirs = Ticket.objects.get(pk=theirs.pk)
        assert theirs.confirmation_state == "returned" and theirs.returned_reason == "Still dripping"
    returned = partner_events(pair, link, EventKind.RETURNED)
    assert len(returned) == 1 and returned[0].data["reason"] == "Still dripping"


def test_an_auto_confirmation_crosses_once(pair):
    mine, link = done_by_contractor(pair)
    with pair.in_mall():
        Ticket.objects.filter(pk=mine.pk).update(confirmation_due_at=timezone.now() - dt.timedelta(seconds=5))
        assert confirmation.auto_confirm_due() == 1
        assert confirmation.auto_confirm_due() == 0
    settle(pair)
    theirs_pk = their_ticket(pair, link).pk
    with pair.in_contractor():
        theirs = Ticket.objects.get(pk=theirs_pk)
        assert theirs.confirmation_state == "auto_confirmed"
        # the contractor's own auto-confirmation never fires on a partner's ticket
        assert confirmation.auto_confirm_due(now=timezone.now() + dt.timedelta(days=30)) == 0
    confirmed = partner_events(pair, link, EventKind.CONFIRMED)
    assert len(confirmed) == 1 and confirmed[0].data["auto"] is True
