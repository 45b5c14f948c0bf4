"""Resolved work: the requester confirms it or returns it with a reason, the system confirms it
after the type's (or the account's) days, and confirmed work is rated once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.desk import confirmation
from tenant_apps.desk.models import DeskSettings, Ticket, TicketType
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def leak(mall, who="key_user", title="A tap is leaking in unit 2-14"):
    response = mall.api(
        who,
        "post",
        "/tickets/",
        {"type": "leak", "title": title, "fields": {"severity": "stream"}, "location": mall.unit.pk},
    )
    assert response.status_code == 201, response.content
    return response.json()


def resolve(mall, ticket_id, who="plumber"):
    moved = mall.api(who, "post", f"/tickets/{ticket_id}/transition/", {"to": "in_progress"})
    assert moved.status_code == 200, moved.content
    done = mall.api(
        who, "post", f"/tickets/{ticket_id}/transition/", {"to": "resolved", "comment": "Replaced the gasket"}
    )
    assert done.status_code == 200, done.content
    return done.json()


def resolved_leak(mall, who="key_user"):
    return resolve(mall, leak(mall, who)["id"])


def row(mall, pk):
    with schema_context(mall.schema):
        return Ticket.objects.select_related("status").get(pk=pk)


def test_resolved_work_awaits_the_requester_who_sees_the_buttons_and_agents_do_not(mall):
    ticket = resolved_leak(mall)
    assert ticket["confirmation"]["state"] == "awaiting"
    due = timezone.datetime.fromisoformat(ticket["confirmation"]["due_at"])
    assert timedelta(days=2, hours=23) < due - timezone.now() <= timedelta(days=3)  # the default: 3 days
    mine = mall.api("key_user", "get", f"/tickets/{ticket['id']}/").json()
    assert (mine["can_confirm"], mine["can_return"], mine["can_rate"]) == (True, True, False)
    agent = mall.api("dispatcher", "get", f"/tickets/{ticket['id']}/").json()
    assert (agent["can_confirm"], agent["can_return"]) == (False, False)
    listed = mall.api("key_user", "get", "/tickets/").json()["results"][0]
    assert listed["confirmation"]["state"] == "awaiting" and listed["can_confirm"] is True
    leak(mall, title="Another, still open")
    waiting = mall.api("key_user", "get", "/tickets/?confirmation=awaiting").json()["results"]
    assert [t["id"] for t in waiting] == [ticket["id"]]


def test_confirmation_closes_the_ticket_with_an_event_in_its_history(mall):
    ticket = resolved_leak(mall)
    answer = mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"]["key"] == "closed" and body["status"]["category"] == "closed"
    assert body["confirmation"]["state"] == "confirmed" and body["confirmation"]["confirmed_at"]
    assert body["confirmation"]["due_at"] is None
    assert (body["can_confirm"], body["can_rate"]) == (False, True)
    history = mall.api("key_user", "get", f"/tickets/{ticket['id']}/events/").json()
    confirmed = [e for e in history if e["kind"] == "confirmed"]
    assert len(confirmed) == 1 and confirmed[0]["actor"] == mall.people["key_user"].pk
    assert confirmed[0]["data"]["auto"] is False
    # answered once: a second confirmation is refused
    again = mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    assert again.status_code == 409 and again.json()["code"] == "not_awaiting_confirmation"


def test_the_requesters_company_key_user_answers_for_an_employee(mall):
    ticket = resolved_leak(mall, who="employee")
    coworker = mall.api("coworker", "get", f"/tickets/{ticket['id']}/")
    assert coworker.status_code == 404  # another employee does not even see it
    refused = mall.api("coworker", "post", f"/tickets/{ticket['id']}/confirm/", {})
    assert refused.status_code == 404
    answer = mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    assert answer.status_code == 200, answer.content


def test_staff_and_other_people_cannot_answer_for_the_requester(mall):
    ticket = resolved_leak(mall)
    for who in ("dispatcher", "admin", "plumber"):
        refused = mall.api(who, "post", f"/tickets/{ticket['id']}/confirm/", {})
        assert refused.status_code == 403, who
        assert refused.json()["code"] == "permission_denied"
    assert mall.api("other_shop", "post", f"/tickets/{ticket['id']}/confirm/", {}).status_code == 404
    assert (
        mall.api("other_shop", "post", f"/tickets/{ticket['id']}/return/", {"reason": "x"}).status_code == 404
    )
    assert row(mall, ticket["id"]).status.key == "resolved"


def test_an_open_ticket_cannot_be_confirmed(mall):
    ticket = leak(mall)
    refused = mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    assert refused.status_code == 409 and refused.json()["code"] == "not_awaiting_confirmation"
    refused = mall.api("key_user", "post", f"/tickets/{ticket['id']}/return/", {"reason": "Still drips"})
    assert refused.status_code == 409


def test_a_return_needs_a_reason_and_changes_nothing_without_one(mall):
    ticket = resolved_leak(mall)
    for body in ({"reason": ""}, {"reason": "   "}, {}):
        refused = mall.api("key_user", "post", f"/tickets/{ticket['id']}/return/", body)
        assert refused.status_code == 400, body
        assert "reason" in refused.json()["fields"]
    after = row(mall, ticket["id"])
    assert after.status.key == "resolved" and after.confirmation_state == "awaiting"
    kinds = [e["kind"] for e in mall.api("admin", "get", f"/tickets/{ticket['id']}/events/").json()]
    assert "returned" not in kinds


def test_a_return_reopens_the_ticket_in_the_status_the_workflow_names(mall):
    ticket = resolved_leak(mall)
    answer = mall.api(
        "key_user", "post", f"/tickets/{ticket['id']}/return/", {"reason": "Still drips at night"}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"]["key"] == "in_progress"  # incident workflow: return_status
    assert body["confirmation"]["state"] == "returned"
    assert body["confirmation"]["returned_reason"] == "Still drips at night"
    assert (body["can_confirm"], body["can_rate"]) == (False, False)
    history = mall.api("plumber", "get", f"/tickets/{ticket['id']}/events/").json()
    returned = [e for e in history if e["kind"] == "returned"]
    assert returned and returned[0]["data"]["reason"] == "Still drips at night"
    # resolved again: the wait starts over
    again = mall.api(
        "plumber", "post", f"/tickets/{ticket['id']}/transition/", {"to": "resolved", "comment": "Valve too"}
    ).json()
    assert again["confirmation"]["state"] == "awaiting" and again["confirmation"]["due_at"]


def test_the_workflow_names_where_confirmation_and_return_lead_and_they_are_validated(mall):
    workflows = mall.api("admin", "get", "/workflows/").json()
    incident = next(w for w in workflows if w["code"] == "incident")
    assert (incident["confirm_status"], incident["return_status"]) == ("closed", "in_progress")
    document = {
        "code": incident["code"],
        "name": incident["name"],
        "statuses": incident["statuses"],
        "transitions": [
            {k: v for k, v in t.items() if k not in ("allowed_groups", "set_group", "set_assignee")}
            for t in incident["transitions"]
        ],
    }
    bad = mall.api(
        "admin",
        "put",
        f"/workflows/{incident['id']}/",
        {**document, "confirm_status": "in_progress", "return_status": "closed"},
    )
    assert bad.status_code == 400
    assert {"confirm_status", "return_status"} <= set(bad.json()["fields"])
    half = mall.api(
        "admin",
        "put",
        f"/workflows/{incident['id']}/",
        {**document, "confirm_status": "closed", "return_status": ""},
    )
    assert half.status_code == 400 and "return_status" in half.json()["fields"]
    kept = mall.api("admin", "put", f"/workflows/{incident['id']}/", document)  # not sent: kept
    assert kept.status_code == 200, kept.content
    assert (kept.json()["confirm_status"], kept.json()["return_status"]) == ("closed", "in_progress")
    changed = mall.api(
        "admin",
        "put",
        f"/workflows/{incident['id']}/",
        {**document, "return_status": "new", "confirm_status": "closed"},
    )
    assert changed.status_code == 200 and changed.json()["return_status"] == "new"
    ticket = resolved_leak(mall)
    back = mall.api("key_user", "post", f"/tickets/{ticket['id']}/return/", {"reason": "No"}).json()
    assert back["status"]["key"] == "new"
    off = mall.api(
        "admin",
        "put",
        f"/workflows/{incident['id']}/",
        {**document, "return_status": "", "confirm_status": ""},
    )
    assert off.status_code == 200
    unconfirmed = resolved_leak(mall)
    assert unconfirmed["confirmation"]["state"] is None and unconfirmed["can_confirm"] is False


def test_auto_confirmation_after_the_days_confirms_each_ticket_exactly_once(mall):
    first, second = resolved_leak(mall), resolved_leak(mall)
    with tenant_context(mall.made.account):
        assert confirmation.auto_confirm_due() == 0  # not due yet
        # three days pass for the first ticket
        Ticket.objects.filter(pk=first["id"]).update(
            confirmation_due_at=timezone.now() - timedelta(minutes=1)
        )
        assert confirmation.auto_confirm_due() == 1
        assert confirmation.auto_confirm_due() == 0  # a second beat, a retried task
    body = mall.api("key_user", "get", f"/tickets/{first['id']}/").json()
    assert body["status"]["key"] == "closed" and body["confirmation"]["state"] == "auto_confirmed"
    assert body["can_rate"] is True
    events = mall.api("admin", "get", f"/tickets/{first['id']}/events/").json()
    confirmed = [e for e in events if e["kind"] == "confirmed"]
    assert len(confirmed) == 1 and confirmed[0]["actor"] is None and confirmed[0]["data"]["auto"] is True
    assert confirmed[0]["actor_name"]
    assert row(mall, second["id"]).confirmation_state == "awaiting"


def test_the_type_and_the_account_set_the_days(mall):
    assert mall.api("dispatcher", "get", "/desk-settings/").json() == {"auto_confirm_days": 3}
    assert mall.api("dispatcher", "patch", "/desk-settings/", {"auto_confirm_days": 7}).status_code == 403
    bad = mall.api("admin", "patch", "/desk-settings/", {"auto_confirm_days": -1})
    assert bad.status_code == 400 and "auto_confirm_days" in bad.json()["fields"]
    assert mall.api("admin", "patch", "/desk-settings/", {"auto_confirm_days": 7}).json() == {
        "auto_confirm_days": 7
    }
    with schema_context(mall.schema):
        assert DeskSettings.objects.get().auto_confirm_days == 7
    week = resolved_leak(mall)
    due = timezone.datetime.fromisoformat(week["confirmation"]["due_at"])
    assert timedelta(days=6, hours=23) < due - timezone.now() <= timedelta(days=7)
    leak_type = mall.api("admin", "get", "/ticket-types/").json()
    leak_id = next(t["id"] for t in leak_type if t["code"] == "leak")
    assert (
        mall.api("admin", "patch", f"/ticket-types/{leak_id}/", {"auto_confirm_days": 400}).status_code == 400
    )
    assert (
        mall.api("admin", "patch", f"/ticket-types/{leak_id}/", {"auto_confirm_days": 0}).status_code == 200
    )
    never = resolved_leak(mall)
    assert never["confirmation"]["state"] == "awaiting" and never["confirmation"]["due_at"] is None
    assert (
        mall.api("admin", "patch", f"/ticket-types/{leak_id}/", {"auto_confirm_days": 1}).status_code == 200
    )
    with schema_context(mall.schema):
        assert TicketType.objects.get(code="leak").auto_confirm_days == 1
    day = resolved_leak(mall)
    due = timezone.datetime.fromisoformat(day["confirmation"]["due_at"])
    assert timedelta(hours=23) < due - timezone.now() <= timedelta(days=1)


def test_confirmed_work_is_rated_once_from_1_to_5(mall):
    ticket = resolved_leak(mall)
    early = mall.api("key_user", "post", f"/tickets/{ticket['id']}/rating/", {"score": 5})
    assert early.status_code == 409 and early.json()["code"] == "not_confirmed"
    mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    for bad in (0, 6, "five", None):
        refused = mall.api("key_user", "post", f"/tickets/{ticket['id']}/rating/", {"score": bad})
        assert refused.status_code == 400 and "score" in refused.json()["fields"], bad
    assert mall.api("dispatcher", "post", f"/tickets/{ticket['id']}/rating/", {"score": 5}).status_code == 403
    rated = mall.api("key_user", "post", f"/tickets/{ticket['id']}/rating/", {"score": 4, "comment": "Quick"})
    assert rated.status_code == 201, rated.content
    body = rated.json()
    assert (body["score"], body["comment"]) == (4, "Quick")
    assert body["rated_by"] == {"id": mall.people["key_user"].pk, "name": mall.people["key_user"].full_name}
    assert body["rated_at"]
    again = mall.api("key_user", "post", f"/tickets/{ticket['id']}/rating/", {"score": 1})
    assert again.status_code == 409 and again.json()["code"] == "already_rated"
    agent = mall.api("plumber", "get", f"/tickets/{ticket['id']}/").json()
    assert agent["rating"]["score"] == 4 and agent["can_rate"] is False
    own = mall.api("key_user", "get", f"/tickets/{ticket['id']}/").json()
    assert own["rating"]["score"] == 4 and own["can_rate"] is False
    kinds = [e["kind"] for e in mall.api("admin", "get", f"/tickets/{ticket['id']}/events/").json()]
    assert kinds.count("rated") == 1


def test_a_watcher_of_another_company_does_not_see_the_rating(mall):
    ticket = resolved_leak(mall)
    mall.api("key_user", "post", f"/tickets/{ticket['id']}/confirm/", {})
    mall.api("key_user", "post", f"/tickets/{ticket['id']}/rating/", {"score": 2, "comment": "Slow"})
    with schema_context(mall.schema):
        Ticket.objects.get(pk=ticket["id"]).watchers.add(mall.people["other_shop"])
    seen = mall.api("other_shop", "get", f"/tickets/{ticket['id']}/")
    assert seen.status_code == 200
    assert seen.json()["rating"] is None and seen.json()["can_rate"] is False
    refused = mall.api("other_shop", "post", f"/tickets/{ticket['id']}/rating/", {"score": 5})
    assert refused.status_code in (403, 409)
    history = mall.api("other_shop", "get", f"/tickets/{ticket['id']}/events/").json()
    assert "rated" not in [e["kind"] for e in history]


def test_satisfaction_figures_per_engineer_group_and_type(mall):
    a, b, c = resolved_leak(mall), resolved_leak(mall), resolved_leak(mall)
    mall.api("key_user", "post", f"/tickets/{a['id']}/confirm/", {})
    mall.api("key_user", "post", f"/tickets/{a['id']}/rating/", {"score": 5})
    mall.api("key_user", "post", f"/tickets/{b['id']}/confirm/", {})
    mall.api("key_user", "post", f"/tickets/{b['id']}/rating/", {"score": 2})
    mall.api("key_user", "post", f"/tickets/{c['id']}/return/", {"reason": "Still wet"})
    assert mall.api("key_user", "get", "/reports/satisfaction/").status_code == 403
    assert mall.api("plumber", "get", "/reports/satisfaction/").status_code == 403
    report = mall.api("dispatcher", "get", "/reports/satisfaction/?group_by=engineer")
    assert report.status_code == 200, report.content
    rows = report.json()["results"]
    plumber = next(r for r in rows if r["key"] == mall.people["plumber"].pk)
    assert plumber["label"] == mall.people["plumber"].full_name
    assert (plumber["ratings"], plumber["average"]) == (2, 3.5)
    assert (plumber["resolved"], plumber["returned"], plumber["returned_share"]) == (3, 1, 0.333)
    by_type = mall.api("admin", "get", "/reports/satisfaction/?group_by=type").json()["results"]
    assert [(r["label"], r["ratings"], r["returned"]) for r in by_type] == [("Leak", 2, 1)]
    by_group = mall.api("admin", "get", "/reports/satisfaction/?group_by=group").json()["results"]
    assert [(r["label"], r["resolved"]) for r in by_group] == [("Plumbing", 3)]
    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    later = mall.api("admin", "get", f"/reports/satisfaction/?since={tomorrow}").json()["results"]
    assert later == []
    bad = mall.api("admin", "get", "/reports/satisfaction/?group_by=shop&since=yesterday")
    assert bad.status_code == 400 and {"group_by", "since"} <= set(bad.json()["fields"])
