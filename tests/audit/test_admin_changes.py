"""Administrative changes (people, configuration) are written by services that take the actor,
check the same rule as the view, and leave one row in the account's audit log (GET /api/v1/audit/)
in the change's own transaction: who did what to which object."""

from __future__ import annotations

import pytest

from tenant_apps.audit.errors import NotAllowed
from tenant_apps.audit.models import AuditEntry
from tenant_apps.desk import config
from tenant_apps.objects import services as objects
from tenant_apps.people import services as people
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def log(mall) -> list[tuple[str, str, str]]:
    """(action, actor, name of the object) of the account's audit log, oldest first."""
    response = mall.api("admin", "get", "/audit/?page_size=200")
    assert response.status_code == 200, response.content
    return [
        (e["action"], e["actor"], e["details"].get("name", "")) for e in reversed(response.json()["results"])
    ]


def test_the_admins_changes_to_people_are_each_one_row_naming_who_and_whom(mall):
    admin = mall.people["admin"].email
    invited = mall.api(
        "admin",
        "post",
        "/people/",
        {"email": "new.guard@mall.example", "full_name": "New Guard", "role": "guard"},
    )
    assert invited.status_code == 201, invited.content
    pk = invited.json()["id"]
    assert mall.api("admin", "patch", f"/people/{pk}/", {"role": "engineer"}).status_code == 200
    assert mall.api("admin", "patch", f"/people/{pk}/", {"role": "engineer"}).status_code == 200  # no change
    assert mall.api("admin", "post", f"/people/{pk}/resend-invitation/", {}).status_code == 200
    assert (
        mall.api(
            "admin", "post", f"/people/{pk}/access-expiry/", {"until": "2099-01-01T00:00:00Z"}
        ).status_code
        == 200
    )
    assert (
        mall.api("admin", "post", f"/people/{pk}/block/", {"reason": "left the company"}).status_code == 200
    )
    assert mall.api("admin", "post", f"/people/{pk}/unblock/", {}).status_code == 200
    person = "new.guard@mall.example"
    assert log(mall) == [
        ("person.invited", admin, person),
        ("person.changed", admin, person),
        ("person.invitation_resent", admin, person),
        ("person.access_expiry_set", admin, person),
        ("person.blocked", admin, person),
        ("person.unblocked", admin, person),
    ]
    with in_account(mall):
        changed = AuditEntry.objects.get(action="person.changed")
        assert changed.actor_kind == "person" and changed.details["id"] == pk
        assert changed.details["changes"]["role"] == {"from": "guard", "to": "engineer"}
        assert AuditEntry.objects.get(action="person.blocked").reason == "left the company"


def test_a_refused_or_invalid_change_leaves_no_row(mall):
    target = mall.people["engineer"].pk
    assert mall.api("dispatcher", "post", f"/people/{target}/block/", {"reason": "x"}).status_code == 403
    assert mall.api("admin", "post", f"/people/{target}/block/", {"reason": " "}).status_code == 400
    assert mall.api("admin", "post", "/groups/", {"code": "plumbing", "name": "Twice"}).status_code == 400
    with in_account(mall):
        assert not AuditEntry.objects.exists()


def test_services_check_the_rule_for_callers_that_are_not_views(mall):
    """A task, a script or another service calling a people or configuration write with someone who
    may not make it gets the view's answer (403 permission_denied), and nothing is written."""
    with in_account(mall):
        engineer, dispatcher = mall.people["engineer"], mall.people["dispatcher"]
        for call in (
            lambda: people.block_person(actor=dispatcher, person=engineer, reason="no"),
            lambda: people.update_person(actor=dispatcher, person=engineer, changes={"role": "guard"}),
            lambda: people.save_group(actor=dispatcher, group=None, code="x", name="X", members=None),
            lambda: people.save_company(actor=engineer, company=None, data={"name": "Shop"}),
            lambda: config.save_desk_settings(actor=dispatcher, auto_confirm_days=3),
            lambda: objects.save_location(actor=engineer, location=None, data={"kind": "site", "name": "X"}),
        ):
            with pytest.raises(NotAllowed) as refused:
                call()
            assert refused.value.status == 403 and refused.value.code == "permission_denied"
        engineer.refresh_from_db()
        assert engineer.blocked_at is None and engineer.role == "engineer"
        assert not ResponsibilityGroup.objects.filter(code="x").exists()
        assert not AuditEntry.objects.exists()


def test_configuration_changes_are_audited(mall):
    admin, dispatcher = mall.people["admin"].email, mall.people["dispatcher"].email
    group = mall.api("admin", "post", "/groups/", {"code": "glass", "name": "Glass"})
    assert group.status_code == 201, group.content
    assert (
        mall.api(
            "admin", "put", f"/groups/{group.json()['id']}/", {"code": "glass", "name": "Glazing"}
        ).status_code
        == 200
    )
    company = mall.api("dispatcher", "post", "/companies/", {"kind": "tenant", "name": "Tea House"})
    assert company.status_code == 201, company.content
    place = mall.api("dispatcher", "post", "/locations/", {"kind": "site", "name": "Parking"})
    assert place.status_code == 201, place.content
    rule = mall.api("admin", "post", "/routing-rules/", {"name": "Lifts", "actions": {"priority": 4}})
    assert rule.status_code == 201, rule.content
    assert mall.api("admin", "delete", f"/routing-rules/{rule.json()['id']}/").status_code == 204
    assert mall.api("admin", "patch", "/desk-settings/", {"auto_confirm_days": 5}).status_code == 200
    assert mall.api("admin", "patch", "/branding/", {"portal_name": "Tea Park"}).status_code == 200
    assert mall.api("admin", "delete", f"/groups/{group.json()['id']}/").status_code == 204
    entries = log(mall)
    assert [(action, actor) for action, actor, _name in entries] == [
        ("group.created", admin),
        ("group.changed", admin),
        ("company.created", dispatcher),
        ("location.created", dispatcher),
        ("routing_rule.created", admin),
        ("routing_rule.deleted", admin),
        ("desk_settings.changed", admin),
        ("branding.changed", admin),
        ("group.deleted", admin),
    ]
    assert entries[1][2] == "Glazing" and entries[2][2] == "Tea House" and entries[4][2] == "Lifts"


def test_a_key_users_changes_to_their_team_are_audited_as_theirs(mall):
    key_user = mall.people["key_user"].email
    invited = mall.api(
        "key_user", "post", "/team/", {"email": "barista@shop.example", "full_name": "Barista"}
    )
    assert invited.status_code == 201, invited.content
    assert mall.api("key_user", "delete", f"/team/{invited.json()['id']}/").status_code == 204
    assert [(a, actor) for a, actor, _name in log(mall)] == [
        ("person.invited", key_user),
        ("person.blocked", key_user),
    ]
