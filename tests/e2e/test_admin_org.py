"""Account administration II in the browser: QR label sheets printed from the Locations screen and
read back (the PDF rendered, its QR codes decoded), people invited, blocked and unblocked with the
seats figure following, every screen axe-clean at 1440×900, and nothing of it for a non-admin."""

from __future__ import annotations

import base64
import re

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, Api, assert_accessible
from tests.support.processes import wait_for
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e

SCREENS = {
    "people": "People & groups",
    "companies": "Companies & premises",
    "locations": "Locations & equipment",
    "announcements": "Announcements",
    "partnerships": "Partnerships",
    "billing": "Billing",
    "branding": "Branding & domain",
    "audit": "Audit log",
    "tokens": "API tokens",
}


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def admin_page(web, mall, path: str):
    page = web.signed_in(mall.host, mall.people["admin"].email, path=path)
    page.set_viewport_size({"width": 1440, "height": 900})
    return page


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-org-{name}.png"), full_page=True)


def fetch_bytes(page, href: str) -> tuple[int, str, bytes]:
    """GET the link as this page would (same origin, its session cookie)."""
    status, kind, body = page.evaluate(
        """async (href) => {
            const r = await fetch(href);
            const bytes = new Uint8Array(await r.arrayBuffer());
            let s = ""; for (const b of bytes) s += String.fromCharCode(b);
            return [r.status, r.headers.get("content-type"), btoa(s)];
        }""",
        href,
    )
    return status, kind, base64.b64decode(body)


def qr_texts(pdf: bytes) -> list[str]:
    texts = []
    for pdf_page in pypdfium2.PdfDocument(pdf):
        image = pdf_page.render(scale=200 / 72).to_pil()
        texts += [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.QRCode]
    return texts


def test_admin_prints_qr_labels_for_two_locations(web, mall):
    page = admin_page(web, mall, "/app/admin/locations")
    expect(page.get_by_role("heading", name="Locations & equipment", level=1)).to_be_visible()
    page.get_by_role("checkbox", name="2-14").check()
    page.get_by_role("checkbox", name="Floor 2").check()
    link = page.get_by_role("link", name="Print QR labels for 2 locations")
    expect(link).to_be_visible()
    assert_accessible(page)
    shoot(page, "locations")

    status, kind, pdf = fetch_bytes(page, link.get_attribute("href"))
    assert status == 200 and kind == "application/pdf"
    base = web.url(mall.host, "/portal/report")  # the account's base URL on the live server
    floor = mall.unit.parent_id
    assert sorted(qr_texts(pdf)) == sorted([f"{base}?location={mall.unit.pk}", f"{base}?location={floor}"])


