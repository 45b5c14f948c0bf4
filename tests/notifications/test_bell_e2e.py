"""The notifications bell in the agent workspace and in the portal, in the browser against the real
daphne and Celery worker: a change made by someone else reaches the bell live (the spine's reader
in the worker, then the person's own socket), the list shows it unread, marking it read clears the
count; axe-clean; screenshots in test-results/e2e/notifications-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, Api, assert_accessible
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"notifications-{name}.png"))


def test_an_assignment_reaches_the_engineers_bell_live(web, atrium_server, mall):
    ticket = Api(atrium_server, mall, "key_user").file(
        "leak", "Water under the escalator", {"severity": "drip"}
    )
    engineer = web.signed_in(mall.host, mall.people["engineer"].email, path="/app/")
    bell = engineer.get_by_role("button", name="Notifications", exact=True)
    expect(bell).to_be_visible()

    dispatcher = Api(atrium_server, mall, "dispatcher")
    assigned = dispatcher("PATCH", f"/tickets/{ticket['id']}/", json={"assignee": mall.people["engineer"].pk})
    assert assigned.status_code == 200, assigned.text
    unread = engineer.get_by_role("button", name="Notifications: 1 unread")
    expect(unread).to_be_visible(timeout=20_000)  # pushed: the page was not reloaded

    unread.click()
    panel = engineer.get_by_role("region", name="Notifications")
    item = panel.get_by_role("listitem").filter(has_text=f"Assigned to you: {ticket['key']}")
    expect(item).to_be_visible()
    expect(item.get_by_role("link")).to_have_attribute("href", f"/app/tickets/{ticket['id']}")
    assert_accessible(engineer)
    shoot(engineer, "app-laptop")

    item.get_by_role(
        "button", name=f"Mark read: Assigned to you: {ticket['key']} Water under the escalator"
    ).click()
    expect(engineer.get_by_role("button", name="Notifications", exact=True)).to_be_visible()
    listed = Api(atrium_server, mall, "engineer")("GET", "/notifications/?unread=true").json()
    assert listed["unread_count"] == 0 and listed["results"] == []
    assert engineer.errors == []


def test_a_reply_reaches_the_requesters_bell_in_the_portal_on_a_phone(web, atrium_server, mall):
    requester = Api(atrium_server, mall, "employee")
    ticket = requester.file("leak", "Dripping tap in 2-14", {"severity": "drip"})
    page = web.signed_in(mall.host, mall.people["employee"].email, path="/portal/", viewport="phone")
    expect(page.get_by_role("button", name="Notifications", exact=True)).to_be_visible()

    reply = Api(atrium_server, mall, "dispatcher")(
        "POST", f"/tickets/{ticket['id']}/comments/", json={"body": "A plumber comes at noon."}
    )
    assert reply.status_code == 201, reply.text
    unread = page.get_by_role("button", name="Notifications: 1 unread")
    expect(unread).to_be_visible(timeout=20_000)
    unread.click()
    panel = page.get_by_role("region", name="Notifications")
    box = panel.bounding_box()  # the whole panel on the phone's screen
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    item = panel.get_by_role("listitem").first
    expect(item).to_contain_text(f"New reply on your request {ticket['key']}")
    expect(item.get_by_role("link")).to_have_attribute("href", f"/portal/requests/{ticket['id']}")
    assert_accessible(page)
    shoot(page, "portal-phone")
    assert page.errors == []
