"""Who may do what with a ticket: roles x ticket situations x actions, as the API answers.

The expected cells follow the rules in tenant_apps/permissions.py (its docstring):
- account admins and dispatchers see and change every ticket;
- engineers, approvers and guards see every ticket (closed ones too) but change only tickets
  assigned to them or to one of their groups;
- a key user sees every ticket of their company; employees and visitors see what they filed or watch;
- requesters never change fields; they comment publicly and make "requester" transitions;
- internal comments and internal history are for agents only.

A person who may not see a ticket gets 404 for everything about it (its existence is not revealed);
a person who sees it but may not do something gets 403.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.desk.models import Workflow
from tenant_apps.people.models import ResponsibilityGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): every test's writes
    are rolled back before the next, and no test changes the people the others rely on."""
    return module_mall


ROLES = [
    "admin",
    "dispatcher",
    "engineer",
    "plumber",
    "guard",
    "approver",
    "key_user",
    "other_shop",
    "employee",
    "coworker",
    "visitor",
]


class Desk:
    """One signed-in client per person, reused for every request of a test."""

    def __init__(self, mall):
        self.mall = mall
        self._clients: dict[str, Client] = {}

    def call(self, who, method, path, data=None):
        client = self._clients.get(who)
        if client is None:
            client = self._clients[who] = self.mall.client(who)
        kwargs = {"HTTP_HOST": self.mall.host}
        if method in ("post", "patch", "put"):
            kwargs["content_type"] = "application/json"
        call = getattr(client, method)
        return (
            call(f"/api/v1{path}", data, **kwargs) if data is not None else call(f"/api/v1{path}", **kwargs)
        )

    def pk(self, who) -> int:
        return self.mall.people[who].pk

    def ok(self, who, method, path, data=None, status=200):
        response = self.call(who, method, path, data)
        assert response.status_code == status, (method, path, response.status_code, response.content)
        return response.json() if response.content else None


# ---------------------------------------------------------------------------- ticket situations
def _leak(desk) -> dict:
    return desk.ok(
        "employee",
        "post",
        "/tickets/",
        {
            "type": "leak",
            "title": "Water under the sink",
            "fields": {"severity": "stream"},
            "location": desk.mall.unit.pk,
        },
        status=201,
    )


def _notes(desk, tid) -> None:
    """A public and an internal comment, so who sees what can be checked."""
    desk.ok("admin", "post", f"/tickets/{tid}/comments/", {"body": "Public note"}, status=201)
    desk.ok(
        "admin", "post", f"/tickets/{tid}/comments/", {"body": "Internal note", "internal": True}, status=201
    )


def leak_filed_by_employee(desk) -> int:
    ticket = _leak(desk)
    assert ticket["group"]["name"] == "Plumbing" and ticket["assignee"]["id"] == desk.pk("plumber")
    assert ticket["company"]["id"] == desk.mall.company.pk
    _notes(desk, ticket["id"])
    return ticket["id"]


def leak_watched_by_outsiders(desk) -> int:
    tid = leak_filed_by_employee(desk)
    watchers = [desk.pk("coworker"), desk.pk("visitor"), desk.pk("other_shop")]
    body = desk.ok("dispatcher", "post", f"/tickets/{tid}/watchers/", {"add": watchers})
    assert set(watchers) <= set(body["watchers"])
    return tid


def goods_in_approved_for_security(desk) -> int:
    ticket = desk.ok(
        "employee",
        "post",
        "/tickets/",
        {
            "type": "goods_in",
            "title": "New shelves",
            "fields": {"when": "2030-05-01T08:00:00Z", "goods": "Six shelves"},
        },
        status=201,
    )
    assert ticket["group"]["name"] == "Operations" and ticket["assignee"] is None
    # Operations approves: the ticket passes to the guards, who tick the goods in at the gate
    desk.ok("dispatcher", "post", f"/tickets/{ticket['id']}/approvals/decide/", {"decision": "approved"})
    with schema_context(desk.mall.schema):
        security = ResponsibilityGroup.objects.get(code="security").pk
    moved = desk.ok("dispatcher", "get", f"/tickets/{ticket['id']}/")
    assert moved["group"]["id"] == security and moved["status"]["key"] == "approved"
    items = desk.ok("guard", "get", f"/tickets/{ticket['id']}/checklist/")
    required = [i for i in items if i["required"]]
    for item in required:
        desk.ok("guard", "post", f"/tickets/{ticket['id']}/checklist/{item['id']}/", {"value": True})
    _notes(desk, ticket["id"])
    return ticket["id"]


