"""The gate: verdicts at the edges of a pass's validity (the account's time zone, daily hours,
midnight), what a guard gets back for a QR code, a short code or a ticket number, and the log."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.desk.models import Status, Ticket, TicketEvent
from tenant_apps.passes.gate import check_code
from tenant_apps.passes.models import GateCheck, Pass
from tests.passes.conftest import complete_approval, day, file_request, set_time_zone
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")  # UTC+10 all year: local dates differ from UTC ones


def _issued(mall, **body) -> int:
    made = file_request(mall, **body)
    complete_approval(mall, made["ticket"]["id"])
    return made["passes"][0]["id"]


def _verdicts(mall, pass_id: int, moments: list[datetime], who: str = "guard") -> list[str]:
    """The gate's reason code for the pass at each local moment (check_code judged at that instant)."""
    out = []
    with schema_context(mall.schema):
        token = Pass.objects.get(pk=pass_id).qr_token
        for moment in moments:
            out.append(check_code(actor=mall.people[who], code=token, at=moment)["reason"]["code"])
    connection.set_schema_to_public()
    return out


def _at(date_iso: str, hh_mm: str, offset_days: int = 0) -> datetime:
    """A wall-clock moment in Vladivostok."""
    d = datetime.fromisoformat(date_iso) + timedelta(days=offset_days)
    h, m = map(int, hh_mm.split(":"))
    return d.replace(hour=h, minute=m, tzinfo=VLADIVOSTOK)


def test_dates_are_the_accounts_dates_not_utc(mall):
    set_time_zone(mall, "Asia/Vladivostok")
    d = day(10)
    pid = _issued(mall, valid_from=d, valid_until=day(12))
    moments = [
        _at(d, "23:59", -1),  # = 13:59 UTC on the day before: not yet
        _at(d, "00:00"),  # local midnight: 14:00 UTC of the previous UTC day
        _at(d, "23:59", 2),  # last minute of the last date
        _at(d, "00:00", 3),  # the next local day: expired, though still the same UTC date
    ]
    assert moments[1].astimezone(UTC).date().isoformat() != d  # the edge really is off the UTC date
    assert moments[3].astimezone(UTC).date().isoformat() == day(12)
    assert _verdicts(mall, pid, moments) == ["not_yet_valid", "valid", "valid", "expired"]


def test_daily_hours_within_a_day(mall):
    set_time_zone(mall, "Asia/Vladivostok")
    d = day(10)
    pid = _issued(mall, valid_from=d, valid_until=day(12), daily_from="09:00", daily_until="18:00")
    moments = [
        _at(d, "08:00"),  # first date, before its first opening
        _at(d, "08:59", 1),
        _at(d, "09:00", 1),  # opening is inclusive
        _at(d, "17:59", 1),
        _at(d, "18:00", 1),  # closing is exclusive
        _at(d, "07:00", 2),  # last date, before opening
        _at(d, "18:00", 2),  # last closing: never again
    ]
    assert _verdicts(mall, pid, moments) == [
        "not_yet_valid",
        "outside_hours",
        "valid",
        "valid",
        "outside_hours",
        "outside_hours",
        "expired",
    ]


def test_a_night_window_crosses_midnight(mall):
    set_time_zone(mall, "Asia/Vladivostok")
    d = day(10)
    pid = _issued(mall, valid_from=d, valid_until=day(11), daily_from="22:00", daily_until="06:00")
    moments = [
        _at(d, "03:00"),  # early on the first date: that night's window opened the day before the range
        _at(d, "21:59"),
        _at(d, "22:00"),  # first night opens
        _at(d, "03:00", 1),  # after midnight: still the first night
        _at(d, "06:00", 1),  # the first night closed
        _at(d, "12:00", 1),
        _at(d, "23:30", 1),  # the last date's night
        _at(d, "05:59", 2),  # ... runs into the next morning, past the last date
        _at(d, "06:00", 2),  # and then it is over
        _at(d, "22:30", 2),  # no night after the last date
    ]
    assert _verdicts(mall, pid, moments) == [
        "not_yet_valid",
        "not_yet_valid",
        "valid",
        "valid",
        "outside_hours",
        "outside_hours",
        "valid",
        "valid",
        "expired",
        "expired",
    ]


