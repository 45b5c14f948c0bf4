"""The ticket page (/app/tickets/<id>): a transition needing a comment, public reply vs internal
note (checked with the requester's own token), attachments with a preview, presence and a live
status change in a second agent's browser, axe."""

from __future__ import annotations

import re
import struct
import zlib

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import Api, assert_accessible
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


@pytest.fixture(scope="module")
def requester(atrium_server, mall):
    return Api(atrium_server, mall, "key_user")


@pytest.fixture(scope="module")
def leak(requester):
    # the leak type's workflow (tenant_apps/desk/defaults.py, "incident"): in_progress -> waiting
    # "Wait (parts, access, contractor)" needs a comment
    return requester.file("leak", "Water dripping onto the bookshop counter", {"severity": "drip"})


def open_ticket(web, mall, ticket, who="dispatcher", viewport="laptop"):
    page = web.signed_in(
        mall.host, mall.people[who].email, path=f"/app/tickets/{ticket['id']}", viewport=viewport
    )
    expect(page.get_by_role("heading", level=1, name=ticket["title"])).to_be_visible()
    return page


def status_badge(page):
    return page.locator(".tk-header .tk-status")


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x20\x60\xc0" * 8 for _ in range(8))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_transitions_presence_and_live_status(web, mall, leak):
    engineer = open_ticket(web, mall, leak, who="engineer")
    dispatcher = open_ticket(web, mall, leak)
    assert_accessible(dispatcher)

    # presence: the engineer's page shows the dispatcher (and the other way round)
    expect(engineer.get_by_text(f"{mall.people['dispatcher'].full_name} is viewing")).to_be_visible()
    expect(dispatcher.get_by_text(f"{mall.people['engineer'].full_name} is viewing")).to_be_visible()

    # a transition without requirements goes at once; the second agent sees it live
    dispatcher.get_by_role("button", name="Take into work").click()
    expect(status_badge(dispatcher)).to_contain_text("In progress")
    expect(status_badge(engineer)).to_contain_text("In progress")

    # one that needs a comment asks for it and shows the API's refusal next to the form
    wait = "Wait (parts, access, contractor)"
    dispatcher.get_by_role("group", name="Change the status").get_by_role("button", name=wait).click()
    form = dispatcher.locator("form.tk-transition-form")
    form.get_by_role("button", name=wait).click()
    expect(form.get_by_text("This transition needs a comment.")).to_be_visible()
    expect(form.get_by_label("Comment (required)")).to_have_attribute("aria-invalid", "true")
    expect(status_badge(dispatcher)).to_contain_text("In progress")
    assert_accessible(dispatcher)

    form.get_by_label("Comment (required)").fill("Waiting for the spare valve.")
    form.get_by_role("button", name=wait).click()
    expect(status_badge(dispatcher)).to_contain_text("Waiting")
    expect(form).to_have_count(0)
    expect(status_badge(engineer)).to_contain_text("Waiting")
    # the comment went to the conversation, the history says what happened
    expect(engineer.locator(".tk-comment").filter(has_text="Waiting for the spare valve.")).to_be_visible()
    expect(
        engineer.locator(".tk-events").get_by_text(
            re.compile(r"^Wait \(parts, access, contractor\) — Status:")
        )
    ).to_be_visible()

    # typing a reply shows up for the other agent
    engineer.get_by_label("Public reply to the requester").fill("I can bring the valve today")
    expect(dispatcher.get_by_text(f"{mall.people['engineer'].full_name} is typing a reply")).to_be_visible()


def test_internal_note_never_reaches_the_requester(web, mall, leak, requester):
    page = open_ticket(web, mall, leak)
    note, reply = "Internal: the landlord pays for this one", "A plumber is on the way."

    page.get_by_role("radio", name="Internal note").check()
    expect(page.get_by_text("Internal note — not visible to the requester")).to_be_visible()
    page.get_by_label("Internal note for agents only").fill(note)
    page.get_by_role("button", name="Add internal note").click()
    written = page.locator(".tk-comment").filter(has_text=note)
    expect(written).to_be_visible()
    expect(written).to_have_class(re.compile("tk-comment--internal"))
    expect(written.get_by_text("Internal note", exact=True)).to_be_visible()

    page.get_by_role("radio", name="Public reply").check()
    page.get_by_label("Public reply to the requester").fill(reply)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator(".tk-comment").filter(has_text=reply)).to_be_visible()
    assert_accessible(page)

    # the requester's own token: the reply is there, the note is not (nor in the history)
    comments = requester("GET", f"/tickets/{leak['id']}/comments/")
    assert comments.status_code == 200, comments.text
    bodies = [c["body"] for c in comments.json()]
    assert reply in bodies
    assert note not in bodies
    events = requester("GET", f"/tickets/{leak['id']}/events/")
    assert events.status_code == 200, events.text
    assert note not in events.text

    # the requester's browser: the workspace ticket page is not theirs, and never shows the note
    own = web.signed_in(mall.host, mall.people["key_user"].email, path=f"/app/tickets/{leak['id']}")
    expect(own).to_have_url(re.compile(r"/portal/"))
    own.wait_for_load_state("networkidle")
    assert note not in own.content()