def closed_leak(desk) -> int:
    tid = leak_filed_by_employee(desk)
    desk.ok("plumber", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"})
    desk.ok("plumber", "post", f"/tickets/{tid}/transition/", {"to": "resolved", "comment": "Fixed the trap"})
    closed = desk.ok("employee", "post", f"/tickets/{tid}/transition/", {"to": "closed"})
    assert closed["status"]["key"] == "closed" and closed["closed_at"]
    return tid


# `move` is the transition each situation tries: taking the ticket into work.
SITUATIONS = {
    "leak": (leak_filed_by_employee, "in_progress"),
    "watched_leak": (leak_watched_by_outsiders, "in_progress"),
    "goods_in_security": (goods_in_approved_for_security, "completed"),
    "closed_leak": (closed_leak, "in_progress"),  # no way out of "closed": 409 for whoever sees it
}

# Columns:
#   view      GET /tickets/{id}/                                   200 | 404
#   listed    the ticket is in GET /tickets/                       Y | N
#   internal  internal comments and internal events are shown      Y | N | 404
#   patch     PATCH {"priority": 4}                                200 | 403 | 409 (closed) | 404
#   comment   POST comments/ public                                201 | 404
#   icomment  POST comments/ internal                              201 | 403 | 404
#   watchers  POST watchers/ adding someone else (engineer2)       200 | 403 | 404
#   move      POST transition/ to the situation's move target      200 | 403 | 409 | 404
#   watch_me  POST watchers/ adding oneself                        200 | 404
COLUMNS = ["view", "listed", "internal", "patch", "comment", "icomment", "watchers", "move", "watch_me"]
HIDDEN = "404 N 404 404 404 404 404 404 404"

TABLES = {
    "leak": """
        admin       200 Y Y 200 201 201 200 200 200
        dispatcher  200 Y Y 200 201 201 200 200 200
        engineer    200 Y Y 403 201 201 403 403 200
        plumber     200 Y Y 200 201 201 200 200 200
        guard       200 Y Y 403 201 201 403 403 200
        approver    200 Y Y 403 201 201 403 403 200
        key_user    200 Y N 403 201 403 403 403 200
        other_shop  HIDDEN
        employee    200 Y N 403 201 403 403 403 200
        coworker    HIDDEN
        visitor     HIDDEN
    """,
    "watched_leak": """
        admin       200 Y Y 200 201 201 200 200 200
        dispatcher  200 Y Y 200 201 201 200 200 200
        engineer    200 Y Y 403 201 201 403 403 200
        plumber     200 Y Y 200 201 201 200 200 200
        guard       200 Y Y 403 201 201 403 403 200
        approver    200 Y Y 403 201 201 403 403 200
        key_user    200 Y N 403 201 403 403 403 200
        other_shop  200 Y N 403 201 403 403 403 200
        employee    200 Y N 403 201 403 403 403 200
        coworker    200 Y N 403 201 403 403 403 200
        visitor     200 Y N 403 201 403 403 403 200
    """,
    "goods_in_security": """
        admin       200 Y Y 200 201 201 200 200 200
        dispatcher  200 Y Y 200 201 201 200 200 200
        engineer    200 Y Y 403 201 201 403 403 200
        plumber     200 Y Y 403 201 201 403 403 200
        guard       200 Y Y 200 201 201 200 200 200
        approver    200 Y Y 403 201 201 403 403 200
        key_user    200 Y N 403 201 403 403 403 200
        other_shop  HIDDEN
        employee    200 Y N 403 201 403 403 403 200
        coworker    HIDDEN
        visitor     HIDDEN
    """,
    "closed_leak": """
        admin       200 Y Y 409 201 201 200 409 200
        dispatcher  200 Y Y 409 201 201 200 409 200
        engineer    200 Y Y 403 201 201 403 409 200
        plumber     200 Y Y 409 201 201 200 409 200
        guard       200 Y Y 403 201 201 403 409 200
        approver    200 Y Y 403 201 201 403 409 200
        key_user    200 Y N 403 201 403 403 409 200
        other_shop  HIDDEN
        employee    200 Y N 403 201 403 403 409 200
        coworker    HIDDEN
        visitor     HIDDEN
    """,
}


def _parse(table: str) -> dict[str, dict[str, str]]:
    rows = {}
    for line in table.strip().splitlines():
        role, *cells = line.replace("HIDDEN", HIDDEN).split()
        assert len(cells) == len(COLUMNS), line
        rows[role] = dict(zip(COLUMNS, cells, strict=False))
    assert list(rows) == ROLES
    return rows


EXPECTED = {situation: _parse(table) for situation, table in TABLES.items()}
TICKET_CASES = [(situation, role) for situation in SITUATIONS for role in ROLES]


@pytest.mark.parametrize(("situation", "role"), TICKET_CASES, ids=[f"{s}-{r}" for s, r in TICKET_CASES])
def test_ticket_actions_by_role(mall, situation, role):
    desk = Desk(mall)
    setup, move_to = SITUATIONS[situation]
    tid = setup(desk)
    expected = EXPECTED[situation][role]
    got, problems = {}, []
    url = f"/tickets/{tid}/"

    got["view"] = str(desk.call(role, "get", url).status_code)

    listing = desk.call(role, "get", "/tickets/")
    assert listing.status_code == 200, listing.content
    got["listed"] = "Y" if tid in [t["id"] for t in listing.json()["results"]] else "N"

    comments = desk.call(role, "get", f"{url}comments/")
    events = desk.call(role, "get", f"{url}events/")
    if comments.status_code == 404 and events.status_code == 404:
        got["internal"] = "404"
    else:
        assert comments.status_code == events.status_code == 200, (comments.content, events.content)
        bodies = [c["body"] for c in comments.json()]
        if "Public note" not in bodies:
            problems.append(f"public comment missing from {bodies}")
        internal_comment = "Internal note" in bodies
        internal_events = [e for e in events.json() if not e["public"]]
        leaked = [e for e in events.json() if "Internal note" in str(e["data"])]
        if internal_comment != bool(internal_events):
            problems.append(
                f"internal comments shown: {internal_comment}, internal events: {internal_events}"
            )
        if leaked and not internal_comment:
            problems.append(f"internal comment text in public history: {leaked}")
        got["internal"] = "Y" if internal_comment else "N"

    patched = desk.call(role, "patch", url, {"priority": 4})
    got["patch"] = str(patched.status_code)
    if patched.status_code == 200 and patched.json()["priority"] != 4:
        problems.append(f"PATCH answered 200 but priority is {patched.json()['priority']}")

    got["comment"] = str(
        desk.call(role, "post", f"{url}comments/", {"body": f"Hello from {role}"}).status_code
    )
    got["icomment"] = str(
        desk.call(
            role, "post", f"{url}comments/", {"body": f"Staff only, {role}", "internal": True}
        ).status_code
    )

    other = desk.pk("engineer2")
    watchers = desk.call(role, "post", f"{url}watchers/", {"add": [other]})
    got["watchers"] = str(watchers.status_code)
    if watchers.status_code == 200 and other not in watchers.json()["watchers"]:
        problems.append("adding a watcher answered 200 but the watcher is not on the ticket")

    moved = desk.call(role, "post", f"{url}transition/", {"to": move_to})
    got["move"] = str(moved.status_code)
    if moved.status_code == 200 and moved.json()["status"]["key"] != move_to:
        problems.append(f"transition answered 200 but the status is {moved.json()['status']}")

    me = desk.pk(role)
    watch_me = desk.call(role, "post", f"{url}watchers/", {"add": [me]})
    got["watch_me"] = str(watch_me.status_code)
    if watch_me.status_code == 200 and me not in watch_me.json()["watchers"]:
        problems.append("watching answered 200 but the person is not a watcher")

    assert got == expected
    assert problems == []

    # what was refused left no trace: a refused PATCH did not change the priority
    if expected["patch"] != "200":
        current = desk.ok("admin", "get", url)
        assert current["priority"] != 4


# Transitions offered in the ticket's detail (what the web app shows as buttons), for the fresh leak:
# "Take into work" (no role list: whoever may change the ticket) and "Cancel" (requester, dispatcher, admin).
OFFERED = {
    "admin": {"in_progress", "cancelled"},
    "dispatcher": {"in_progress", "cancelled"},
    "engineer": set(),
    "plumber": {"in_progress"},
    "guard": set(),
    "approver": set(),
    "key_user": set(),
    "employee": {"cancelled"},
}


def test_transitions_offered_follow_the_same_rules(mall):
    desk = Desk(mall)
    tid = leak_filed_by_employee(desk)
    offered = {
        role: {t["to"] for t in desk.ok(role, "get", f"/tickets/{tid}/")["transitions"]} for role in OFFERED
    }
    assert offered == OFFERED
    # the requester's own "requester" transition works; the key user (not the requester) may not make it
    assert (
        desk.call("key_user", "post", f"/tickets/{tid}/transition/", {"to": "cancelled"}).status_code == 403
    )
    assert desk.call("plumber", "post", f"/tickets/{tid}/transition/", {"to": "cancelled"}).status_code == 403
    cancelled = desk.ok("employee", "post", f"/tickets/{tid}/transition/", {"to": "cancelled"})
    assert cancelled["status"]["key"] == "cancelled"


# ---------------------------------------------------------------------------- configuration
def _config_bodies(mall) -> dict[str, dict]:
    with schema_context(mall.schema):
        incident = Workflow.objects.get(code="incident").pk
        engineering = ResponsibilityGroup.objects.get(code="engineering").pk
    return {
        "ticket-types": {
            "code": "lift",
            "name": "Lift stuck",
            "prefix": "LIFT",
            "workflow": incident,
            "filing_roles": ["employee", "key_user"],
            "form_fields": [],
        },
        "workflows": {
            "code": "simple",
            "name": "Simple",
            "statuses": [
                {"key": "open", "name": "Open", "category": "new", "is_initial": True},
                {"key": "done", "name": "Done", "category": "closed"},
            ],
            "transitions": [{"source": "open", "target": "done", "name": "Finish"}],
        },
        "routing-rules": {
            "name": "Lifts",
            "order": 90,
            "conditions": {"types": ["breakdown"]},
            "actions": {"group": engineering},
        },
        "groups": {"code": "lifts", "name": "Lifts", "members": []},
        "people": {"email": "newcomer@example.com", "full_name": "New Comer", "role": "engineer"},
        "companies": {"name": "Shoe Shop", "kind": "tenant"},
        "locations": {"kind": "unit", "name": "2-15", "parent": mall.unit.parent_id},
    }


CONFIG_COLUMNS = [
    "POST ticket-types",
    "POST workflows",
    "POST routing-rules",
    "POST groups",
    "POST people",
    "POST companies",
    "POST locations",
    "GET people",
    "GET groups",
    "GET workflows",
    "GET routing-rules",
    "GET companies",
]
AGENT_READS = "200 200 200 200 all"
CONFIG_TABLE = f"""
    admin       201 201 201 201 201 201 201  {AGENT_READS}
    dispatcher  403 403 403 403 403 201 201  {AGENT_READS}
    engineer    403 403 403 403 403 403 403  {AGENT_READS}
    plumber     403 403 403 403 403 403 403  {AGENT_READS}
    guard       403 403 403 403 403 403 403  {AGENT_READS}
    approver    403 403 403 403 403 403 403  {AGENT_READS}
    key_user    403 403 403 403 403 403 403  403 403 403 403 own
    other_shop  403 403 403 403 403 403 403  403 403 403 403 own
    employee    403 403 403 403 403 403 403  403 403 403 403 own
    coworker    403 403 403 403 403 403 403  403 403 403 403 own
    visitor     403 403 403 403 403 403 403  403 403 403 403 none
"""
# GET companies: "all" = every company of the account, "own" = only the person's company, "none" = empty.


def _parse_config() -> dict[str, dict[str, str]]:
    rows = {}
    for line in CONFIG_TABLE.strip().splitlines():
        role, *cells = line.split()
        assert len(cells) == len(CONFIG_COLUMNS), line
        rows[role] = dict(zip(CONFIG_COLUMNS, cells, strict=False))
    assert list(rows) == ROLES
    return rows


CONFIG_EXPECTED = _parse_config()


@pytest.mark.parametrize("role", ROLES)
def test_configuration_endpoints_by_role(mall, role):
    desk = Desk(mall)
    bodies = _config_bodies(mall)
    got = {}
    for column in CONFIG_COLUMNS:
        method, endpoint = column.split()
        if method == "POST":
            got[column] = str(desk.call(role, "post", f"/{endpoint}/", bodies[endpoint]).status_code)
        elif endpoint == "companies":
            response = desk.call(role, "get", "/companies/")
            assert response.status_code == 200, response.content
            seen = {c["id"] for c in response.json()["results"]}
            mine = mall.people[role].company_id
            everything = {mall.company.pk, mall.other_company.pk}
            got[column] = (
                "all"
                if everything <= seen
                else "own"
                if seen == {mine} and mine
                else "none"
                if not seen
                else f"other: {sorted(seen)}"
            )
        else:
            got[column] = str(desk.call(role, "get", f"/{endpoint}/").status_code)
    assert got == CONFIG_EXPECTED[role]

    # refused writes left nothing behind
    if role != "admin":
        names = {t["code"] for t in desk.ok("admin", "get", "/ticket-types/")}
        assert "lift" not in names
        assert "lifts" not in {g["code"] for g in desk.ok("admin", "get", "/groups/")["results"]}
        emails = {
            p["email"]
            for p in desk.ok(
                "admin",
                "get",
                "/people/",
            )["results"]
        }
        assert "newcomer@example.com" not in emails
    if got["POST companies"] != "201":
        assert "Shoe Shop" not in {c["name"] for c in desk.ok("admin", "get", "/companies/")["results"]}