def test_an_evening_window_ending_at_midnight(mall):
    d = day(10)  # UTC account
    pid = _issued(mall, valid_from=d, valid_until=day(11), daily_from="18:00", daily_until="00:00")
    utc = ZoneInfo("UTC")

    def at(offset, hh_mm):
        h, m = map(int, hh_mm.split(":"))
        return (datetime.fromisoformat(d) + timedelta(days=offset)).replace(hour=h, minute=m, tzinfo=utc)

    assert _verdicts(
        mall, pid, [at(0, "17:59"), at(0, "23:59"), at(1, "00:00"), at(1, "18:00"), at(2, "00:00")]
    ) == [
        "not_yet_valid",
        "valid",
        "outside_hours",
        "valid",
        "expired",
    ]


def test_states_come_before_dates(mall):
    requested = file_request(mall)
    revoked = _issued(mall)
    assert mall.api("guard", "post", f"/passes/{revoked}/revoke/", {"reason": "Fired"}).status_code == 200
    rejected = file_request(mall)
    complete_approval(mall, rejected["ticket"]["id"], "rejected")
    now = datetime.now(UTC)
    got = [
        _verdicts(mall, requested["passes"][0]["id"], [now])[0],
        _verdicts(mall, revoked, [now])[0],
        _verdicts(mall, rejected["passes"][0]["id"], [now])[0],
    ]
    assert got == ["not_approved", "revoked", "rejected"]


def test_a_qr_scan_answers_with_the_pass_its_tickets_and_documents_and_is_logged(mall):
    goods = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "goods_in",
            "title": "New collection",
            "fields": {"when": f"{day(0)}T07:00:00+00:00", "goods": "12 boxes"},
        },
    ).json()
    made = file_request(
        mall,
        holders=[{"name": "Driver Oleg", "document": "DL 77 123", "vehicle_plate": "A123BC77"}],
        premises=mall.unit.pk,
        linked_ticket=goods["id"],
        required_documents=["Driving licence", "Waybill"],
    )
    complete_approval(mall, made["ticket"]["id"])
    with schema_context(mall.schema):
        token = Pass.objects.get(pk=made["passes"][0]["id"]).qr_token
    response = mall.api("guard", "post", "/gate/check/", {"code": token})
    assert response.status_code == 200, response.content
    v = response.json()
    assert v["valid"] is True and v["reason"]["code"] == "valid" and v["method"] == "qr"
    assert v["reason"]["message"] == "The pass is valid."
    assert v["pass"]["holder_name"] == "Driver Oleg" and v["pass"]["vehicle_plate"] == "A123BC77"
    assert v["pass"]["company"]["name"] == "Coffee Point" and v["pass"]["premises"]["name"] == "2-14"
    assert v["ticket"]["key"] == made["ticket"]["key"] and v["ticket"]["status"] == "Approved"
    assert v["linked_ticket"]["key"] == goods["key"] and v["linked_ticket"]["category"] == "new"
    assert v["required_documents"] == ["Driving licence", "Waybill"]
    assert v["window"]["valid_from"] == day(0) and v["window"]["time_zone"] == "UTC"
    with schema_context(mall.schema):
        check = GateCheck.objects.get(pk=v["check_id"])
        assert (check.checked_by_id, check.valid, check.reason, check.pass_obj_id, check.method) == (
            mall.people["guard"].pk,
            True,
            "valid",
            made["passes"][0]["id"],
            "qr",
        )
        assert token not in check.code  # the secret is not written to the log
        # a pass scan is logged in GateCheck only, not in the request's history
        assert not TicketEvent.objects.filter(kind="gate_checked").exists()
    # in Russian when the guard's client asks for it
    ru = mall.api("guard", "post", "/gate/check/", {"code": token}, HTTP_ACCEPT_LANGUAGE="ru")
    assert ru.json()["reason"]["message"] == "Пропуск действителен."


