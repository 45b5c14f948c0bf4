"""The tenants' portal (/portal/) on a phone (390×844): a key user invites an employee who sets a
password from the mailed link, files a goods move-in (refused inline first, nothing sent) with a
photo that the browser shrinks, and the dispatcher's queue shows it live; a tenant follows a
request live, returns it (a reason is required), confirms and rates it; the manifest, the service
worker and an opened pass without a connection; axe on every page met."""

from __future__ import annotations

import io
import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.e2e.conftest import Api, assert_accessible, mails
from tests.support.processes import wait_for
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "Portal-pass-2026!"


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def tickets_titled(api, title: str) -> list[dict]:
    response = api("GET", "/tickets/?page_size=200")
    assert response.status_code == 200, response.text
    return [t for t in response.json()["results"] if t["title"] == title]


def invitation_link(email: str) -> tuple[str, dict]:
    """The invitation mailed to `email` (tenants' mails link to the portal, agents' to the app)."""
    pattern = re.compile(r"http://\S+/(?:app|portal)/accept-invitation\?\S+")

    def found():
        for message in reversed(mails().split("\n" + "-" * 79 + "\n")):
            if email in message and pattern.search(message):
                return pattern.search(message).group(0)
        return None

    link = wait_for(found, timeout=20)
    return link, {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}


def camera_photo() -> bytes:
    """A picture as a phone camera makes it: 4000×3000 and a few MB."""
    image = Image.effect_noise((4000, 3000), 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_an_invited_employee_files_a_goods_move_in_the_dispatcher_sees_it_live(
    web, atrium_server, mall, tmp_path
):
    dispatcher_api = Api(atrium_server, mall, "dispatcher")
    # the key user invites a new employee from the company page
    boss = web.signed_in(mall.host, mall.people["key_user"].email, path="/portal/company", viewport="phone")
    expect(boss.get_by_role("heading", name="Coffee Point", level=1)).to_be_visible()
    email = f"new.hire@{mall.made.account.slug}.example"
    boss.get_by_label("Full name").fill("Nina Newhire")
    boss.get_by_label("E-mail").fill(email)
    boss.get_by_role("button", name="Send the invitation").click()
    expect(boss.get_by_text(f"The invitation went to {email}.")).to_be_visible()
    member = boss.locator(f'[data-member="{email}"]')
    expect(member.get_by_text("Invited", exact=True)).to_be_visible()
    assert_accessible(boss)

    # the employee sets a first password from the mailed link, on the portal, and signs in there
    _, query = invitation_link(email)
    page = web.page(viewport="phone")
    page.goto(web.url(mall.host, f"/portal/accept-invitation?uid={query['uid']}&token={query['token']}"))
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Set the password").click()
    expect(page).to_have_url(re.compile(r"/portal/sign-in"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("[data-portal-ready]")).to_be_visible()
    expect(page.get_by_role("heading", name="Welcome, Nina Newhire")).to_be_visible()
    assert_accessible(page)

    # the dispatcher's queue is open in another browser (with one ticket in it already)
    Api(atrium_server, mall, "key_user").file("dirt", "Spilled juice at the entrance")
    desk = web.signed_in(mall.host, mall.people["dispatcher"].email, path="/app/queues/open")
    expect(desk.get_by_role("table")).to_be_visible(timeout=20_000)

    # the goods move-in form; the company's premises are preselected
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="New request").click()
    page.get_by_role("link", name=re.compile("^Goods move-in")).click()
    expect(page.get_by_role("heading", name="Goods move-in", level=1)).to_be_visible()
    expect(page.get_by_role("combobox", name="Where")).to_have_value(re.compile("2-14"))
    title = "Spring collection, 40 boxes"
    page.get_by_label("In short").fill(title)
    page.get_by_label("Date and time").fill("2026-12-10T09:30")
    page.get_by_role("button", name="Send the request").click()
    goods = page.get_by_role("textbox", name="Goods", exact=True)
    expect(goods).to_have_attribute("aria-invalid", "true")
    expect(goods).to_have_accessible_description(re.compile("Fill this in."))
    assert_accessible(page)
    assert tickets_titled(dispatcher_api, title) == []  # nothing was sent

    # the draft survives a closed tab: a new page of the same browser finds it
    goods.fill("40 boxes of clothes")
    page.wait_for_timeout(100)  # the draft is written on the next render
    again = page.context.new_page()
    again.goto(page.url)
    expect(again.get_by_label("In short")).to_have_value(title)
    expect(again.get_by_text("We kept what you typed last time.")).to_be_visible()
    again.close()

    photo = camera_photo()
    (tmp_path / "boxes.jpg").write_bytes(photo)  # a path: the local browser reads it itself
    page.locator('input[type=file][multiple][accept="image/*"]').set_input_files(tmp_path / "boxes.jpg")
    expect(page.get_by_role("img", name=re.compile(r"boxes\.jpg"))).to_be_visible()
    page.get_by_role("button", name="Send the request").click()
    expect(page).to_have_url(re.compile(r"/portal/requests/\d+$"))
    ticket_id = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("heading", name=title, level=1)).to_be_visible()
    assert_accessible(page)

    filed = tickets_titled(dispatcher_api, title)
    assert [t["id"] for t in filed] == [ticket_id]
    ticket = dispatcher_api("GET", f"/tickets/{ticket_id}/").json()
    assert ticket["type"]["code"] == "goods_in"
    assert ticket["requester"]["name"] == "Nina Newhire"
    assert ticket["company"]["id"] == mall.company.pk
    assert ticket["location"]["id"] == mall.unit.pk
    assert ticket["fields"]["goods"] == "40 boxes of clothes"
    files = dispatcher_api("GET", f"/tickets/{ticket_id}/attachments/").json()
    assert len(files) == 1 and files[0]["content_type"] == "image/jpeg"
    stored = dispatcher_api("GET", f"/attachments/{files[0]['id']}/download/")
    assert stored.status_code == 200
    assert max(Image.open(io.BytesIO(stored.content)).size) == 2048  # shrunk in the browser
    assert len(stored.content) < len(photo)

    # the draft went with the filing
    page.goto(web.url(mall.host, "/portal/new/goods_in"))
    expect(page.get_by_label("In short")).to_have_value("")

    # the dispatcher's queue heard of it without a reload
    desk.get_by_role("button", name=re.compile(r"new tickets? — show")).click()
    expect(desk.get_by_role("link", name=ticket["key"])).to_be_visible()


