"""The approver's queue (/app/approvals) on a tablet: two approvers decide a works permit, one
"approved" in one tap, one "approved with remarks" (the remark the API demands shown inline when
missing); axe; nobody without the capability sees it or gets it from the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, Api, assert_accessible
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def works_permit(server, mall, title="Rewiring unit 2-14") -> dict:
    now = datetime.now(UTC)
    fields = {
        "works_kind": "electrical",
        "start": (now + timedelta(hours=1)).isoformat(),
        "finish": (now + timedelta(hours=6)).isoformat(),
        "contractor": "Volt LLC",
    }
    return Api(server, mall, "key_user").file("works_permit", title, fields)


def card(page, key: str):
    return page.get_by_role("listitem").filter(has=page.get_by_role("link", name=key))


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"approvals-{name}.png"), full_page=True)


def test_two_approvers_decide_on_a_tablet(web, atrium_server, mall):
    ticket = works_permit(atrium_server, mall)
    key = ticket["key"]
    # the works permit waits for Engineering (the engineer) and Security (the guard)

    engineer = web.signed_in(
        mall.host, mall.people["engineer"].email, path="/app/approvals", viewport="tablet"
    )
    expect(engineer.get_by_role("heading", name="Approvals", level=1)).to_be_visible()
    mine = card(engineer, key)
    expect(mine).to_be_visible()
    expect(mine).to_contain_text("Rewiring unit 2-14")
    expect(mine.get_by_role("button", name="Approved", exact=True)).to_be_visible()
    assert_accessible(engineer)
    shoot(engineer, "tablet-queue")
    mine.get_by_role("button", name="Approved", exact=True).click()  # one tap
    expect(card(engineer, key)).to_have_count(0)
    expect(engineer.get_by_text("Nothing waits for your decision.")).to_be_visible()

    guard = web.signed_in(mall.host, mall.people["guard"].email, path="/app/approvals", viewport="tablet")
    theirs = card(guard, key)
    theirs.get_by_role("button", name="Approved with remarks").click()
    comment = guard.get_by_role("textbox", name=re.compile(r"Comment \(Approved with remarks\)"))
    expect(comment).to_be_focused()
    send = guard.get_by_role("button", name="Send: Approved with remarks")
    send.click()  # no remark: the API refuses and says why, under the box
    expect(guard.get_by_text("Explain this decision")).to_be_visible()
    expect(comment).to_have_attribute("aria-invalid", "true")
    assert_accessible(guard)
    shoot(guard, "tablet-remark-demanded")
    comment.fill("Keep the fire exit in corridor B free")
    send.click()
    expect(card(guard, key)).to_have_count(0)

    state = Api(atrium_server, mall, "admin")("GET", f"/tickets/{ticket['id']}/approvals/").json()
    last = state["rounds"][-1]
    assert last["outcome"] == "approved_with_remarks"
    decided = {s["decided_by"]["name"]: (s["decision"], s["comment"]) for s in last["steps"]}
    assert decided == {
        "Engineer": ("approved", ""),
        "Guard": ("approved_with_remarks", "Keep the fire exit in corridor B free"),
    }


def test_on_a_phone_the_decisions_fit(web, atrium_server, mall):
    ticket = works_permit(atrium_server, mall, title="Night works at the food court")
    page = web.signed_in(mall.host, mall.people["engineer"].email, path="/app/approvals", viewport="phone")
    mine = card(page, ticket["key"])
    expect(mine).to_be_visible()
    buttons = mine.get_by_role("button")
    expect(buttons).to_have_count(4)
    width = page.viewport_size["width"]
    for i in range(4):
        box = buttons.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width and box["height"] >= 44, box
    shoot(page, "phone-queue")
    assert_accessible(page)


def test_the_russian_screen(web, atrium_server, mall):
    works_permit(atrium_server, mall, title="Ремонт освещения")
    page = web.signed_in(mall.host, mall.people["engineer"].email, path="/app/approvals", viewport="tablet")
    assert Api(atrium_server, mall, "engineer")("PATCH", "/me/", json={"language": "ru"}).status_code == 200
    page.reload()
    expect(page.get_by_role("heading", name="Согласования", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Согласовать", exact=True).first).to_be_visible()
    shoot(page, "tablet-ru")
    assert Api(atrium_server, mall, "engineer")("PATCH", "/me/", json={"language": "en"}).status_code == 200


def test_without_the_capability_no_nav_entry_and_403(web, atrium_server, mall):
    plumber = web.signed_in(mall.host, mall.people["plumber"].email, path="/app/queues")
    nav = plumber.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Queues")).to_be_visible()
    expect(nav.get_by_role("link", name="Approvals")).to_have_count(0)
    expect(nav.get_by_role("link", name="Gate")).to_have_count(0)
    api = Api(atrium_server, mall, "plumber")
    assert api("GET", "/approvals/").status_code == 403
    assert api("GET", "/me/").json()["capabilities"] == {
        "check_at_gate": False,
        "decide_approvals": False,
        "plan_maintenance": False,
    }

    approver = web.signed_in(mall.host, mall.people["approver"].email, path="/app/queues")
    expect(approver.get_by_role("navigation").first.get_by_role("link", name="Approvals")).to_be_visible()
    expect(approver.get_by_role("navigation").first.get_by_role("link", name="Gate")).to_have_count(0)