def test_short_codes_and_ticket_numbers_are_typed_loosely(mall):
    made = file_request(mall, holders=[{"name": "A"}, {"name": "B"}])
    code = made["passes"][1]["short_code"]
    typed = " " + code.lower().replace("-", " ") + " "
    not_yet = mall.api("guard", "post", "/gate/check/", {"code": typed}).json()
    assert not_yet["method"] == "short_code" and not_yet["reason"]["code"] == "not_approved"
    assert not_yet["pass"]["holder_name"] == "B" and not_yet["valid"] is False
    complete_approval(mall, made["ticket"]["id"])
    key = made["ticket"]["key"]  # "PASS-n": every pass of the request
    by_ticket = mall.api("dispatcher", "post", "/gate/check/", {"code": key.lower()}).json()
    assert by_ticket["method"] == "ticket" and by_ticket["valid"] is True
    assert sorted(p["holder_name"] for p in by_ticket["passes"]) == ["A", "B"]
    assert all(p["reason"] == "valid" for p in by_ticket["passes"])
    unknown = mall.api("guard", "post", "/gate/check/", {"code": "ZZZZ-9999"}).json()
    assert unknown["reason"]["code"] == "not_found" and unknown["pass"] is None and unknown["ticket"] is None
    with schema_context(mall.schema):
        assert GateCheck.objects.filter(reason="not_found", code="ZZZZ-9999").exists()


def test_a_ticket_without_passes_is_judged_by_its_approval_and_time(mall):
    goods = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "goods_in",
            "title": "Shelves",
            "fields": {"when": f"{day(1)}T07:00:00+00:00", "goods": "Shelves"},
        },
    ).json()
    first = mall.api("guard", "post", "/gate/check/", {"code": goods["key"]}).json()
    assert first["reason"]["code"] == "not_approved" and first["ticket"]["key"] == goods["key"]
    # the guard sees what to tick for this move-in right in the verdict
    assert [(i["label"], i["required"], i["done"]) for i in first["checklist"]][0] == (
        "Goods brought in",
        True,
        False,
    )
    # sent back for rework, then resubmitted: still no permit until the new round approves
    complete_approval(mall, goods["id"], "needs_rework")
    reworked = mall.api("guard", "post", "/gate/check/", {"code": goods["key"]}).json()
    assert reworked["reason"]["code"] == "not_approved"
    resubmitted = mall.api("key_user", "post", f"/tickets/{goods['id']}/approvals/resubmit/", {})
    assert resubmitted.status_code == 200, resubmitted.content
    again = mall.api("guard", "post", "/gate/check/", {"code": goods["key"]}).json()
    assert again["reason"]["code"] == "not_approved"
    complete_approval(mall, goods["id"])
    tomorrow = mall.api("guard", "post", "/gate/check/", {"code": goods["key"]}).json()
    assert tomorrow["reason"]["code"] == "not_yet_valid"
    assert tomorrow["window"]["starts_at"].startswith(day(1))
    with schema_context(mall.schema):
        at = datetime.fromisoformat(f"{day(1)}T12:00:00+00:00")
        on_the_day = check_code(actor=mall.people["guard"], code=goods["key"], at=at)
    assert on_the_day["valid"] is True
    # a pass linked to the goods ticket: typing the goods ticket judges its pass
    linked = file_request(mall, holders=[{"name": "Loader"}], linked_ticket=goods["id"])
    v = mall.api("guard", "post", "/gate/check/", {"code": goods["key"]}).json()
    assert v["reason"]["code"] == "not_approved" and v["pass"]["holder_name"] == "Loader"
    assert v["ticket"]["key"] == linked["ticket"]["key"] and v["linked_ticket"]["key"] == goods["key"]
    # a ticket number typed at the gate goes into that ticket's (internal) history
    with schema_context(mall.schema):
        checked = list(TicketEvent.objects.filter(kind="gate_checked").values("ticket_id", "public", "data"))
    assert [e["ticket_id"] for e in checked] == [goods["id"]] * 6  # the six checks by its key above
    assert not any(e["public"] for e in checked)
    assert (
        checked[-1]["data"]["check_id"] == v["check_id"] and checked[-1]["data"]["reason"] == "not_approved"
    )


