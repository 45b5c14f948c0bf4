"""Configuring the desk: workflows that never strand tickets, forms, routing rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tenants.utils import tenant_context

from tenant_apps.desk.models import RoutingRule, Ticket, TicketType
from tenant_apps.desk.routing import route
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def workflow_doc(**overrides):
    doc = {
        "code": "simple",
        "name": "Simple",
        "statuses": [
            {"key": "open", "name": "Open", "category": "new", "is_initial": True},
            {"key": "doing", "name": "Doing", "category": "open"},
            {"key": "done", "name": "Done", "category": "closed"},
        ],
        "transitions": [
            {"source": "open", "target": "doing", "name": "Start"},
            {"source": "doing", "target": "done", "name": "Finish", "comment_required": True},
        ],
    }
    doc.update(overrides)
    return doc


def test_admin_builds_a_workflow_and_a_type_with_its_own_form_and_files_a_ticket(mall):
    wf = mall.api("admin", "post", "/workflows/", workflow_doc())
    assert wf.status_code == 201, wf.content
    tt = mall.api(
        "admin",
        "post",
        "/ticket-types/",
        {
            "code": "lift",
            "name": "Lift fault",
            "prefix": "LIFT",
            "workflow": wf.json()["id"],
            "filing_roles": ["key_user", "employee"],
            "default_priority": 4,
            "form_fields": [
                {
                    "key": "floor",
                    "label": "Floor",
                    "kind": "number",
                    "required": True,
                    "min_value": -2,
                    "max_value": 5,
                },
                {"key": "stuck", "label": "People stuck", "kind": "boolean"},
            ],
        },
    )
    assert tt.status_code == 201, tt.content
    # the employee is among the type's filing roles, so it is offered to them
    assert "lift" in [t["code"] for t in mall.api("employee", "get", "/ticket-types/").json()]
    filed = mall.api(
        "employee",
        "post",
        "/tickets/",
        {"type": "lift", "title": "Stuck", "fields": {"floor": 3, "stuck": True}},
    )
    assert (
        filed.status_code == 201 and filed.json()["key"].startswith("LIFT-") and filed.json()["priority"] == 4
    )
    bad = mall.api(
        "employee",
        "post",
        "/tickets/",
        {"type": "lift", "title": "Stuck", "fields": {"floor": 9, "stuck": "yes"}},
    )
    assert {"fields.floor", "fields.stuck"} <= set(bad.json()["fields"])


def test_workflow_documents_are_validated(mall):
    stuck = workflow_doc(transitions=[{"source": "open", "target": "doing", "name": "Start"}])
    response = mall.api("admin", "post", "/workflows/", stuck)
    assert response.status_code == 400 and "doing" in response.json()["fields"]["transitions"][0]
    two_initial = workflow_doc()
    two_initial["statuses"][1]["is_initial"] = True
    assert mall.api("admin", "post", "/workflows/", two_initial).status_code == 400
    unknown = workflow_doc(transitions=[{"source": "open", "target": "nowhere", "name": "x"}])
    assert "transitions.0" in mall.api("admin", "post", "/workflows/", unknown).json()["fields"]
    assert mall.api("dispatcher", "post", "/workflows/", workflow_doc()).status_code == 403
    badly_coloured = workflow_doc()
    badly_coloured["statuses"][1]["color"] = "orange"
    refused = mall.api("admin", "post", "/workflows/", badly_coloured)
    assert refused.status_code == 400 and "statuses.1.color" in refused.json()["fields"]


def test_a_status_has_its_own_colour_or_its_categorys(mall):
    doc = workflow_doc(code="coloured")
    doc["statuses"][1]["color"] = "#ff8800"
    wf = mall.api("admin", "post", "/workflows/", doc)
    assert wf.status_code == 201, wf.content
    colours = {s["key"]: s["color"] for s in wf.json()["statuses"]}
    assert colours == {"open": "", "doing": "#FF8800", "done": ""}
    type_ = mall.api(
        "admin",
        "post",
        "/ticket-types/",
        {
            "code": "paint",
            "name": "Paint",
            "prefix": "PNT",
            "workflow": wf.json()["id"],
            "filing_roles": ["key_user"],
        },
    )
    assert type_.status_code == 201, type_.content
    ticket = mall.api("key_user", "post", "/tickets/", {"type": "paint", "title": "Scuffed wall"}).json()
    moved = mall.api("admin", "post", f"/tickets/{ticket['id']}/transition/", {"to": "doing"})
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"]["color"] == "#FF8800"
    # a save that leaves the colour out clears it back to the category's
    doc["statuses"][1].pop("color")
    saved = mall.api("admin", "put", f"/workflows/{wf.json()['id']}/", doc)
    assert (
        saved.status_code == 200 and {s["key"]: s["color"] for s in saved.json()["statuses"]}["doing"] == ""
    )


def test_editing_a_workflow_never_strands_open_tickets(mall):
    ticket = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()
    mall.api("admin", "post", f"/tickets/{ticket['id']}/transition/", {"to": "in_progress"})
    wf = next(w for w in mall.api("admin", "get", "/workflows/").json() if w["code"] == "incident")
    doc = {
        "code": wf["code"],
        "name": wf["name"],
        "statuses": wf["statuses"],
        "transitions": [
            {
                k: t[k]
                for k in ("source", "target", "name", "allowed_roles", "comment_required", "required_fields")
            }
            for t in wf["transitions"]
        ],
    }
    without = dict(
        doc,
        statuses=[s for s in doc["statuses"] if s["key"] != "in_progress"],
        transitions=[t for t in doc["transitions"] if "in_progress" not in (t["source"], t["target"])],
    )
    refused = mall.api("admin", "put", f"/workflows/{wf['id']}/", without)
    assert refused.status_code in (400, 409)
    assert mall.api("admin", "get", f"/tickets/{ticket['id']}/").json()["status"]["key"] == "in_progress"
    # renaming a status and adding one keeps the ticket where it is
    doc["statuses"][1]["name"] = "Working on it"
    doc["statuses"].append({"key": "parked", "name": "Parked", "category": "waiting"})
    doc["transitions"] += [
        {"source": "in_progress", "target": "parked", "name": "Park"},
        {"source": "parked", "target": "in_progress", "name": "Unpark"},
    ]
    saved = mall.api("admin", "put", f"/workflows/{wf['id']}/", doc)
    assert saved.status_code == 200, saved.content
    after = mall.api("admin", "get", f"/tickets/{ticket['id']}/").json()
    assert after["status"]["name"] == "Working on it"
    assert "parked" in [t["to"] for t in after["transitions"]]


def test_routing_rules_are_validated(mall):
    bad = mall.api(
        "admin",
        "post",
        "/routing-rules/",
        {
            "name": "x",
            "conditions": {"channels": ["pigeon"], "time": {"from": "25:00"}},
            "actions": {"assignee": {"mode": "least_open"}, "group": 999999},
        },
    )
    assert bad.status_code == 400
    assert {"conditions.channels", "conditions.time", "actions.group"} <= set(bad.json()["fields"])
    no_group = mall.api(
        "admin", "post", "/routing-rules/", {"name": "y", "actions": {"assignee": {"mode": "round_robin"}}}
    )
    assert no_group.status_code == 400 and "actions.assignee" in no_group.json()["fields"]
    ok = mall.api(
        "admin",
        "post",
        "/routing-rules/",
        {
            "name": "Escalators",
            "order": 5,
            "conditions": {"types": ["breakdown"], "fields": [{"key": "when", "op": "eq", "value": None}]},
            "actions": {"priority": 4},
        },
    )
    assert ok.status_code == 201, ok.content


def _ticket(mall, **kwargs):
    tt = TicketType.objects.get(code=kwargs.pop("type", "breakdown"))
    return Ticket(ticket_type=tt, title="t", priority=2, channel="web", fields={}, **kwargs)


def test_routing_by_location_ancestor_time_window_and_round_robin(mall):
    with tenant_context(mall.made.account):
        RoutingRule.objects.all().delete()
        plumbing = ResponsibilityGroup.objects.get(code="plumbing")
        engineering = ResponsibilityGroup.objects.get(code="engineering")
        RoutingRule.objects.create(
            name="Building B leaks",
            order=1,
            conditions={"types": ["leak"], "locations": [mall.building_b.pk]},
            actions={"group": plumbing.pk},
        )
        RoutingRule.objects.create(
            name="Night shift",
            order=2,
            conditions={"time": {"from": "22:00", "to": "06:00"}},
            actions={"priority": 4},
        )
        RoutingRule.objects.create(
            name="Engineers in turn",
            order=3,
            conditions={"types": ["breakdown"]},
            actions={"group": engineering.pk, "assignee": {"mode": "round_robin"}},
        )
        in_b = _ticket(mall, type="leak", location=mall.unit)
        route(in_b, now=dt.datetime(2026, 5, 5, 12, 0, tzinfo=dt.UTC))
        assert in_b.group == plumbing and in_b.priority == 2
        elsewhere = _ticket(mall, type="leak")
        route(elsewhere, now=dt.datetime(2026, 5, 5, 23, 30, tzinfo=dt.UTC))
        assert elsewhere.group is None and elsewhere.priority == 4  # night window crosses midnight
        picks = []
        for _ in range(4):
            t = _ticket(mall, type="breakdown")
            route(t, now=dt.datetime(2026, 5, 5, 12, 0, tzinfo=dt.UTC))
            picks.append(t.assignee.pk)
        e1, e2 = sorted([mall.people["engineer"].pk, mall.people["engineer2"].pk])
        assert picks == [e1, e2, e1, e2]