def test_attachment_upload_with_preview(web, mall, leak):
    page = open_ticket(web, mall, leak, viewport="tablet_portrait")
    page.get_by_label("Attach files").set_input_files(
        files=[{"name": "wet-floor.png", "mimeType": "image/png", "buffer": tiny_png()}]
    )
    preview = page.get_by_role("img", name="Preview of wet-floor.png")
    expect(preview).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth === 8", arg=preview.element_handle())
    expect(page.get_by_role("link", name=re.compile("wet-floor.png"))).to_have_attribute(
        "href", re.compile(r"^/api/v1/attachments/\d+/download/$")
    )

    # dropped files go the same way (a DataTransfer onto the conversation)
    page.evaluate(
        """() => {
          const dt = new DataTransfer();
          dt.items.add(new File(["checked the drain"], "notes.txt", {type: "text/plain"}));
          const target = document.querySelector('.tk-conversation');
          for (const type of ['dragenter', 'dragover', 'drop'])
            target.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt}));
        }"""
    )
    expect(page.get_by_role("link", name=re.compile("notes.txt"))).to_be_visible()
    # tablet portrait: one column, the properties collapsed behind a button
    toggle = page.get_by_role("button", name="Show properties")
    expect(toggle).to_be_visible()
    expect(page.get_by_label("Priority")).to_be_hidden()
    toggle.click()
    expect(page.get_by_label("Priority")).to_be_visible()
    assert_accessible(page)


def test_an_admin_sets_an_sla_policy_and_a_new_ticket_shows_its_clock(web, mall, requester):
    """Issue #19: an SLA policy made on /app/admin/sla (the default calendar, a target for every
    priority, an escalation) applies to a ticket filed after it; its page shows both clocks as the
    API counts them, and the queue's SLA column the time to the nearest."""
    from tests.support.browser import ARTIFACTS

    def shoot(page, name):
        page.evaluate("window.scrollTo(0, 0)")  # the shell's sticky bars stay at the top of the shot
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    admin = Api(web.server, mall, "admin")
    page = web.signed_in(mall.host, mall.people["admin"].email, path="/app/admin/sla", viewport="laptop")
    expect(page.get_by_role("heading", name="SLA policies", level=1)).to_be_visible()
    page.get_by_role("button", name="New SLA policy").click()
    form = page.get_by_role("form", name="New SLA policy")
    form.get_by_label("Name", exact=True).fill("Leaks, 24x7")
    form.get_by_role("group", name="Ticket types").get_by_role("checkbox", name="Leak", exact=True).check()
    for priority in ("Low", "Normal", "High", "Urgent"):
        form.get_by_label(f"Response time, {priority}", exact=True).fill("2")  # hours
        form.get_by_label(f"Resolution time, {priority}", exact=True).fill("3")
        form.get_by_label(f"Unit of Resolution time, {priority}").select_option("d")
    form.get_by_role("button", name="Add an escalation").click()
    form.get_by_label("Group of escalation 1").select_option(label="Engineering")
    assert_accessible(page)
    shoot(page, "sla-policy-edit")
    form.get_by_role("button", name="Save").click()
    listed = page.get_by_role("region", name="Policies in order")
    expect(listed.get_by_role("button", name="Leaks, 24x7", exact=True)).to_be_visible()
    expect(listed).to_contain_text("Urgent: response 2 h, resolution 3 d")
    saved = next(p for p in admin("GET", "/sla/policies/").json() if p["name"] == "Leaks, 24x7")
    assert saved["calendar"] is None and saved["is_active"] is True
    assert sorted(
        (t["priority"], t["response_minutes"], t["resolution_minutes"]) for t in saved["targets"]
    ) == [(p, 120, 4320) for p in (1, 2, 3, 4)]
    assert [(e["threshold"], e["target"], e["action"]) for e in saved["escalations"]] == [
        ("breach", "resolution", "notify")
    ]

    filed = requester.file("leak", "A drip by the escalator", {"severity": "drip"})
    sla = admin("GET", f"/tickets/{filed['id']}/").json()["sla"]
    assert sla["policy"]["name"] == "Leaks, 24x7", sla
    assert sla["response"]["state"] == "running" and sla["resolution"]["state"] == "running"

    page.goto(web.url(mall.host, f"/app/tickets/{filed['id']}"))
    panel = page.get_by_role("region", name="SLA")
    expect(panel).to_contain_text("Policy: Leaks, 24x7")
    response, resolution = panel.get_by_test_id("sla-response"), panel.get_by_test_id("sla-resolution")
    expect(response).to_contain_text("On track")
    expect(response.locator("time")).to_have_attribute("datetime", sla["response"]["due_at"])
    # the countdown from the API's due time (24x7: two hours, less the seconds since filing)
    expect(response).to_contain_text(re.compile(r"(1 h 5\d min|2 h) left"))
    expect(resolution.locator("time")).to_have_attribute("datetime", sla["resolution"]["due_at"])
    expect(resolution).to_contain_text(re.compile(r"(2 d 23 h|3 d) left"))
    assert_accessible(page)
    shoot(page, "sla-ticket-panel")

    page.goto(web.url(mall.host, "/app/queues/open?ordering=sla_due"))
    row = page.locator("tr", has=page.get_by_role("link", name=filed["key"], exact=True))
    expect(row.locator(".queues-table__c--sla")).to_have_text(re.compile(r"^On track: (1 h 5\d min|2 h)$"))
    shoot(page, "sla-queue")
    assert page.errors == []
