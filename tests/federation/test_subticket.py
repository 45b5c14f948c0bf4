"""A sub-ticket filed and forwarded to a partner in one step."""

from __future__ import annotations

import pytest

from federation.models import TicketLink
from tenant_apps.desk.models import Ticket, TicketEvent

from .conftest import file_leak
from .test_federation import settle

pytestmark = pytest.mark.django_db


def _post(pair, ticket, who="dispatcher", **body):
    return pair.mall.api(
        who,
        "post",
        f"/tickets/{ticket.pk}/forward-subticket/",
        {"partnership": str(pair.partnership.pk), **body},
    )


def test_a_subticket_is_filed_under_the_ticket_and_forwarded(pair):
    ticket = file_leak(pair.mall)
    response = _post(pair, ticket, note="Only the escalator part, please")
    assert response.status_code == 201, response.content
    body = response.json()
    child_id = body["subticket"]["id"]
    assert body["links"][0]["state"] == "active" and body["links"][0]["note"].startswith("Only the")
    with pair.in_mall():
        child = Ticket.objects.select_related("ticket_type").get(pk=child_id)
        assert child.parent_id == ticket.pk and child.ticket_type.code == "leak"
        assert child.title == ticket.title and child.fields == {"severity": "stream"}
        assert child.requester_id == ticket.requester_id and body["subticket"]["key"] == child.key
        assert not TicketLink.objects.filter(ticket_id=ticket.pk).exists()  # the parent stays here
        told = TicketEvent.objects.get(ticket_id=ticket.pk, kind="federation")
        assert told.data["action"] == "subticket_forwarded" and told.data["subticket"] == child.key
    settle(pair)
    with pair.in_contractor():
        theirs = Ticket.objects.get(federation_links__pk=body["links"][0]["id"])
        assert theirs.title == ticket.title and theirs.ticket_type.code == "work_order"

    # another type the partner takes, with its own title
    other = _post(pair, ticket, type="breakdown", title="Escalator handrail")
    assert other.status_code == 201, other.content
    with pair.in_mall():
        child = Ticket.objects.get(pk=other.json()["subticket"]["id"])
        assert (child.ticket_type.code, child.title, child.parent_id) == (
            "breakdown",
            "Escalator handrail",
            ticket.pk,
        )


@pytest.mark.parametrize("case", ["type_not_taken", "suspended", "engineer", "long_title"])
def test_nothing_is_written_when_the_subticket_cannot_be_forwarded(pair, case):
    ticket = file_leak(pair.mall)
    body, who, expected = {}, "dispatcher", 400
    if case == "type_not_taken":
        body = {"type": "dirt"}
    elif case == "suspended":
        pair.mall.api("admin", "post", f"/federation/partnerships/{pair.partnership.pk}/suspend/", {})
        expected = 409
    elif case == "engineer":
        who, expected = "engineer", 403
    elif case == "long_title":
        body = {"title": "x" * 301}
    with pair.in_mall():
        before = Ticket.objects.count(), TicketLink.objects.count(), TicketEvent.objects.count()
    response = _post(pair, ticket, who=who, **body)
    assert response.status_code == expected, response.content
    if expected == 400:
        assert set(response.json()["fields"]) == {"type" if case == "type_not_taken" else "title"}
    with pair.in_mall():
        assert (Ticket.objects.count(), TicketLink.objects.count(), TicketEvent.objects.count()) == before
