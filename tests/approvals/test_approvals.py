"""Approvals through the API: every rule of the process, rounds of rework, the queue, reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.approvals import services
from tenant_apps.approvals.models import ApprovalStep
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


GOODS = {"when": "2030-05-01T08:00:00Z", "goods": "Six shelves", "vehicle_plate": "A123BC"}
WORKS = {
    "works_kind": "electrical",
    "start": "2030-05-02T22:00:00Z",
    "finish": "2030-05-03T05:00:00Z",
    "contractor": "Volt LLC",
}


def file(mall, who, type_code, fields, title="Request"):
    response = mall.api(who, "post", "/tickets/", {"type": type_code, "title": title, "fields": fields})
    assert response.status_code == 201, response.content
    return response.json()


def decide(mall, who, ticket_id, decision, comment=""):
    return mall.api(
        who, "post", f"/tickets/{ticket_id}/approvals/decide/", {"decision": decision, "comment": comment}
    )


def state(mall, who, ticket_id):
    response = mall.api(who, "get", f"/tickets/{ticket_id}/approvals/")
    assert response.status_code == 200, response.content
    return response.json()


def ticket(mall, who, ticket_id):
    return mall.api(who, "get", f"/tickets/{ticket_id}/").json()


def kinds(mall, ticket_id):
    return [e["kind"] for e in mall.api("admin", "get", f"/tickets/{ticket_id}/events/").json()]


def test_goods_move_in_is_approved_by_operations_then_handed_to_the_guards(mall):
    t = file(mall, "key_user", "goods_in", GOODS)
    assert t["status"]["key"] == "pending_approval"
    first = state(mall, "key_user", t["id"])
    assert [r["number"] for r in first["rounds"]] == [1]
    assert [s["group"]["name"] for s in first["rounds"][0]["steps"]] == ["Operations"]
    assert first["can_decide"] is False and first["can_resubmit"] is False

    # the queue: the dispatcher (member of Operations) has it, an engineer does not
    queue = mall.api("dispatcher", "get", "/approvals/").json()["results"]
    assert [item["ticket"]["id"] for item in queue] == [t["id"]]
    assert mall.api("engineer", "get", "/approvals/").json()["results"] == []
    assert mall.api("key_user", "get", "/approvals/").status_code == 403

    refused = decide(mall, "engineer", t["id"], "approved")
    assert refused.status_code == 403 and refused.json()["code"] == "not_an_approver"
    assert decide(mall, "key_user", t["id"], "approved").json()["code"] == "not_an_approver"

    done = decide(mall, "dispatcher", t["id"], "approved")
    assert done.status_code == 200, done.content
    assert done.json()["rounds"][0]["outcome"] == "approved"
    after = ticket(mall, "admin", t["id"])
    assert after["status"]["key"] == "approved"
    assert after["group"]["name"] == "Security / Guards" and after["assignee"] is None
    assert mall.api("dispatcher", "get", "/approvals/").json()["results"] == []
    assert mall.api("dispatcher", "get", "/approvals/", {"state": "decided"}).json()["results"][0][
        "decision"
    ] == ("approved")
    again = decide(mall, "dispatcher", t["id"], "approved")
    assert again.status_code == 409 and again.json()["code"] == "no_pending_approval"
    history = kinds(mall, t["id"])
    assert (
        history.index("approval_requested")
        < history.index("approval_decided")
        < history.index("approval_completed")
    )

    # at the gate: the guard must tick "Goods brought in" before completing
    blocked = mall.api("guard", "post", f"/tickets/{t['id']}/transition/", {"to": "completed"})
    assert blocked.status_code == 400 and "Goods brought in" in blocked.json()["fields"]["checklist"][0]
    items = mall.api("guard", "get", f"/tickets/{t['id']}/checklist/").json()
    goods_in = next(i for i in items if i["label"] == "Goods brought in")
    ticked = mall.api(
        "guard",
        "post",
        f"/tickets/{t['id']}/checklist/{goods_in['id']}/",
        {"value": True, "comment": "Gate 2"},
    )
    assert ticked.status_code == 200 and ticked.json()["done"] and ticked.json()["done_by"]["name"] == "Guard"
    moved = mall.api("guard", "post", f"/tickets/{t['id']}/transition/", {"to": "completed"})
    assert moved.status_code == 200 and moved.json()["status"]["key"] == "completed"


def test_every_approver_must_approve_and_a_remark_makes_it_approved_with_remarks(mall):
    t = file(mall, "employee", "works_permit", WORKS, title="Rewire the sign")
    steps = state(mall, "employee", t["id"])["rounds"][0]["steps"]
    assert sorted(s["group"]["name"] for s in steps) == ["Engineering", "Security / Guards"]

    no_remark = decide(mall, "engineer", t["id"], "approved_with_remarks")
    assert no_remark.status_code == 400 and "comment" in no_remark.json()["fields"]
    assert decide(mall, "engineer", t["id"], "approved_with_remarks", "Only after 23:00").status_code == 200
    assert ticket(mall, "admin", t["id"])["status"]["key"] == "pending_approval"  # security still owes one

    twice = decide(mall, "engineer", t["id"], "approved")
    assert twice.status_code == 409 and twice.json()["code"] == "already_decided"
    # engineer2 is in Engineering too, but the group's step is decided: nothing left for them
    assert decide(mall, "engineer2", t["id"], "approved").json()["code"] == "not_an_approver"

    assert decide(mall, "guard", t["id"], "approved").status_code == 200
    after = ticket(mall, "employee", t["id"])
    assert after["status"]["key"] == "approved_with_remarks"
    seen = state(mall, "employee", t["id"])["rounds"][0]
    assert seen["outcome"] == "approved_with_remarks"
    assert [s["comment"] for s in seen["steps"] if s["decision"] == "approved_with_remarks"] == [
        "Only after 23:00"
    ]
    completed = [
        e
        for e in mall.api("employee", "get", f"/tickets/{t['id']}/events/").json()
        if e["kind"] == "approval_completed"
    ]
    assert completed[-1]["data"]["remarks"] == [{"by": "Engineer", "comment": "Only after 23:00"}]


def test_rework_starts_a_new_round_and_keeps_the_old_one(mall):
    t = file(mall, "key_user", "goods_in", GOODS)
    no_comment = decide(mall, "dispatcher", t["id"], "needs_rework")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["fields"]
    assert (
        decide(mall, "dispatcher", t["id"], "needs_rework", "Give the plate of the truck").status_code == 200
    )
    returned = state(mall, "key_user", t["id"])
    assert ticket(mall, "key_user", t["id"])["status"]["key"] == "needs_rework"
    assert returned["rounds"][0]["outcome"] == "needs_rework" and returned["can_resubmit"] is True
    assert returned["rounds"][0]["steps"][0]["comment"] == "Give the plate of the truck"

    # the requester may change the form, not who is responsible; the other shop never sees it
    bad = mall.api("key_user", "post", f"/tickets/{t['id']}/approvals/resubmit/", {"changes": {"group": 1}})
    assert bad.status_code == 400 and "group" in bad.json()["fields"]
    assert ticket(mall, "key_user", t["id"])["status"]["key"] == "needs_rework"  # nothing half-done
    assert mall.api("other_shop", "post", f"/tickets/{t['id']}/approvals/resubmit/", {}).status_code == 404

    resubmitted = mall.api(
        "key_user",
        "post",
        f"/tickets/{t['id']}/approvals/resubmit/",
        {"changes": {"fields": {"vehicle_plate": "K777KK"}}, "comment": "Plate added"},
    )
    assert resubmitted.status_code == 200, resubmitted.content
    rounds = resubmitted.json()["rounds"]
    assert [(r["number"], r["outcome"]) for r in rounds] == [(1, "needs_rework"), (2, "")]
    after = ticket(mall, "key_user", t["id"])
    assert after["status"]["key"] == "pending_approval" and after["fields"]["vehicle_plate"] == "K777KK"
    again = mall.api("key_user", "post", f"/tickets/{t['id']}/approvals/resubmit/", {})
    assert again.status_code == 409 and again.json()["code"] == "not_in_rework"
    assert decide(mall, "dispatcher", t["id"], "approved").status_code == 200
    assert ticket(mall, "key_user", t["id"])["status"]["key"] == "approved"


def test_a_rejection_ends_the_process(mall):
    t = file(mall, "key_user", "works_permit", WORKS)
    assert decide(mall, "guard", t["id"], "rejected", "No hot works on weekends").status_code == 200
    after = ticket(mall, "key_user", t["id"])
    assert after["status"]["key"] == "rejected" and after["status"]["category"] == "cancelled"
    assert state(mall, "key_user", t["id"])["rounds"][0]["outcome"] == "rejected"
    late = decide(mall, "engineer", t["id"], "approved")
    assert late.status_code == 409 and late.json()["code"] == "no_pending_approval"
    assert mall.api("key_user", "post", f"/tickets/{t['id']}/approvals/resubmit/", {}).json()["code"] == (
        "not_in_rework"
    )


def test_withdrawing_a_pending_request_cancels_its_round(mall):
    t = file(mall, "key_user", "goods_in", GOODS)
    assert (
        mall.api("key_user", "post", f"/tickets/{t['id']}/transition/", {"to": "withdrawn"}).status_code
        == 200
    )
    assert state(mall, "admin", t["id"])["rounds"][0]["outcome"] == "cancelled"
    assert mall.api("dispatcher", "get", "/approvals/").json()["results"] == []


def test_named_approvers_and_conditions_choose_the_policy(mall):
    with schema_context(mall.schema):
        marketing = ResponsibilityGroup.objects.get(code="marketing").pk
    types = {t["code"]: t["id"] for t in mall.api("admin", "get", "/ticket-types/").json()}
    created = mall.api(
        "admin",
        "post",
        "/approval-policies/",
        {
            "ticket_type": types["goods_in"],
            "name": "Urgent goods: the approver alone",
            "order": 0,
            "conditions": {"priorities": [4]},
            "approvers": [mall.people["approver"].pk],
            "pending_status": "pending_approval",
            "rework_status": "needs_rework",
            "approved_status": "approved",
            "rejected_status": "rejected",
            "approved_group": marketing,
        },
    )
    assert created.status_code == 201, created.content
    urgent = mall.api(
        "dispatcher",
        "post",
        "/tickets/",
        {"type": "goods_in", "title": "Now", "fields": GOODS, "priority": 4},
    ).json()
    steps = state(mall, "dispatcher", urgent["id"])["rounds"][0]["steps"]
    assert [(s["approver"] or {}).get("name") for s in steps] == ["Approver"]
    assert decide(mall, "dispatcher", urgent["id"], "approved").json()["code"] == "not_an_approver"
    assert decide(mall, "approver", urgent["id"], "approved").status_code == 200
    assert ticket(mall, "admin", urgent["id"])["group"]["id"] == marketing
    normal = file(mall, "key_user", "goods_in", GOODS)
    assert state(mall, "admin", normal["id"])["rounds"][0]["steps"][0]["group"]["name"] == "Operations"


def test_policy_configuration_is_validated(mall):
    types = {t["code"]: t["id"] for t in mall.api("admin", "get", "/ticket-types/").json()}
    bad = mall.api(
        "admin",
        "post",
        "/approval-policies/",
        {
            "ticket_type": types["leak"],
            "name": "Leaks",
            "pending_status": "pending_approval",
            "rework_status": "new",
            "approved_status": "in_progress",
            "rejected_status": "cancelled",
        },
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) >= {"pending_status", "approvers"}
    assert mall.api("dispatcher", "post", "/approval-policies/", {}).status_code == 403
    assert mall.api("dispatcher", "get", "/approval-policies/").status_code == 200


def test_overdue_approvers_are_reminded_once(mall):
    t = file(mall, "key_user", "goods_in", GOODS)
    with tenant_context(mall.made.account):
        ApprovalStep.objects.filter(round__ticket_id=t["id"]).update(
            due_at=timezone.now() - dt.timedelta(hours=1)
        )
        mail.outbox.clear()
        assert services.remind_overdue() == 1
        assert [m.to for m in mail.outbox] == [[mall.people["dispatcher"].email]]
        assert t["key"] in mail.outbox[0].subject
        assert services.remind_overdue() == 0
    connection.set_schema_to_public()


def test_the_list_filters_tickets_awaiting_approval(mall):
    pending = file(mall, "key_user", "goods_in", GOODS, title="Shelves")
    plain = mall.api(
        "key_user", "post", "/tickets/", {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}}
    )
    assert plain.status_code == 201, plain.content

    def ids(query):
        response = mall.api("dispatcher", "get", "/tickets/", query)
        assert response.status_code == 200, response.content
        return {t["id"] for t in response.json()["results"]}

    assert ids({"awaiting_approval": "true"}) == {pending["id"]}
    assert plain.json()["id"] in ids({"awaiting_approval": "false"})
    assert pending["id"] not in ids({"awaiting_approval": "false"})
    assert decide(mall, "dispatcher", pending["id"], "approved").status_code == 200
    assert ids({"awaiting_approval": "true"}) == set()
