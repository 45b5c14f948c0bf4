"""The SLA API: policies (admins write, agents read, audit rows), the ticket payload's `sla`, and
the ticket list's `sla_state` / `sla_breaching_within` filters and `sla_due` ordering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tenant_apps.audit.models import AuditEntry
from tenant_apps.desk.models import TicketType
from tenant_apps.sla.models import TicketSla
from tests.sla.conftest import DEMO_TARGETS, file_leak, make_policy, sla_of
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def policy_body(mall, **extra):
    with in_account(mall):
        leak = TicketType.objects.get(code="leak").pk
    return {
        "name": "Leaks",
        "order": 5,
        "ticket_types": [leak],
        "companies": [mall.company.pk],
        "locations": [mall.building_b.pk],
        "targets": DEMO_TARGETS[:2],
        "escalations": [{"threshold": "breach", "target": "resolution", "action": "notify"}],
        **extra,
    }


def test_admins_write_policies_agents_read_them(mall, calendars):
    created = mall.api("admin", "post", "/sla/policies/", policy_body(mall))
    assert created.status_code == 201, created.json()
    policy = created.json()
    assert policy["targets"] == [
        {"priority": 4, "response_minutes": 30, "resolution_minutes": 240},
        {"priority": 3, "response_minutes": 60, "resolution_minutes": 480},
    ]
    assert policy["calendar"] is None and policy["warning_percent"] == 80 and policy["is_active"] is True
    assert policy["locations"] == [mall.building_b.pk]
    [escalation] = policy["escalations"]
    assert escalation["action"] == "notify" and escalation["group"] is None
    assert mall.api("engineer", "get", "/sla/policies/").json()[0]["id"] == policy["id"]
    assert mall.api("engineer", "post", "/sla/policies/", policy_body(mall)).status_code == 403
    assert mall.api("dispatcher", "patch", f"/sla/policies/{policy['id']}/", {"name": "x"}).status_code == 403
    assert mall.api("key_user", "get", "/sla/policies/").status_code == 403

    changed = mall.api(
        "admin",
        "patch",
        f"/sla/policies/{policy['id']}/",
        {"name": "Leaks (VIP)", "escalations": [{**escalation, "action": "raise_priority"}]},
    ).json()
    assert changed["name"] == "Leaks (VIP)"
    assert changed["escalations"] == [{**escalation, "action": "raise_priority"}]  # the same row, changed
    assert changed["targets"] == policy["targets"]  # not given: kept
    assert mall.api("admin", "delete", f"/sla/policies/{policy['id']}/").status_code == 204
    with in_account(mall):
        actions = list(
            AuditEntry.objects.filter(action__startswith="sla_policy.")
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == ["sla_policy.created", "sla_policy.changed", "sla_policy.deleted"]


def test_policy_refusals_name_their_fields(mall, calendars):
    bad = mall.api(
        "admin",
        "post",
        "/sla/policies/",
        policy_body(
            mall,
            warning_percent=100,
            targets=[{"priority": 5, "response_minutes": 10}],
            escalations=[{"threshold": "breach", "target": "response", "action": "reassign"}],
        ),
    )
    assert bad.status_code == 400
    assert set(bad.json()["fields"]) == {"warning_percent", "targets", "escalations"}


def test_a_location_condition_matches_places_under_it(mall, calendars):
    mall.api("admin", "post", "/sla/policies/", policy_body(mall))  # Building B; the unit is under it
    ticket = file_leak(mall)
    assert sla_of(mall, ticket) is not None


def test_ticket_payload_carries_the_sla(mall, calendars):
    policy = make_policy(mall)
    ticket = file_leak(mall)
    assert mall.api("key_user", "get", f"/tickets/{ticket.pk}/").json()["sla"] is None  # agents only
    sla = mall.api("engineer", "get", f"/tickets/{ticket.pk}/").json()["sla"]
    row = sla_of(mall, ticket)
    assert sla["policy"] == {"id": policy.pk, "name": "Standard"}
    assert sla["paused"] is False
    assert sla["response"]["state"] == "running" and sla["response"]["met_at"] is None
    assert sla["response"]["due_at"] == row.response_due_at.isoformat().replace("+00:00", "Z")
    assert 0 < sla["response"]["remaining_seconds"] <= 3600
    assert sla["resolution"]["state"] == "running"
    assert set(sla) == {"policy", "paused", "next_due_at", "response", "resolution"}
    listed = mall.api("dispatcher", "get", "/tickets/").json()["results"]
    row_sla = next(t for t in listed if t["id"] == ticket.pk)["sla"]
    for which in ("response", "resolution"):  # the same, but for the seconds gone by in between
        assert row_sla[which].pop("remaining_seconds") <= sla[which].pop("remaining_seconds")
    assert row_sla == sla
    # the answer to filing carries it too, without reading it back
    created = mall.api(
        "dispatcher",
        "post",
        "/tickets/",
        {"type": "leak", "title": "Another drip", "fields": {"severity": "drip"}, "location": mall.unit.pk},
    ).json()
    assert created["sla"]["policy"]["id"] == policy.pk


def test_no_policy_no_sla_in_the_payload(mall, calendars):
    ticket = file_leak(mall)
    assert mall.api("dispatcher", "get", f"/tickets/{ticket.pk}/").json()["sla"] is None


def _ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.json()
    return [t["id"] for t in answer.json()["results"]]


def test_filters_and_ordering(mall, calendars):
    make_policy(mall)
    soon, later, late, waiting, met = (file_leak(mall, title=f"t{i}") for i in range(5))
    now = timezone.now()
    with in_account(mall):
        # hand-set timers (what the history would give): due in 30 min, in 5 h, 10 min late, paused,
        # answered and resolved in time
        TicketSla.objects.filter(ticket_id=soon.pk).update(
            response_due_at=now + timedelta(minutes=30),
            response_warning_at=now + timedelta(minutes=20),
            resolution_due_at=now + timedelta(hours=6),
            resolution_warning_at=now + timedelta(hours=5),
        )
        TicketSla.objects.filter(ticket_id=later.pk).update(
            response_due_at=now + timedelta(hours=5),
            response_warning_at=now - timedelta(minutes=1),
            resolution_due_at=now + timedelta(hours=7),
            resolution_warning_at=now + timedelta(hours=6),
        )
        TicketSla.objects.filter(ticket_id=late.pk).update(response_due_at=now - timedelta(minutes=10))
        TicketSla.objects.filter(ticket_id=waiting.pk).update(
            paused=True,
            response_due_at=None,
            response_warning_at=None,
            resolution_due_at=None,
            resolution_warning_at=None,
        )
        TicketSla.objects.filter(ticket_id=met.pk).update(
            response_met_at=now - timedelta(minutes=5),
            response_due_at=now + timedelta(minutes=50),
            resolved_at=now - timedelta(minutes=1),
            resolution_due_at=now + timedelta(hours=2),
        )
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_breaching_within=60")) == [soon.pk]
    assert set(_ids(mall.api("dispatcher", "get", "/tickets/?sla_breaching_within=360"))) == {
        soon.pk,
        later.pk,
    }
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_state=breached")) == [late.pk]
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_state=warning")) == [later.pk]
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_state=paused")) == [waiting.pk]
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_state=running")) == [soon.pk]
    assert _ids(mall.api("dispatcher", "get", "/tickets/?sla_state=met")) == [met.pk]
    assert mall.api("dispatcher", "get", "/tickets/?sla_state=late").status_code == 400
    # beyond a year (schemathesis sent 4.89e16: a moment past the calendar's end, once a 500)
    for bad in ("4.89e16", "-5", "soon"):
        refused = mall.api("dispatcher", "get", f"/tickets/?sla_breaching_within={bad}")
        assert refused.status_code == 400 and "sla_breaching_within" in refused.json()["fields"], (
            refused.content
        )
    ordered = _ids(mall.api("dispatcher", "get", "/tickets/?ordering=sla_due"))
    # late (10 min ago), soon (30 min), later (5 h); then the paused and the stopped (no due time)
    assert ordered[:3] == [late.pk, soon.pk, later.pk]
    assert set(ordered[3:5]) == {waiting.pk, met.pk}
    reverse = _ids(mall.api("dispatcher", "get", "/tickets/?ordering=-sla_due"))
    assert reverse[-3:] == [later.pk, soon.pk, late.pk]
    page = mall.api("dispatcher", "get", "/tickets/?ordering=sla_due&page_size=2").json()
    assert [t["id"] for t in page["results"]] == [late.pk, soon.pk]
    following = mall.api("dispatcher", "get", page["next"].split("/api/v1")[1]).json()
    assert following["results"][0]["id"] == later.pk
    # a saved view keeps them, like any other filter
    saved = mall.api(
        "dispatcher", "post", "/saved-views/", {"name": "Breaching", "filters": {"sla_breaching_within": 60}}
    ).json()
    assert _ids(mall.api("dispatcher", "get", f"/tickets/?view={saved['id']}")) == [soon.pk]