def test_invite_block_and_unblock_follow_the_seats_figure(web, mall):
    page = admin_page(web, mall, "/app/admin/people")
    seats = page.get_by_test_id("seats")
    expect(seats).to_have_text(re.compile(r"Seats: \d+ used of \d+ allowed"))
    used = int(re.search(r"(\d+) used", seats.inner_text()).group(1))

    invite = page.get_by_role("region", name="Invite a person")
    invite.get_by_label("E-mail").fill("new.engineer@example.com")
    invite.get_by_label("Full name").fill("Nina Newcomer")
    invite.get_by_label("Role").select_option("engineer")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to new.engineer@example.com.")).to_be_visible()
    expect(seats).to_contain_text(f"Seats: {used + 1} used")
    row = page.get_by_role("row").filter(has_text="new.engineer@example.com")
    expect(row).to_contain_text("Invited")
    assert_accessible(page)
    shoot(page, "people")

    row.get_by_role("button", name="Block Nina Newcomer").click()
    form = page.get_by_role("form", name="Block Nina Newcomer")
    form.get_by_role("button", name="Block", exact=True).click()  # no reason: the API asks for one
    expect(form.get_by_label("Reason for blocking")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Reason for blocking").fill("Left the contractor")
    form.get_by_role("button", name="Block", exact=True).click()
    expect(row).to_contain_text("Blocked")
    expect(seats).to_contain_text(f"Seats: {used} used")
    row.get_by_role("button", name="Unblock Nina Newcomer").click()
    expect(row).to_contain_text("Invited")
    expect(seats).to_contain_text(f"Seats: {used + 1} used")

    person = next(
        p
        for p in Api(web.server, mall, "admin")("GET", "/people/?q=new.engineer").json()["results"]
        if p["email"] == "new.engineer@example.com"
    )
    assert person["role"] == "engineer" and person["blocked"] is False


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_is_accessible(web, mall, screen):
    page = admin_page(web, mall, f"/app/admin/{screen}")
    expect(page.get_by_role("heading", name=SCREENS[screen], level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Administration")
    expect(nav.get_by_role("link", name=SCREENS[screen])).to_have_class(re.compile("is-active"))
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    shoot(page, screen)
    assert page.errors == []


def test_a_non_admin_gets_no_admin_navigation_and_403_from_the_api(web, mall):
    page = web.signed_in(mall.host, mall.people["engineer"].email, path="/app/queues")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    page.goto(web.url(mall.host, "/app/admin/people"))
    expect(page.get_by_text("Only account admins can configure the account.")).to_be_visible()
    expect(page.get_by_test_id("seats")).to_have_count(0)

    api = Api(web.server, mall, "engineer")
    for method, path, body in [
        ("GET", "/billing/", None),
        ("POST", "/people/", {"email": "x@example.com", "role": "engineer"}),
        ("POST", f"/people/{mall.people['dispatcher'].pk}/block/", {"reason": ""}),
        ("GET", "/audit/", None),
        ("GET", f"/locations/labels.pdf?ids={mall.unit.pk}", None),
    ]:
        response = api(method, path, json=body)
        assert response.status_code == 403, (path, response.status_code)
        assert response.json()["code"] == "permission_denied"


@pytest.fixture(scope="module")
def contractor(live_db):
    return make_mall("contractor")


def test_a_partnership_made_through_the_screens_of_both_accounts(web, mall, contractor):
    # the mall's admin invites the contractor, naming the types and statuses that cross
    ours = admin_page(web, mall, "/app/admin/partnerships")
    invite = ours.get_by_role("region", name="Invite a partner")
    invite.get_by_label("Partner's address").fill(contractor.made.account.slug)
    invite.get_by_label("Our type code 1").fill("leak")
    invite.get_by_label("Partner's type code 1").fill("work_order")
    status_out = invite.get_by_role("group", name="Statuses to the contractor")
    status_out.get_by_role("button", name="Add a row").click()
    status_out.get_by_label("Our status 1").fill("in_progress")
    status_out.get_by_label("Partner's status 1").fill("in_progress")
    invite.get_by_role("button", name="Send invitation").click()
    expect(ours.get_by_text(f"Invitation sent to {contractor.made.account.name}.")).to_be_visible()
    card = ours.get_by_role("article", name=contractor.made.account.name)
    expect(card).to_contain_text("Invited")
    assert_accessible(ours)
    shoot(ours, "partnerships-invited")

    # the contractor's admin accepts on its own host, completing the status mapping back
    theirs = admin_page(web, contractor, "/app/admin/partnerships")
    their_card = theirs.get_by_role("article", name=mall.made.account.name)
    expect(their_card).to_contain_text("Invited")
    their_card.get_by_role("button", name="Accept…").click()
    form = theirs.get_by_role("form", name=f"Accept the partnership with {mall.made.account.name}")
    expect(form.get_by_label("Partner's type code 1")).to_have_value("leak")
    expect(form.get_by_label("Our type code 1")).to_have_value("work_order")
    back = form.get_by_role("group", name="Statuses back to the requester")
    back.get_by_role("button", name="Add a row").click()
    back.get_by_label("Our status 1").fill("done")
    back.get_by_label("Partner's status 1").fill("resolved")
    assert_accessible(theirs)
    form.get_by_role("button", name="Accept partnership").click()
    expect(their_card).to_contain_text("Active")
    expect(their_card).to_contain_text("done → resolved")
    shoot(theirs, "partnerships-accepted")

    # the mall sees it active (the state travelled as a federation message), with both mappings
    ours.reload()
    expect(card).to_contain_text("Active", timeout=20_000)
    expect(card).to_contain_text("leak → work_order")
    expect(card).to_contain_text("done → resolved")

    # a ticket forwarded to the partner through the ticket page's control shows on both sides
    partnership = Api(web.server, mall, "admin")("GET", "/federation/partnerships/").json()[0]
    ticket = Api(web.server, mall, "key_user").file("leak", "Water under escalator 3", {"severity": "stream"})
    ours.goto(web.url(mall.host, f"/app/tickets/{ticket['id']}"))
    expect(ours.get_by_role("heading", name="Water under escalator 3")).to_be_visible()
    forward = ours.get_by_role("form", name="Forward to a partner")
    expect(forward.get_by_label("Partner", exact=True)).to_have_value(partnership["id"])
    forward.get_by_label("Note for the partner (optional)").fill("North side, since this morning")
    assert_accessible(ours)
    forward.get_by_role("button", name="Forward").click()
    panel = ours.get_by_role("region", name="Partner desk")
    expect(panel).to_contain_text(f"{contractor.made.account.name} (we forwarded it)")
    expect(panel).to_contain_text("Active")
    # the one partnership took it: the API names no other partner, so the control is gone
    expect(forward).to_have_count(0)
    shoot(ours, "ticket-forwarded")
    sent = Api(web.server, mall, "admin")("GET", f"/tickets/{ticket['id']}/federation/").json()
    assert [(link["partnership"], link["note"]) for link in sent] == [
        (partnership["id"], "North side, since this morning")
    ]
    contractor_api = Api(web.server, contractor, "admin")

    def arrived():
        found = contractor_api("GET", "/tickets/").json()["results"]
        return next((t for t in found if t["title"] == "Water under escalator 3"), None)

    copy = wait_for(arrived, timeout=30)
    theirs.goto(web.url(contractor.host, f"/app/tickets/{copy['id']}"))
    expect(theirs.get_by_role("heading", name="Water under escalator 3")).to_be_visible()
    expect(theirs.get_by_role("region", name="Partner desk")).to_contain_text(
        f"{mall.made.account.name} (forwarded to us)"
    )
    links = wait_for(
        lambda: [
            link
            for link in Api(web.server, mall, "admin")("GET", f"/tickets/{ticket['id']}/federation/").json()
            if link.get("remote_ref")
        ],
        timeout=30,
    )
    assert links[0]["state"] == "active"
    # the mall's page shows the partner's ticket once the partner took it
    ours.reload()
    expect(ours.get_by_role("region", name="Partner desk")).to_contain_text(links[0]["remote_ref"])
    assert links[0]["remote_ref"] == copy["key"]


def test_an_announcement_composed_published_and_confirmed(web, mall):
    page = admin_page(web, mall, "/app/admin/announcements")
    composer = page.get_by_role("region", name="New announcement")
    composer.get_by_label("Title").fill("Water off on Friday")
    composer.get_by_label("Text").fill("From 9 to 11 in building B.")
    composer.get_by_label("All tenants").check()
    composer.get_by_role("button", name="Save draft").click()
    detail = page.get_by_role("region", name="Water off on Friday")
    expect(detail).to_contain_text("Draft")
    detail.get_by_role("button", name="Publish").click()
    figures = detail.get_by_role("heading", name=re.compile(r"Confirmed by 0 of \d+ companies"))
    expect(figures).to_be_visible()
    assert_accessible(page)
    shoot(page, "announcements")

    found = Api(web.server, mall, "admin")("GET", "/announcements/?q=Water off").json()["results"][0]
    confirmed = Api(web.server, mall, "key_user")("POST", f"/announcements/{found['id']}/confirm/")
    assert confirmed.status_code == 200, confirmed.text
    page.reload()
    page.get_by_role("button", name="Open Water off on Friday").click()
    expect(page.get_by_role("heading", name=re.compile(r"Confirmed by 1 of \d+ companies"))).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Coffee Point")).to_contain_text("Key_User")


def test_the_tenant_card_with_its_key_user_premises_and_contacts(web, mall):
    page = admin_page(web, mall, "/app/admin/companies")
    row = page.get_by_role("row").filter(has_text="Coffee Point")
    expect(row).to_contain_text("Key_User")
    expect(row).to_contain_text("2-14")
    row.get_by_role("button", name="Card of Coffee Point").click()
    card = page.get_by_role("region", name="Coffee Point")
    card.get_by_role("button", name="Add a contact").click()
    card.get_by_label("Contact 1: name").fill("Olga Manager")
    card.get_by_label("Contact 1: phone").fill("+7 900 000-00-00")
    card.get_by_role("button", name="Save").click()
    expect(card.get_by_text("Saved.")).to_be_visible()
    assert_accessible(page)
    company = Api(web.server, mall, "admin")("GET", f"/companies/{mall.company.pk}/").json()
    assert [c["name"] for c in company["contacts"]] == ["Olga Manager"]
