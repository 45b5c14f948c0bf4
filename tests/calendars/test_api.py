"""The business calendars API: CRUD, validation in the one error shape, who may write, the
default calendar, overrides and the days view."""

from __future__ import annotations

import pytest

from tenant_apps.audit.models import AuditEntry
from tenant_apps.calendars.models import BusinessCalendar
from tests.calendars.conftest import MALL_WEEK, mall_hours
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def default_id(mall) -> int:
    with in_account(mall):
        return BusinessCalendar.objects.get(is_default=True).pk


def test_every_account_has_a_default_24x7_calendar_in_its_zone(mall):
    listed = mall.api("admin", "get", "/calendars/")
    assert listed.status_code == 200, listed.content
    (default,) = listed.json()
    assert default["is_default"] and default["is_24x7"]
    assert default["time_zone"] == mall.made.account.time_zone and default["zone_from_account"]
    assert default["week"] == []
    days = mall.api(
        "engineer", "get", f"/calendars/{default['id']}/days/?from=2027-01-01&to=2027-01-02"
    ).json()
    assert days == [
        {
            "day": d,
            "working": True,
            "intervals": [{"start": "00:00", "end": "24:00"}],
            "source": "week",
            "note": "",
        }
        for d in ("2027-01-01", "2027-01-02")
    ]  # no holidays country: New Year's Day is worked around the clock


def test_admin_crud_round_trip(mall):
    created = mall.api("admin", "post", "/calendars/", mall_hours())
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["name"] == "Mall hours" and body["time_zone"] == "Europe/Moscow"
    assert body["is_default"] is False and body["is_24x7"] is False and body["holidays_country"] == "RU"
    assert body["week"] == MALL_WEEK
    pk = body["id"]
    assert mall.api("engineer", "get", f"/calendars/{pk}/").json()["week"] == MALL_WEEK  # agents read

    patched = mall.api("admin", "patch", f"/calendars/{pk}/", {"name": "Shop hours"})
    assert patched.status_code == 200 and patched.json()["name"] == "Shop hours"
    assert patched.json()["week"] == MALL_WEEK  # a PATCH without week keeps it

    night = [
        {"weekday": 5, "start": "22:00", "end": "24:00"},
        {"weekday": 6, "start": "00:00", "end": "06:00"},
    ]
    put = mall.api("admin", "put", f"/calendars/{pk}/", {"name": "Night", "week": night})
    assert put.status_code == 200, put.json()
    assert put.json()["week"] == night  # 24:00 stays 24:00

    assert mall.api("admin", "delete", f"/calendars/{pk}/").status_code == 204
    assert mall.api("admin", "get", f"/calendars/{pk}/").status_code == 404
    with in_account(mall):
        actions = list(
            AuditEntry.objects.filter(action__startswith="calendar.").values_list("action", flat=True)
        )
    assert sorted(actions) == ["calendar.changed", "calendar.changed", "calendar.created", "calendar.deleted"]


def test_agents_read_but_cannot_write_and_requesters_cannot_read(mall):
    pk = default_id(mall)
    assert mall.api("dispatcher", "get", "/calendars/").status_code == 200
    assert (
        mall.api("engineer", "get", f"/calendars/{pk}/days/?from=2027-01-01&to=2027-01-31").status_code == 200
    )
    for who in ("dispatcher", "engineer"):
        assert mall.api(who, "post", "/calendars/", mall_hours()).status_code == 403
        assert mall.api(who, "patch", f"/calendars/{pk}/", {"name": "x"}).status_code == 403
        assert (
            mall.api(
                who, "post", f"/calendars/{pk}/overrides/", {"day": "2027-01-11", "kind": "holiday"}
            ).status_code
            == 403
        )
    assert mall.api("key_user", "get", "/calendars/").status_code == 403
    with in_account(mall):
        assert BusinessCalendar.objects.count() == 1
        assert BusinessCalendar.objects.get().name == "24/7"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"week": [{"weekday": 0, "start": "9:00", "end": "13:00"}]}, "week.0.start"),
        ({"week": [{"weekday": 0, "start": "09:00", "end": "25:00"}]}, "week.0.end"),
        ({"week": [{"weekday": 0, "start": "13:00", "end": "09:00"}]}, "week.0.end"),
        ({"week": [{"weekday": 0, "start": "24:00", "end": "24:00"}]}, "week.0.start"),
        ({"week": [{"weekday": 7, "start": "09:00", "end": "13:00"}]}, "week.0.weekday"),
        (
            {
                "week": [
                    {"weekday": 1, "start": "09:00", "end": "13:00"},
                    {"weekday": 1, "start": "12:00", "end": "18:00"},
                ]
            },
            "week.1.start",
        ),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"holidays_country": "XX"}, "holidays_country"),
        ({"name": ""}, "name"),
        ({"week": []}, "week"),  # neither 24x7 nor any working time
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(mall, change, field):
    answer = mall.api("admin", "post", "/calendars/", mall_hours(**change))
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == "invalid"
    assert field in answer.json()["fields"], answer.json()
    with in_account(mall):
        assert BusinessCalendar.objects.count() == 1


