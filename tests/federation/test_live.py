"""The same-deployment story with committed data and a real Celery worker draining the outboxes."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from federation.models import TicketLink
from tenant_apps.desk.models import Comment, Ticket
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.processes import wait_for
from tests.support.worlds import make_mall

from .conftest import TERMS, _in, file_leak

pytestmark = pytest.mark.live


def test_forwarded_ticket_crosses_both_ways_through_the_worker(live_db, celery_worker, settings, tmp_path):
    mall, contractor = make_mall(), make_mall("contractor")
    with _in(contractor):
        ResponsibilityGroup.objects.get(code="field_engineers").members.add(contractor.people["engineer"])
    invited = mall.api(
        "admin",
        "post",
        "/federation/partnerships/",
        {"partner": contractor.made.account.slug, **TERMS, "note": "Escalators"},
    )
    assert invited.status_code == 201, invited.content
    pid = invited.json()["id"]
    accepted = contractor.api("admin", "post", f"/federation/partnerships/{pid}/accept/", {})
    assert accepted.status_code == 200, accepted.content
    ticket = file_leak(mall)
    forwarded = mall.api("dispatcher", "post", f"/tickets/{ticket.pk}/forward/", {"partnership": pid})
    assert forwarded.status_code == 201, forwarded.content
    link_id = forwarded.json()[0]["id"]

    def theirs():
        with schema_context(contractor.schema):
            return Ticket.objects.filter(federation_links__pk=link_id).select_related("assignee").first()

    their = wait_for(theirs)
    assert their.assignee == contractor.people["engineer"]
    links = wait_for(
        lambda: [
            row
            for row in mall.api("dispatcher", "get", f"/tickets/{ticket.pk}/federation/").json()
            if row["remote_ref"]
        ]
    )
    assert links[0]["remote_ref"] == f"WO-{their.number}"
    assert links[0]["remote_assignee"] == contractor.people["engineer"].full_name

    # the contractor comments (one public, one internal) and finishes the work
    engineer_api = contractor.api
    assert (
        engineer_api("engineer", "post", f"/tickets/{their.pk}/comments/", {"body": "On site"}).status_code
        == 201
    )
    internal = {"body": "LIVE internal", "internal": True}
    assert engineer_api("engineer", "post", f"/tickets/{their.pk}/comments/", internal).status_code == 201
    for step in ({"to": "assigned"}, {"to": "in_progress"}, {"to": "done", "comment": "Pipe replaced"}):
        moved = engineer_api("engineer", "post", f"/tickets/{their.pk}/transition/", step)
        assert moved.status_code == 200, moved.content

    def mall_ticket():
        with schema_context(mall.schema):
            return Ticket.objects.select_related("status").get(pk=ticket.pk)

    wait_for(lambda: mall_ticket().status.key == "resolved")
    with schema_context(mall.schema):
        bodies = list(Comment.objects.filter(ticket_id=ticket.pk).values_list("body", flat=True))
    assert any(b.startswith("On site") for b in bodies) and any(b.startswith("Pipe replaced") for b in bodies)
    assert not any("LIVE internal" in b for b in bodies)

    # the mall confirms: the contractor's ticket closes
    closed = mall.api("dispatcher", "post", f"/tickets/{ticket.pk}/transition/", {"to": "closed"})
    assert closed.status_code == 200, closed.content
    wait_for(lambda: theirs().status.key == "closed")
    # each side's log: every outbound message sent, every inbound one applied once, nothing parked
    for host_mall in (mall, contractor):
        with schema_context(host_mall.schema):
            assert TicketLink.objects.get(pk=link_id).state == "active"
        parked = host_mall.api("admin", "get", "/federation/parked/").json()
        assert parked == []
    log = mall.api("dispatcher", "get", f"/tickets/{ticket.pk}/federation/").json()[0]["messages"]
    assert all(m["sent_at"] for m in log if m["direction"] == "out")
    assert all(m["applied_at"] for m in log if m["direction"] == "in")
    seqs = [m["seq"] for m in log if m["direction"] == "in"]
    assert seqs == list(range(1, len(seqs) + 1))
