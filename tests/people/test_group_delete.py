"""Deleting a responsibility group is refused while configuration still names it (routing rules,
approval policies, workflow transitions), with the users named in the one error shape; once those are
changed, the delete goes through."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.desk.models import Transition
from tenant_apps.people.models import ResponsibilityGroup

pytestmark = pytest.mark.django_db


def _refusal(mall, gid: int) -> str:
    response = mall.api("admin", "delete", f"/groups/{gid}/")
    assert response.status_code == 400, response.content
    (message,) = response.json()["fields"]["group"]
    with schema_context(mall.schema):
        assert ResponsibilityGroup.objects.filter(pk=gid).exists()
    return message


def test_a_group_named_by_configuration_is_not_deleted_until_that_changes(mall):
    group = mall.api("admin", "post", "/groups/", {"code": "glass", "name": "Glass"})
    assert group.status_code == 201, group.content
    gid = group.json()["id"]
    rule = mall.api(
        "admin", "post", "/routing-rules/", {"name": "Windows to glass", "actions": {"group": gid}}
    )
    assert rule.status_code == 201, rule.content
    assert "routing rules Windows to glass" in _refusal(mall, gid)

    assert mall.api("admin", "delete", f"/routing-rules/{rule.json()['id']}/").status_code == 204
    types = {t["code"]: t["id"] for t in mall.api("admin", "get", "/ticket-types/").json()}
    policy = mall.api(
        "admin",
        "post",
        "/approval-policies/",
        {
            "ticket_type": types["goods_in"],
            "name": "Glass deliveries",
            "approver_groups": [gid],
            "pending_status": "pending_approval",
            "rework_status": "needs_rework",
            "approved_status": "approved",
            "rejected_status": "rejected",
        },
    )
    assert policy.status_code == 201, policy.content
    message = _refusal(mall, gid)
    assert "approval policies Glass deliveries" in message
    assert "routing rules" not in message

    assert mall.api("admin", "delete", f"/approval-policies/{policy.json()['id']}/").status_code == 204
    with schema_context(mall.schema):
        transition = Transition.objects.select_related("workflow").order_by("id").first()
        transition.set_group_id = gid
        transition.save(update_fields=["set_group"])
        named = f"workflow transitions {transition.workflow.name}: {transition.name}"
    assert named in _refusal(mall, gid)

    with schema_context(mall.schema):
        Transition.objects.filter(pk=transition.pk).update(set_group=None)
    assert mall.api("admin", "delete", f"/groups/{gid}/").status_code == 204
    with schema_context(mall.schema):
        assert not ResponsibilityGroup.objects.filter(pk=gid).exists()