def transition(api, ticket_id: int, to: str, comment: str = "") -> None:
    response = api("POST", f"/tickets/{ticket_id}/transition/", json={"to": to, "comment": comment})
    assert response.status_code == 200, response.text


def test_the_tenant_follows_a_request_live_returns_it_with_a_reason_confirms_and_rates(
    web, atrium_server, mall
):
    tenant = Api(atrium_server, mall, "employee")
    desk = Api(atrium_server, mall, "dispatcher")
    ticket = tenant.file("leak", "Drip above the counter", {"severity": "drip"})
    desk("POST", f"/tickets/{ticket['id']}/comments/", json={"body": "Only for the desk", "internal": True})
    desk(
        "POST",
        f"/tickets/{ticket['id']}/comments/",
        json={"body": "A plumber is on the way", "internal": False},
    )

    page = web.signed_in(mall.host, mall.people["employee"].email, path="/portal/requests", viewport="phone")
    row = page.locator(f'[data-ticket="{ticket["id"]}"]')
    expect(row.get_by_text("New", exact=True)).to_be_visible()
    assert_accessible(page)
    transition(desk, ticket["id"], "in_progress")
    expect(row.get_by_text("In progress", exact=True)).to_be_visible()  # live, no reload

    row.click()
    expect(page.get_by_role("heading", name="Drip above the counter", level=1)).to_be_visible()
    expect(page.get_by_text("A plumber is on the way")).to_be_visible()
    expect(page.get_by_text("Only for the desk")).to_have_count(0)
    assert_accessible(page)

    transition(desk, ticket["id"], "resolved", "Replaced the seal")
    expect(page.get_by_role("heading", name="Is the work done?")).to_be_visible()  # live
    page.get_by_role("button", name="Return for rework").click()
    page.get_by_role("button", name="Return the request").click()
    reason = page.get_by_label("What is still wrong?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(reason).to_have_accessible_description("Say what is still wrong.")
    assert_accessible(page)
    assert desk("GET", f"/tickets/{ticket['id']}/").json()["status"]["key"] == "resolved"  # not sent
    reason.fill("Still dripping after an hour")
    page.get_by_role("button", name="Return the request").click()
    status = page.locator(".portal-request__head [data-status]")
    expect(status).to_have_text("In progress")
    detail = desk("GET", f"/tickets/{ticket['id']}/").json()
    assert detail["confirmation"]["state"] == "returned"
    assert detail["confirmation"]["returned_reason"] == "Still dripping after an hour"

    transition(desk, ticket["id"], "resolved", "Replaced the pipe")
    expect(status).to_have_text("Resolved")
    page.get_by_role("button", name="Confirm, it is done").click()
    expect(status).to_have_text("Closed")
    page.get_by_role("button", name="Send the rating").click()
    expect(page.get_by_text("Choose from 1 to 5 stars.")).to_be_visible()
    assert desk("GET", f"/tickets/{ticket['id']}/").json()["rating"] is None
    page.get_by_role("radio", name="4 stars").check()
    page.get_by_label("Comment").fill("Quick and tidy")
    assert_accessible(page)
    page.get_by_role("button", name="Send the rating").click()
    expect(page.get_by_text("Your rating: 4 of 5 — Quick and tidy")).to_be_visible()
    rating = desk("GET", f"/tickets/{ticket['id']}/").json()["rating"]
    assert rating["score"] == 4 and rating["comment"] == "Quick and tidy"
    expect(page.get_by_role("button", name="Send the rating")).to_have_count(0)


def issued_pass(mall, atrium_server) -> dict:
    from tests.support.worlds import request_body

    key_user = Api(atrium_server, mall, "key_user")
    made = key_user("POST", "/pass-requests/", json=request_body(premises=mall.unit.pk))
    assert made.status_code == 201, made.text
    issued = Api(atrium_server, mall, "dispatcher")(
        "POST", f"/pass-requests/{made.json()['ticket']['id']}/issue/"
    )
    assert issued.status_code == 200, issued.text
    return issued.json()["passes"][0]


def test_installable_the_service_worker_controls_the_portal_and_an_opened_pass_reads_offline(
    web, atrium_server, mall
):
    manifest = atrium_server.request("GET", mall.host, "/portal/manifest.webmanifest")
    assert manifest.status_code == 200, manifest.text
    body = json.loads(manifest.content)
    assert body["name"] and body["start_url"].startswith("/portal")
    assert body["icons"] and all(icon["src"] and icon["sizes"] for icon in body["icons"])

    pass_ = issued_pass(mall, atrium_server)
    assert pass_["state"] == "approved"
    page = web.signed_in(mall.host, mall.people["key_user"].email, path="/portal/", viewport="phone")
    expect(page.locator("[data-portal-ready]")).to_be_visible()
    assert page.locator('link[rel="manifest"]').get_attribute("href") == "/portal/manifest.webmanifest"
    scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
    assert scope == web.url(mall.host, "/portal/")
    page.reload()
    expect(page.locator("[data-portal-ready]")).to_be_visible()
    assert page.evaluate("() => navigator.serviceWorker.controller?.scriptURL") == web.url(
        mall.host, "/portal/sw.js"
    )

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Passes").click()
    holder = page.get_by_role("link", name=re.compile("Ivan Petrov"))
    expect(holder).to_be_visible()
    assert_accessible(page)
    holder.click()
    code = page.locator(".portal-pass__code strong")
    expect(code).to_have_text(re.compile(r"\S{4,}"))
    shown = code.inner_text()
    qr = page.get_by_role("img", name=re.compile("QR code of pass"))
    expect(qr).to_be_visible()
    page.wait_for_function("() => document.querySelector('.portal-pass__qr')?.naturalWidth > 0")
    assert_accessible(page)

    # announcements: the one waiting for confirmation first; reading it confirms it
    desk = Api(atrium_server, mall, "dispatcher")
    made = desk(
        "POST",
        "/announcements/",
        json={
            "title": "Fire drill on Friday",
            "body": "Evacuation practice at 10:00.",
            "audience": "all_tenants",
            "requires_confirmation": True,
        },
    )
    assert made.status_code == 201, made.text
    assert desk("POST", f"/announcements/{made.json()['id']}/publish/").status_code == 200
    page.goto(web.url(mall.host, "/portal/announcements"))
    drill = page.get_by_role("button", name=re.compile("Fire drill on Friday"))
    expect(drill).to_contain_text("Please confirm")
    assert_accessible(page)
    drill.click()
    expect(page.get_by_text("Evacuation practice at 10:00.")).to_be_visible()
    page.get_by_role("button", name="I have read it").click()
    expect(page.get_by_text(re.compile("Read and confirmed on"))).to_be_visible()
    expect(drill).not_to_contain_text("Please confirm")
    mine = Api(atrium_server, mall, "key_user")("GET", f"/announcements/{made.json()['id']}/").json()
    assert mine["my_confirmation"]["confirmed"] is True

    page.goto(web.url(mall.host, f"/portal/passes/{pass_['id']}"))
    expect(code).to_have_text(shown)
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("[data-pass-ready]")).to_be_visible()
    expect(code).to_have_text(shown)
    page.wait_for_function("() => document.querySelector('.portal-pass__qr')?.naturalWidth > 0")
    page.context.set_offline(False)