def test_who_may_check_and_read_the_log(mall):
    for who in ("key_user", "employee", "engineer", "approver"):
        assert mall.api(who, "post", "/gate/check/", {"code": "ABCD-EFGH"}).status_code == 403, who
        assert mall.api(who, "get", "/gate/checks/").status_code == 403, who
    with schema_context(mall.schema):
        from tenant_apps.people.models import ResponsibilityGroup

        ResponsibilityGroup.objects.get(code="security").members.add(mall.people["engineer"])
    assert mall.api("engineer", "post", "/gate/check/", {"code": "ABCD-EFGH"}).status_code == 200
    assert mall.api("admin", "post", "/gate/check/", {"code": "ABCD-EFGH"}).status_code == 200
    blank = mall.api("guard", "post", "/gate/check/", {"code": "   "})
    assert blank.status_code == 400 and "code" in blank.json()["fields"]
    long = mall.api("guard", "post", "/gate/check/", {"code": "x" * 201})
    assert long.status_code == 400 and "code" in long.json()["fields"]


def test_the_gate_log_filters_and_pages(mall):
    a = _issued(mall, holders=[{"name": "Alpha"}])
    b = file_request(mall, holders=[{"name": "Beta"}])["passes"][0]
    for code in (mall.api("guard", "get", f"/passes/{a}/").json()["short_code"], b["short_code"], "nothing"):
        for _ in range(2):
            assert mall.api("guard", "post", "/gate/check/", {"code": code}).status_code == 200
    rows = mall.api("guard", "get", "/gate/checks/").json()["results"]
    assert len(rows) == 6 and rows[0]["id"] > rows[-1]["id"]  # newest first
    assert rows[0]["checked_by"]["name"] == "Guard"
    assert {
        r["pass_id"] for r in mall.api("guard", "get", "/gate/checks/", {"pass": a}).json()["results"]
    } == {a}
    valid = mall.api("guard", "get", "/gate/checks/", {"verdict": "valid"}).json()["results"]
    assert len(valid) == 2 and all(r["valid"] for r in valid)
    reasons = mall.api("guard", "get", "/gate/checks/", {"reason": "not_found"}).json()["results"]
    assert [r["code"] for r in reasons] == ["nothing", "nothing"]
    assert len(mall.api("guard", "get", "/gate/checks/", {"date": day(0)}).json()["results"]) == 6
    assert mall.api("guard", "get", "/gate/checks/", {"date": day(-1)}).json()["results"] == []
    page = mall.api("guard", "get", "/gate/checks/", {"page_size": 4}).json()
    assert len(page["results"]) == 4 and page["next"]
    rest = mall.api("guard", "get", page["next"].split("/api/v1")[1]).json()
    assert len(rest["results"]) == 2 and rest["next"] is None


def test_a_ticket_no_approval_covered_is_no_permit_whatever_its_status(mall):
    leak = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {"type": "leak", "title": "Tap", "fields": {"severity": "drip"}, "location": mall.unit.pk},
    ).json()
    with schema_context(mall.schema):
        # even a status keyed "approved" in its workflow proves nothing without an approval
        Status.objects.filter(pk=Ticket.objects.get(pk=leak["id"]).status_id).update(key="approved")
    verdict = mall.api("guard", "post", "/gate/check/", {"code": leak["key"]}).json()
    assert verdict["valid"] is False and verdict["reason"]["code"] == "not_approved"
