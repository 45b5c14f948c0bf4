"""The queue (/app/queues): filters and search, live rows, bulk assign, keyboard, axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Api, assert_accessible
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


@pytest.fixture(scope="module")
def tickets(atrium_server, mall):
    requester = Api(atrium_server, mall, "key_user")
    return {
        "leak": requester.file("leak", "Dripping pipe above the bookshop", {"severity": "drip"}),
        "dirt": requester.file("dirt", "Spilled juice at the escalator"),
        "leak2": requester.file("leak", "Wet ceiling tile in corridor", {"severity": "stream"}),
    }


def queue(web, mall, path="/app/queues/open", viewport="laptop"):
    page = web.signed_in(mall.host, mall.people["dispatcher"].email, path=path, viewport=viewport)
    expect(page.get_by_role("table")).to_be_visible()
    return page


def test_filter_by_type_and_search(web, mall, tickets):
    page = queue(web, mall)
    expect(page.get_by_role("link", name=tickets["leak"]["key"])).to_be_visible()
    page.get_by_role("button", name="Filters").click()
    page.get_by_role("button", name=re.compile(r"^Type")).click()
    page.get_by_role("menuitemcheckbox", name="Cleaning needed").click()
    page.keyboard.press("Escape")
    expect(page).to_have_url(re.compile(r"type=dirt"))
    expect(page.get_by_role("link", name=tickets["dirt"]["key"])).to_be_visible()
    expect(page.get_by_role("link", name=tickets["leak"]["key"])).to_have_count(0)

    page.get_by_role("button", name="Clear filters").click()
    search = page.get_by_role("searchbox", name="Search tickets")
    search.fill("ceiling")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"q=ceiling"))
    expect(page.get_by_role("link", name=tickets["leak2"]["key"])).to_be_visible()
    expect(page.get_by_role("link", name=tickets["leak"]["key"])).to_have_count(0)
    expect(page.get_by_role("link", name=tickets["dirt"]["key"])).to_have_count(0)
    assert_accessible(page)


def test_new_ticket_and_status_change_arrive_live(web, atrium_server, mall, tickets):
    page = queue(web, mall)
    shown = tickets["dirt"]
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=shown["key"]))
    expect(row).to_be_visible()

    fresh = Api(atrium_server, mall, "key_user").file(
        "leak", "Water under the food court sink", {"severity": "drip"}
    )
    banner = page.get_by_role("button", name=re.compile(r"new tickets? — show"))
    expect(banner).to_be_visible()
    expect(page.get_by_role("link", name=fresh["key"])).to_have_count(0)
    banner.click()
    expect(page.get_by_role("link", name=fresh["key"])).to_be_visible()

    agent = Api(atrium_server, mall, "admin")  # another agent than the one watching
    detail = agent("GET", f"/tickets/{shown['id']}/").json()
    move = next((t for t in detail["transitions"] if not t["required_fields"]), None)
    assert move, detail["transitions"]
    response = agent(
        "POST",
        f"/tickets/{shown['id']}/transition/",
        json={"to": move["to"], "comment": "Taking it" if move["comment_required"] else ""},
    )
    assert response.status_code == 200, response.text
    expect(row.get_by_text(move["to_name"], exact=True)).to_be_visible()


def test_bulk_assign_two_tickets(web, mall, tickets):
    page = queue(web, mall)
    for name in ("leak", "leak2"):
        page.get_by_role("checkbox", name=f"Select {tickets[name]['key']}").check()
    expect(page.get_by_text("2 selected")).to_be_visible()
    picker = page.get_by_role("combobox", name="Assign to")
    picker.fill("engineer@")
    page.get_by_role(
        "option", name=re.compile(rf"^Engineer {re.escape(mall.people['engineer'].email)}")
    ).click()
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("2 tickets updated.")).to_be_visible()
    for name in ("leak", "leak2"):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=tickets[name]["key"]))
        expect(row.get_by_role("cell", name="Engineer", exact=True)).to_be_visible()


def test_keyboard_moves_opens_and_shows_the_sheet(web, mall, tickets):
    page = queue(web, mall)
    first = page.get_by_role("row").nth(1)
    page.keyboard.press("j")
    expect(first).to_have_attribute("aria-current", "true")
    page.keyboard.press("j")
    page.keyboard.press("k")
    expect(first).to_have_attribute("aria-current", "true")
    href = first.get_by_role("link").first.get_attribute("href")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"{re.escape(href)}$"))
    page.go_back()
    expect(page.get_by_role("table")).to_be_visible()
    page.keyboard.press("?")
    sheet = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(sheet).to_be_visible()
    expect(sheet.get_by_text("Next ticket")).to_be_visible()
    page.keyboard.press("Escape")
    expect(sheet).to_have_count(0)


def test_tablet_queue_is_usable_and_accessible(web, mall, tickets):
    page = queue(web, mall, viewport="tablet")
    expect(
        page.get_by_role("navigation", name="Views").get_by_role("link", name="Unassigned")
    ).to_be_visible()
    expect(page.get_by_role("link", name=tickets["dirt"]["key"])).to_be_visible()
    assert_accessible(page)