def test_the_default_cannot_be_deleted_and_there_is_always_exactly_one(mall):
    first = default_id(mall)
    refused = mall.api("admin", "delete", f"/calendars/{first}/")
    assert refused.status_code == 400 and "is_default" in refused.json()["fields"]
    unset = mall.api("admin", "patch", f"/calendars/{first}/", {"is_default": False})
    assert unset.status_code == 400 and "is_default" in unset.json()["fields"]

    second = mall.api("admin", "post", "/calendars/", mall_hours(is_default=True)).json()["id"]
    with in_account(mall):
        assert list(BusinessCalendar.objects.filter(is_default=True).values_list("pk", flat=True)) == [second]
    assert mall.api("admin", "delete", f"/calendars/{first}/").status_code == 204  # no longer the default
    assert mall.api("admin", "delete", f"/calendars/{second}/").status_code == 400


def test_the_default_follows_the_account_zone_until_given_another(mall):
    pk = default_id(mall)
    zone = mall.made.account.time_zone
    same = mall.api("admin", "patch", f"/calendars/{pk}/", {"time_zone": zone})
    assert same.json()["zone_from_account"] is True  # the account's own zone sent back: still following
    other = "Asia/Yekaterinburg" if zone != "Asia/Yekaterinburg" else "Europe/Berlin"
    moved = mall.api("admin", "patch", f"/calendars/{pk}/", {"time_zone": other})
    assert moved.json()["time_zone"] == other and moved.json()["zone_from_account"] is False
    back = mall.api("admin", "patch", f"/calendars/{pk}/", {"time_zone": ""})
    assert back.json()["time_zone"] == zone and back.json()["zone_from_account"] is True


def test_overrides_crud_and_validation(mall):
    pk = mall.api("admin", "post", "/calendars/", mall_hours()).json()["id"]
    url = f"/calendars/{pk}/overrides/"
    short = mall.api(
        "admin",
        "post",
        url,
        {
            "day": "2027-02-19",
            "kind": "shortened",
            "intervals": [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "17:00"}],
            "note": "Before the holiday",
        },
    )
    assert short.status_code == 201, short.json()
    assert short.json()["intervals"] == [
        {"start": "09:00", "end": "13:00"},
        {"start": "14:00", "end": "17:00"},
    ]
    oid = short.json()["id"]
    twice = mall.api("admin", "post", url, {"day": "2027-02-19", "kind": "holiday"})
    assert twice.status_code == 400 and "day" in twice.json()["fields"]
    for bad, field in [
        ({"day": "2027-02-30", "kind": "holiday"}, "day"),
        ({"day": "2027-03-01", "kind": "sometimes"}, "kind"),
        ({"day": "2027-03-01", "kind": "shortened"}, "intervals"),
        (
            {"day": "2027-03-01", "kind": "holiday", "intervals": [{"start": "09:00", "end": "10:00"}]},
            "intervals",
        ),
        (
            {"day": "2027-03-01", "kind": "working", "intervals": [{"start": "10:00", "end": "09:00"}]},
            "intervals.0.end",
        ),
    ]:
        answer = mall.api("admin", "post", url, bad)
        assert answer.status_code == 400 and field in answer.json()["fields"], (bad, answer.json())
    changed = mall.api("admin", "patch", f"{url}{oid}/", {"note": "Shortened"})
    assert changed.status_code == 200 and changed.json()["note"] == "Shortened"
    assert changed.json()["kind"] == "shortened" and len(changed.json()["intervals"]) == 2
    made_off = mall.api("admin", "patch", f"{url}{oid}/", {"kind": "holiday"})
    assert made_off.status_code == 200 and made_off.json()["intervals"] == []
    assert [o["id"] for o in mall.api("engineer", "get", url).json()] == [oid]
    assert mall.api("engineer", "delete", f"{url}{oid}/").status_code == 403
    assert mall.api("admin", "delete", f"{url}{oid}/").status_code == 204
    assert mall.api("admin", "get", url).json() == []
    assert mall.api("admin", "delete", f"{url}{oid}/").status_code == 404


