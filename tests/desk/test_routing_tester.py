"""The routing tester (POST /routing-rules/test/) and the workflow dry run: the desk's own code,
answering what would happen, writing nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.desk.models import RoutingRule, Ticket, TicketEvent, Workflow
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def _rules(mall):
    with tenant_context(mall.made.account):
        RoutingRule.objects.all().delete()
        plumbing = ResponsibilityGroup.objects.get(code="plumbing")
        engineering = ResponsibilityGroup.objects.get(code="engineering")
        RoutingRule.objects.create(
            name="Big leaks",
            order=1,
            conditions={"types": ["leak"], "fields": [{"key": "litres", "op": "gte", "value": 10}]},
            actions={"group": plumbing.pk, "priority": 4},
        )
        RoutingRule.objects.create(
            name="Engineers in turn",
            order=2,
            conditions={"types": ["leak", "breakdown"]},
            actions={"group": engineering.pk, "assignee": {"mode": "round_robin"}},
        )
        counts = (Ticket.objects.count(), TicketEvent.objects.count())
    connection.set_schema_to_public()
    return plumbing, engineering, counts


def _counts(mall):
    with schema_context(mall.schema):
        rr = RoutingRule.objects.get(name="Engineers in turn").last_assignee_id
        return Ticket.objects.count(), TicketEvent.objects.count(), rr


def _add_litres_field(mall):
    tt = next(t for t in mall.api("admin", "get", "/ticket-types/").json() if t["code"] == "leak")
    fields = [*tt["form_fields"], {"key": "litres", "label": "Litres", "kind": "number"}]
    changed = mall.api("admin", "patch", f"/ticket-types/{tt['id']}/", {"form_fields": fields})
    assert changed.status_code == 200, changed.content


def test_the_tester_predicts_what_filing_does_and_writes_nothing(mall):
    _add_litres_field(mall)
    plumbing, engineering, (tickets, events) = _rules(mall)

    big = mall.api("admin", "post", "/routing-rules/test/", {"type": "leak", "fields": {"litres": 40}})
    assert big.status_code == 200, big.content
    answer = big.json()
    assert answer["matched"] is True and answer["rule"]["name"] == "Big leaks"
    assert answer["result"]["group"] == {"id": plumbing.pk, "name": plumbing.name}
    assert answer["result"]["priority"] == 4
    # the first rule took the group; the second still picks an engineer in turn, as filing would
    assert [step["rule"] for step in answer["applied"]] == ["Big leaks", "Engineers in turn"]
    assert "Big leaks" in answer["explanation"]

    small = mall.api("admin", "post", "/routing-rules/test/", {"type": "leak", "fields": {"litres": 2}})
    assert small.json()["rule"]["name"] == "Engineers in turn"
    assert small.json()["result"]["group"]["id"] == engineering.pk
    assert small.json()["result"]["assignee"] is not None

    # nothing was written: no ticket, no history, the round-robin turn not taken
    assert _counts(mall) == (tickets, events, None)
    again = mall.api("admin", "post", "/routing-rules/test/", {"type": "leak", "fields": {"litres": 2}})
    assert again.json()["result"]["assignee"] == small.json()["result"]["assignee"]

    # and filing the same draft lands where the tester said, with the same explanation in history
    filed = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {"type": "leak", "title": "Pipe", "fields": {"litres": 40, "severity": "flood"}},
    )
    assert filed.status_code == 201, filed.content
    assert filed.json()["group"]["id"] == plumbing.pk and filed.json()["priority"] == 4
    history = mall.api("admin", "get", f"/tickets/{filed.json()['id']}/events/").json()
    routed = next(e for e in history if e["kind"] == "routed")
    assert [r["rule"] for r in routed["data"]["rules"]] == [s["rule"] for s in answer["applied"]]


def test_the_tester_answers_no_match_and_checks_the_draft(mall):
    _rules(mall)
    none = mall.api("admin", "post", "/routing-rules/test/", {"type": "dirt"})
    assert none.status_code == 200
    assert none.json()["matched"] is False and none.json()["rule"] is None
    assert none.json()["result"]["group"] is None and none.json()["explanation"]
    bad = mall.api("admin", "post", "/routing-rules/test/", {"type": "nope"})
    assert bad.status_code == 400 and "type" in bad.json()["fields"]
    bad = mall.api("admin", "post", "/routing-rules/test/", {"type": "leak", "fields": {"what": 1}, "x": 1})
    assert bad.status_code == 400 and {"x"} <= set(bad.json()["fields"])
    bad = mall.api("admin", "post", "/routing-rules/test/", {"type": "leak", "company": 999999})
    assert bad.status_code == 400 and "company" in bad.json()["fields"]


def test_only_those_who_configure_the_desk_use_the_tester(mall):
    _rules(mall)
    for who in ("dispatcher", "engineer", "key_user"):
        assert mall.api(who, "post", "/routing-rules/test/", {"type": "leak"}).status_code == 403


def test_a_workflow_dry_run_validates_and_saves_nothing(mall):
    ticket = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()
    mall.api("admin", "post", f"/tickets/{ticket['id']}/transition/", {"to": "in_progress"})
    wf = next(w for w in mall.api("admin", "get", "/workflows/").json() if w["code"] == "incident")
    keep = ("source", "target", "name", "allowed_roles", "comment_required", "required_fields")
    doc = {
        "code": wf["code"],
        "name": wf["name"],
        "statuses": wf["statuses"],
        "transitions": [{k: t[k] for k in keep} for t in wf["transitions"]],
    }
    without = dict(
        doc,
        statuses=[s for s in doc["statuses"] if s["key"] != "in_progress"],
        transitions=[t for t in doc["transitions"] if "in_progress" not in (t["source"], t["target"])],
    )
    # keep the document valid (every open status keeps a way out), so only the tickets object
    closed = next(s["key"] for s in without["statuses"] if s["category"] == "closed")
    leaving = {t["source"] for t in without["transitions"]}
    without["transitions"] += [
        {"source": s["key"], "target": closed, "name": "Close"}
        for s in without["statuses"]
        if s["category"] not in ("closed", "cancelled") and s["key"] not in leaving and s["key"] != closed
    ]
    refused = mall.api("admin", "put", f"/workflows/{wf['id']}/?dry_run=1", without)
    assert refused.status_code == 409 and "in_progress" in refused.json()["detail"], refused.content
    renamed = dict(doc, name="Renamed")
    checked = mall.api("admin", "put", f"/workflows/{wf['id']}/?dry_run=1", renamed)
    assert checked.status_code == 200 and checked.json()["name"] == "Renamed"
    assert mall.api("admin", "get", f"/workflows/{wf['id']}/").json()["name"] == wf["name"]
    new = mall.api("admin", "post", "/workflows/?dry_run=1", dict(doc, code="draft-copy"))
    assert new.status_code == 200
    with schema_context(mall.schema):
        assert not Workflow.objects.filter(code="draft-copy").exists()
