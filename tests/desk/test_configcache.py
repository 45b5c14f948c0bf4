"""The configuration cache (tenant_apps.desk.configcache) never serves configuration that is not the
database's: every kind of configuration change moves the version, a rolled-back change leaves
nothing behind, and another process (daphne) follows a change at its next request."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.approvals.models import ApprovalPolicy
from tenant_apps.desk import configcache
from tenant_apps.desk.models import (
    ChecklistTemplate,
    FormField,
    RoutingRule,
    Status,
    TicketType,
    Transition,
    Workflow,
)
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.worlds import PASSWORD, make_mall


def _token() -> str:
    return configcache.current().token


def _leak(mall, who="key_user", **fields):
    return mall.api(
        who,
        "post",
        "/tickets/",
        {"type": "leak", "title": "Tap", "fields": {"severity": "drip", **fields}, "location": mall.unit.pk},
    )


CHANGES = {
    "workflow": lambda: Workflow.objects.update(name="Renamed"),
    "status": lambda: Status.objects.filter(key="new").update(name="Fresh"),
    "transition": lambda: Transition.objects.update(comment_required=True),
    "transition groups": lambda: Transition.objects.first().allowed_groups.add(
        ResponsibilityGroup.objects.first()
    ),
    "ticket type": lambda: TicketType.objects.filter(code="leak").update(default_priority=1),
    "form field": lambda: FormField.objects.filter(ticket_type__code="leak").update(required=True),
    "checklist template": lambda: ChecklistTemplate.objects.update(name="Other"),
    "routing rule": lambda: RoutingRule.objects.update(is_active=False),
    "group": lambda: ResponsibilityGroup.objects.filter(code="plumbing").update(is_active=False),
    "approval policy": lambda: ApprovalPolicy.objects.update(deadline_hours=1),
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_every_kind_of_configuration_change_moves_the_version(change):
    mall = make_mall()
    with schema_context(mall.schema):
        before = _token()
        CHANGES[change]()
        assert _token() != before
        # the round-robin cursor is not configuration: it changes per ticket
        again = _token()
        RoutingRule.objects.update(last_assignee_id=1)
        assert _token() == again


@pytest.mark.django_db
def test_a_change_is_served_at_once_and_a_rolled_back_change_never(settings):
    mall = make_mall()
    assert _leak(mall).status_code == 201  # warms the cache with the form as it is
    with schema_context(mall.schema):
        field = FormField.objects.get(ticket_type__code="leak", key="severity")
        form_before = configcache.current().form(field.ticket_type_id)
        assert [f.required for f in form_before if f.key == "severity"] == [field.required]
        # a change inside a transaction that is rolled back: seen inside, gone afterwards
        with transaction.atomic():
            sid = transaction.savepoint()
            FormField.objects.filter(pk=field.pk).update(required=True, choices=["drip", "flood"])
            inside = configcache.current().form(field.ticket_type_id)
            assert [f.choices for f in inside if f.key == "severity"] == [["drip", "flood"]]
            transaction.savepoint_rollback(sid)
        after = configcache.current().form(field.ticket_type_id)
        assert [f.choices for f in after if f.key == "severity"] == [field.choices]
    # through the API: a value the old choices allowed is refused once the choices change
    assert _leak(mall, severity="drip").status_code == 201
    with schema_context(mall.schema):
        FormField.objects.filter(pk=field.pk).update(choices=["flood"])
    refused = _leak(mall, severity="drip")
    assert refused.status_code == 400 and "fields.severity" in refused.json()["fields"], refused.content


@pytest.mark.django_db
def test_the_version_is_read_once_per_scope_and_each_schema_has_its_own():
    a, b = make_mall(), make_mall()
    with schema_context(a.schema):
        a_type = TicketType.objects.get(code="leak")
    with schema_context(b.schema):
        TicketType.objects.filter(code="leak").update(name="B's leak")
    with configcache.scope():
        with schema_context(a.schema), CaptureQueriesContext(connection) as ctx:
            first = configcache.current()
            assert configcache.current() is first
            assert first.type_by_ref("leak").name == a_type.name
        assert sum("desk_configversion" in q["sql"] for q in ctx.captured_queries) == 1
        with schema_context(b.schema):
            assert configcache.current().type_by_ref("leak").name == "B's leak"
            assert configcache.current() is not first and configcache.current().schema == b.schema


@pytest.mark.live
def test_another_process_follows_a_change_at_its_next_request(live_db, atrium_server):
    mall = make_mall()
    token = atrium_server.request(
        "POST",
        mall.host,
        "/api/v1/auth/tokens/",
        json={"email": mall.people["key_user"].email, "password": PASSWORD},
    ).json()["token"]

    def leak(severity):
        return atrium_server.request(
            "POST",
            mall.host,
            "/api/v1/tickets/",
            headers={"Authorization": f"Token {token}"},
            json={"type": "leak", "title": "Tap", "fields": {"severity": severity}, "location": mall.unit.pk},
        )

    assert leak("drip").status_code == 201  # daphne has the form cached now
    with schema_context(mall.schema):
        field = FormField.objects.get(ticket_type__code="leak", key="severity")
        FormField.objects.filter(pk=field.pk).update(choices=["flood"])  # committed (live_db)
    refused = leak("drip")
    assert refused.status_code == 400 and "fields.severity" in refused.json()["fields"], refused.text
    assert leak("flood").status_code == 201
