"""What the approvals screen and the gate screen read: /me/ capabilities and the queue's decisions."""

from __future__ import annotations

import pytest

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


WORKS = {
    "works_kind": "electrical",
    "start": "2030-05-02T22:00:00Z",
    "finish": "2030-05-03T05:00:00Z",
    "contractor": "Volt LLC",
}


def capabilities(mall, who) -> dict:
    response = mall.api(who, "get", "/me/")
    assert response.status_code == 200, response.content
    return response.json()["capabilities"]


def test_me_says_who_may_use_the_gate_and_the_approval_queue(mall):
    assert capabilities(mall, "guard") == {
        "check_at_gate": True,
        "decide_approvals": True,
        "plan_maintenance": False,
    }  # Security
    assert capabilities(mall, "approver") == {
        "check_at_gate": False,
        "decide_approvals": True,
        "plan_maintenance": False,
    }
    assert capabilities(mall, "engineer") == {
        "check_at_gate": False,
        "decide_approvals": True,
        "plan_maintenance": False,
    }
    assert capabilities(mall, "dispatcher") == {
        "check_at_gate": True,
        "decide_approvals": True,
        "plan_maintenance": True,
    }
    # an engineer in Plumbing only: no policy names them, nothing waits for them
    assert capabilities(mall, "plumber") == {
        "check_at_gate": False,
        "decide_approvals": False,
        "plan_maintenance": False,
    }
    assert capabilities(mall, "key_user") == {
        "check_at_gate": False,
        "decide_approvals": False,
        "plan_maintenance": False,
    }
    # and the API behind the screens agrees with the flags
    assert mall.api("plumber", "get", "/approvals/").status_code == 403
    assert mall.api("plumber", "get", "/gate/checks/").status_code == 403
    assert mall.api("plumber", "post", "/gate/check/", {"code": "ABCD-EFGH"}).status_code == 403
    assert mall.api("approver", "get", "/approvals/").status_code == 200
    assert mall.api("guard", "get", "/gate/checks/").status_code == 200


def test_a_waiting_step_makes_its_person_an_approver_even_without_a_policy(mall):
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenant_apps.approvals.models import ApprovalPolicy

    response = mall.api(
        "key_user", "post", "/tickets/", {"type": "works_permit", "title": "Wiring", "fields": WORKS}
    )
    assert response.status_code == 201, response.content
    with tenant_context(mall.made.account):
        ApprovalPolicy.objects.update(is_active=False)  # the step of Engineering still waits
    connection.set_schema_to_public()
    assert capabilities(mall, "engineer")["decide_approvals"] is True
    assert capabilities(mall, "plumber")["decide_approvals"] is False


def test_the_queue_says_which_decisions_need_a_comment(mall):
    response = mall.api(
        "key_user", "post", "/tickets/", {"type": "works_permit", "title": "Wiring", "fields": WORKS}
    )
    ticket = response.json()
    queue = mall.api("engineer", "get", "/approvals/").json()["results"]
    assert [item["ticket"]["id"] for item in queue] == [ticket["id"]]
    options = {o["decision"]: o["comment_required"] for o in queue[0]["decisions"]}
    assert options == {
        "approved": False,
        "approved_with_remarks": True,
        "needs_rework": True,
        "rejected": True,
    }
    # the flags say what decide does: refused without a comment, taken with one
    for option in queue[0]["decisions"]:
        if option["comment_required"]:
            refused = mall.api(
                "engineer",
                "post",
                f"/tickets/{ticket['id']}/approvals/decide/",
                {"decision": option["decision"], "comment": ""},
            )
            assert refused.status_code == 400 and "comment" in refused.json()["fields"], refused.content
    done = mall.api(
        "engineer",
        "post",
        f"/tickets/{ticket['id']}/approvals/decide/",
        {"decision": "approved_with_remarks", "comment": "Keep the corridor free"},
    )
    assert done.status_code == 200, done.content
    # labels follow the asking person's language
    ru = mall.api("guard", "get", "/approvals/", HTTP_ACCEPT_LANGUAGE="ru").json()["results"]
    assert ru[0]["decisions"][0]["label"] == "Согласован"