def test_days_show_the_week_the_holidays_and_the_overrides(mall):
    pk = mall.api("admin", "post", "/calendars/", mall_hours()).json()["id"]
    url = f"/calendars/{pk}/overrides/"
    short = [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "17:00"}]
    made = mall.api(
        "admin",
        "post",
        url,
        {"day": "2027-02-19", "kind": "shortened", "intervals": short, "note": "Pre-holiday"},
    )
    assert made.status_code == 201, made.json()
    # the admin's override wins over an imported holiday: 8 January worked
    made = mall.api("admin", "post", url, {"day": "2027-01-08", "kind": "working", "note": "Stocktaking"})
    assert made.status_code == 201, made.json()
    answer = mall.api(
        "admin", "get", f"/calendars/{pk}/days/?from=2027-01-01&to=2027-02-23", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert answer.status_code == 200, answer.content
    days = {d["day"]: d for d in answer.json()}
    assert len(days) == 54
    day = [{"start": "09:00", "end": "13:00"}, {"start": "14:00", "end": "18:00"}]
    for n in range(1, 8):  # RU New Year holidays 1-7 January 2027 (Fri .. Thu)
        d = days[f"2027-01-0{n}"]
        assert (d["working"], d["source"], d["intervals"]) == (False, "holidays", []), d
    assert days["2027-01-07"]["note"] in ("Christmas Day", "Рождество Христово")  # the package's name
    assert days["2027-01-08"] == {
        "day": "2027-01-08",
        "working": True,
        "intervals": day,
        "source": "override",
        "note": "Stocktaking",
    }
    assert days["2027-01-09"] == {
        "day": "2027-01-09",
        "working": False,
        "intervals": [],
        "source": "week",
        "note": "",
    }
    assert days["2027-01-11"] == {
        "day": "2027-01-11",
        "working": True,
        "intervals": day,
        "source": "week",
        "note": "",
    }
    # Saturday 20 February 2027 is worked for Monday the 22nd (the package's weekend workdays)
    assert (days["2027-02-20"]["working"], days["2027-02-20"]["source"], days["2027-02-20"]["intervals"]) == (
        True,
        "holidays",
        day,
    )
    assert (days["2027-02-22"]["working"], days["2027-02-22"]["source"]) == (False, "holidays")
    assert (days["2027-02-23"]["working"], days["2027-02-23"]["source"]) == (False, "holidays")
    assert days["2027-02-19"]["intervals"] == [
        {"start": "09:00", "end": "13:00"},
        {"start": "14:00", "end": "17:00"},
    ]
    assert days["2027-02-19"]["source"] == "override"
    for query, field in [
        ("from=2027-01-01", "to"),
        ("from=2027-13-01&to=2027-12-01", "from"),
        ("from=2027-02-01&to=2027-01-01", "to"),
        ("from=2027-01-01&to=2028-02-05", "to"),  # 401 days
    ]:
        bad = mall.api("admin", "get", f"/calendars/{pk}/days/?{query}")
        assert bad.status_code == 400 and field in bad.json()["fields"], (query, bad.json())
    assert mall.api("admin", "get", f"/calendars/{pk}/days/?from=2027-01-01&to=2028-02-04").status_code == 200
