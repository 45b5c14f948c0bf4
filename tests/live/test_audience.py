"""Who a committed event is sent to: the groups `messages_for` names, read from the database."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, TicketEvent
from tenant_apps.live.publisher import (
    agents_group,
    company_group,
    event_payload,
    load_event,
    messages_for,
    person_group,
)
from tenant_apps.people.models import User
from tests.support.context import in_account
from tests.support.worlds import file_leak, make_mall

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(db):
    return make_mall()


def _groups(mall, event_id: int) -> list[str]:
    with in_account(mall):
        [(groups, message)] = messages_for(mall.schema, [event_id])
    assert message["event"]["id"] == event_id
    return groups


def test_public_events_reach_requester_watchers_and_company_internal_ones_agents_only(mall):
    ticket = file_leak(mall)  # filed by the shop's key user, who is its requester
    requester, coworker, dispatcher = (
        mall.people["key_user"],
        mall.people["coworker"],
        mall.people["dispatcher"],
    )
    with in_account(mall):
        desk.set_watchers(actor=dispatcher, ticket=ticket, add=[coworker.pk])
        public = desk.add_comment(actor=dispatcher, ticket=ticket, body="On our way")
        internal = desk.add_comment(actor=dispatcher, ticket=ticket, body="ZZ", internal=True)
        public_event = TicketEvent.objects.get(kind=EventKind.COMMENTED, data__comment_id=public.pk).pk
        internal_event = TicketEvent.objects.get(kind=EventKind.COMMENTED, data__comment_id=internal.pk).pk
    s = mall.schema
    assert ticket.requester_id == requester.pk
    everyone = [
        agents_group(s),
        *[person_group(s, pk) for pk in sorted({requester.pk, coworker.pk})],
        company_group(s, ticket.company_id),
    ]
    assert _groups(mall, public_event) == everyone
    assert _groups(mall, internal_event) == [agents_group(s)]

    # a person who cannot sign in has no sockets: their group is not sent to
    with in_account(mall):
        User.objects.filter(pk=coworker.pk).update(blocked_at=timezone.now())
    assert _groups(mall, public_event) == [g for g in everyone if g != person_group(s, coworker.pk)]


def test_live_delivery_and_resume_send_the_same_payload(mall):
    ticket = file_leak(mall)
    with in_account(mall):
        desk.add_comment(actor=mall.people["dispatcher"], ticket=ticket, body="On our way")
        ids = list(TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("pk", flat=True))
        delivered = [message["event"] for _groups, message in messages_for(mall.schema, ids)]
        resumed = [event_payload(load_event(pk)) for pk in ids]
    assert delivered == resumed and len(delivered) >= 2
    comment = delivered[-1]
    assert comment["kind"] == EventKind.COMMENTED and comment["data"]["body"] == "On our way"
    assert (
        comment["ticket"]["key"].startswith("LEAK-") and comment["ticket"]["requester"] == ticket.requester_id
    )
