"""GET /gate/today/: the approved move-ins and works the gate expects on a day."""

from __future__ import annotations

import pytest

from tests.passes.conftest import complete_approval, day, file_request
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def goods(mall, title: str, when_day: str, hour: str = "07:00", plate: str = "") -> dict:
    fields = {"when": f"{when_day}T{hour}:00+00:00", "goods": "Shelves"}
    if plate:
        fields["vehicle_plate"] = plate
    response = mall.api(
        "key_user", "post", "/tickets/", {"type": "goods_in", "title": title, "fields": fields}
    )
    assert response.status_code == 201, response.content
    return response.json()


def works(mall, title: str, start: str, finish: str) -> dict:
    fields = {"works_kind": "repair", "start": start, "finish": finish, "contractor": "Volt LLC"}
    response = mall.api(
        "key_user", "post", "/tickets/", {"type": "works_permit", "title": title, "fields": fields}
    )
    assert response.status_code == 201, response.content
    return response.json()


def keys(mall, who="guard", **params) -> list[str]:
    response = mall.api(who, "get", "/gate/today/", params or None)
    assert response.status_code == 200, response.content
    return [row["key"] for row in response.json()]


def test_today_lists_approved_tickets_whose_time_touches_the_day(mall):
    today_late = goods(mall, "Fridge, evening", day(0), "18:00", plate="a 123 bc")
    today_early = goods(mall, "Shelves, morning", day(0), "06:00")
    tomorrow = goods(mall, "Tomorrow's delivery", day(1))
    waiting = goods(mall, "Not approved yet", day(0))
    rejected = goods(mall, "Rejected", day(0))
    spanning = works(mall, "Three days of repairs", f"{day(-1)}T08:00:00Z", f"{day(1)}T18:00:00Z")
    over = works(mall, "Finished yesterday", f"{day(-2)}T08:00:00Z", f"{day(-1)}T18:00:00Z")
    pass_request = file_request(mall)  # a pass request is judged by its passes, not listed here
    for t in (today_late, today_early, tomorrow, spanning, over):
        complete_approval(mall, t["id"])
    complete_approval(mall, rejected["id"], "rejected")
    complete_approval(mall, pass_request["ticket"]["id"])
    complete_approval(mall, waiting["id"], "needs_rework")  # a round that did not approve

    # earliest start first: the works began yesterday; a move-in is allowed its whole local day
    # (from midnight, as the gate judges its `when`), ties in filing order
    assert keys(mall) == [spanning["key"], today_late["key"], today_early["key"]]
    rows = {row["key"]: row for row in mall.api("guard", "get", "/gate/today/").json()}
    late = rows[today_late["key"]]
    assert late["type"] == {"code": "goods_in", "name": "Goods move-in"}
    assert late["outcome"] == "approved" and late["title"] == "Fridge, evening"
    assert late["starts_at"].startswith(day(0)) and late["ends_at"].startswith(day(1))
    assert late["vehicle_plate"]  # what the form holds
    assert keys(mall, date=day(1)) == [spanning["key"], tomorrow["key"]]
    assert keys(mall, date=day(-2)) == [over["key"]]
    # typed at the gate, a listed move-in brings the checklist of that very ticket
    verdict = mall.api("guard", "post", "/gate/check/", {"code": today_late["key"]}).json()
    assert verdict["valid"] is True and verdict["checklist_ticket"] == today_late["id"]
    assert verdict["checklist"][0]["label"] == "Goods brought in"
    scanned = mall.api("guard", "post", "/gate/check/", {"code": pass_request["passes"][0]["short_code"]})
    assert scanned.json()["checklist_ticket"] is None


def test_today_is_for_the_gate_only_and_checks_its_date(mall):
    assert mall.api("plumber", "get", "/gate/today/").status_code == 403
    assert mall.api("key_user", "get", "/gate/today/").status_code == 403
    assert mall.api("dispatcher", "get", "/gate/today/").status_code == 200
    for wrong in ("tomorrow", "9999-12-31", "0001-01-01"):
        bad = mall.api("guard", "get", "/gate/today/", {"date": wrong})
        assert bad.status_code == 400 and "date" in bad.json()["fields"], (wrong, bad.content)
