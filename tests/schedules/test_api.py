"""The planned-maintenance API: who may use it, refusals in the one error shape, the plan, the
completion record, and one account never seeing another's schedules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenant_apps.desk.models import TicketType
from tenant_apps.schedules import services
from tenant_apps.schedules.models import Occurrence
from tests.schedules.conftest import make_schedule
from tests.support.context import in_account
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


def body(mall, **extra) -> dict:
    with in_account(mall):
        leak = TicketType.objects.get(code="leak").pk
    return {
        "name": "Fire doors",
        "ticket_type": leak,
        "title": "Check the fire doors",
        "fields": {"severity": "drip"},
        "location": mall.unit.pk,
        "first_at": "2026-01-05T09:00:00Z",
        "period_unit": "rrule",
        "rrule": "FREQ=MONTHLY;BYDAY=1MO",
        "holidays": "next",
        "lead_days": 3,
        **extra,
    }


def test_managers_create_and_plan_others_may_not(mall):
    created = mall.api("dispatcher", "post", "/schedules/", body(mall))
    assert created.status_code == 201, created.json()
    schedule = created.json()
    assert schedule["requester"] == mall.people["dispatcher"].pk
    for who in ("engineer", "key_user"):
        assert mall.api(who, "get", "/schedules/").status_code == 403
        assert mall.api(who, "post", "/schedules/", body(mall)).status_code == 403
    plan = mall.api("admin", "get", "/schedules/plan/?from=2026-01-01&to=2026-04-01")
    assert plan.status_code == 200
    assert [(i["planned_at"][:10], i["state"]) for i in plan.json()] == [
        ("2026-01-05", "planned"),
        ("2026-02-02", "planned"),
        ("2026-03-02", "planned"),
    ]
    assert plan.json()[0]["location"] == {"id": mall.unit.pk, "name": "2-14"}
    elsewhere = mall.api(
        "admin", "get", f"/schedules/plan/?from=2026-01-01&to=2026-04-01&location={mall.building_b.pk}"
    )
    assert elsewhere.json() == []
    changed = mall.api(
        "admin", "patch", f"/schedules/{schedule['id']}/", {"interval": 2, "period_unit": "weeks"}
    )
    assert changed.status_code == 200, changed.json()
    assert mall.api("admin", "delete", f"/schedules/{schedule['id']}/").status_code == 204


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"rrule": "every monday"}, "rrule"),
        ({"period_unit": "days", "interval": 0}, "interval"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"ticket_type": 999999}, "ticket_type"),
        ({"first_at": "soon"}, "first_at"),
    ],
)
def test_bad_input_is_a_400_with_the_field(mall, change, field):
    answer = mall.api("admin", "post", "/schedules/", body(mall, **change))
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["fields"], answer.json()
    with in_account(mall):
        from tenant_apps.schedules.models import Schedule

        assert not Schedule.objects.exists()


def test_bad_plan_range_is_a_400(mall):
    assert mall.api("admin", "get", "/schedules/plan/?from=tomorrow").json()["fields"].keys() == {"from"}
    assert mall.api("admin", "get", "/schedules/plan/?from=2026-02-01&to=2026-01-01").status_code == 400
    assert mall.api("admin", "get", "/schedules/plan/?from=2026-01-01&to=2028-01-01").status_code == 400
    assert mall.api("admin", "get", "/schedules/plan/?location=x").status_code == 400


def test_the_plan_shows_filed_occurrences_and_the_completion_record(mall):
    with in_account(mall):
        schedule = make_schedule(mall)
        services.materialize_due_occurrences(now=datetime(2026, 1, 5, 9, tzinfo=UTC))
        occurrence = Occurrence.objects.get()
    plan = mall.api("admin", "get", "/schedules/plan/?from=2026-01-05&to=2026-01-20").json()
    assert [(i["planned_at"][:10], i["state"]) for i in plan] == [
        ("2026-01-05", "created"),
        ("2026-01-12", "planned"),
        ("2026-01-19", "planned"),
    ]
    assert plan[0]["ticket"]["id"] == occurrence.ticket_id
    done = mall.api(
        "engineer", "post", f"/schedule-occurrences/{occurrence.pk}/complete/", {"note": "All fine"}
    )
    assert done.status_code == 200, done.json()
    assert done.json()["completed_by"] == mall.people["engineer"].pk
    assert (
        mall.api("key_user", "post", f"/schedule-occurrences/{occurrence.pk}/complete/", {}).status_code
        == 403
    )
    future = mall.api(
        "engineer",
        "post",
        f"/schedule-occurrences/{occurrence.pk}/complete/",
        {"completed_at": "2099-01-01T00:00:00Z"},
    )
    assert future.status_code == 400 and "completed_at" in future.json()["fields"]
    listed = mall.api("admin", "get", f"/schedule-occurrences/?schedule={schedule.pk}").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert rows[0]["completion_note"] == "All fine"


def test_one_account_never_sees_anothers_schedules(mall):
    with in_account(mall):
        schedule = make_schedule(mall)
    other = make_mall()
    assert other.api("admin", "get", f"/schedules/{schedule.pk}/").status_code == 404
    listed = other.api("admin", "get", "/schedules/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
