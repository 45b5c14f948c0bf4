"""Account administration III in the browser, against this module's own daphne (the fake Stripe of
tests/billing and a fake DNS at the resolver boundary): branding saved and a logo uploaded, the
custom-domain card (named, checked: the DNS answer shown, then verified), an API token issued and
revoked (the client signed out at once), and billing's Stripe buttons (Checkout, then the Customer
Portal once subscribed). Every screen axe-clean at 1440×900."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from billing.models import Plan
from tests.billing.fake_stripe import FakeStripe
from tests.e2e.conftest import ARTIFACTS, Api, assert_accessible
from tests.support.billing import PRICES, PUBLIC, WEBHOOK
from tests.support.clients import LiveServer
from tests.support.processes import free_port, start_daphne
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def fake_stripe():
    fake = FakeStripe()
    yield fake
    fake.close()


@pytest.fixture(scope="module")
def dns_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("dns") / "answers.json"
    path.write_text("{}")
    return path


@pytest.fixture(scope="module")
def server(live_db, fake_stripe, dns_file, tmp_path_factory):
    """A daphne of its own: Stripe settings pointing at the fake, the DNS resolver at the file."""
    port = free_port()
    env = {
        "DJANGO_SETTINGS_MODULE": "tests.e2e.admin_fakes_settings",
        "ATRIUM_E2E_FAKE_DNS": str(dns_file),
        "STRIPE_SECRET_KEY": "sk_test_atrium_fake",
        "STRIPE_API_BASE": fake_stripe.base,
        "STRIPE_WEBHOOK_SECRET": fake_stripe.webhook_secret,
    }
    daphne = start_daphne("daphne-admin", port, tmp_path_factory.mktemp("daphne-admin"), env=env)
    live = LiveServer(port)
    yield live
    daphne.stop()


@pytest.fixture(scope="module")
def mall(live_db):
    for code, price in PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=price)
    return make_mall()


@pytest.fixture
def site(web, server):
    """The browser helper, aimed at this module's daphne."""
    from tests.support.browser import Web

    helper = Web(server, web.browser, web.request)
    yield helper
    helper.close(failed=False)


def admin_page(site, mall, path: str):
    page = site.signed_in(mall.host, mall.people["admin"].email, path=path)
    page.set_viewport_size({"width": 1440, "height": 900})
    return page


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-account-{name}.png"), full_page=True)


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 24), (200, 60, 40)).save(out, "PNG")
    return out.getvalue()


def test_branding_is_saved_and_a_logo_uploaded(site, server, mall):
    page = admin_page(site, mall, "/app/admin/branding")
    expect(page.get_by_role("heading", name="Branding & domain", level=1)).to_be_visible()
    portal = page.get_by_role("region", name="Portal")
    portal.get_by_label("Portal name").fill("Riverside Help")
    portal.get_by_label("Main colour").fill("#1f5fa8")
    portal.get_by_role("button", name="Save").click()
    expect(portal.get_by_text("Saved.")).to_be_visible()

    logo = page.get_by_role("region", name="Logo")
    expect(logo.get_by_text("No logo yet.")).to_be_visible()
    logo.get_by_label("Upload a logo (PNG, JPEG or WebP)").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png()}]
    )
    image = logo.get_by_role("img", name="Current logo")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 48
    assert_accessible(page)
    shoot(page, "branding")

    branding = Api(server, mall, "admin")("GET", "/branding/").json()
    assert branding["portal_name"] == "Riverside Help"
    assert branding["primary_color"].lower() == "#1f5fa8"
    assert branding["logo_url"]


def test_custom_domain_check_shows_the_dns_answer(site, server, mall, dns_file):
    page = admin_page(site, mall, "/app/admin/branding")
    card = page.get_by_role("region", name="Custom domain")
    card.get_by_label("Domain").fill("desk.riverside-example.com")
    card.get_by_role("button", name="Use this domain").click()
    facts = card.get_by_test_id("domain-state")
    target = f"{mall.made.account.slug}.{settings.PLATFORM_DOMAIN}"
    expect(facts).to_contain_text("Waiting for the DNS record")
    expect(facts).to_contain_text(f"desk.riverside-example.com CNAME {target}")

    card.get_by_role("button", name="Check DNS").click()  # nothing answers for it yet
    expect(card.get_by_text("desk.riverside-example.com does not resolve yet.")).to_be_visible()
    expect(facts).to_contain_text("Last checked")

    dns_file.write_text(json.dumps({"desk.riverside-example.com": ["203.0.113.9"], target: ["203.0.113.7"]}))
    card.get_by_role("button", name="Check DNS").click()  # it resolves, elsewhere
    expect(card.get_by_text(f"desk.riverside-example.com does not point at {target} yet.")).to_be_visible()
    expect(facts).to_contain_text("Waiting for the DNS record")

    dns_file.write_text(json.dumps({"desk.riverside-example.com": ["203.0.113.7"], target: ["203.0.113.7"]}))
    card.get_by_role("button", name="Check DNS").click()
    expect(facts).to_contain_text("Verified: in use")
    expect(card.get_by_text(re.compile("does not"))).to_have_count(0)
    assert_accessible(page)
    shoot(page, "domain")

    card.get_by_role("button", name="Remove domain").click()
    expect(facts).to_have_count(0)


def test_an_api_token_is_issued_and_revoked(site, server, mall):
    client = Api(server, mall, "engineer")  # a mobile client signs in: a token is issued
    assert client("GET", "/me/").status_code == 200
    page = admin_page(site, mall, "/app/admin/tokens")
    engineer = mall.people["engineer"]
    revoke = page.get_by_role(
        "button", name=re.compile(rf"^Revoke token \S+ of {re.escape(engineer.full_name)}$")
    )
    expect(revoke).to_have_count(1)
    row = page.get_by_role("row").filter(has=revoke)
    expect(row).to_contain_text(engineer.email)
    assert_accessible(page)
    shoot(page, "tokens")
    revoke.click()
    expect(revoke).to_have_count(0)
    assert client("GET", "/me/").status_code == 401  # that client is signed out at once


def test_billing_buttons_open_stripe_checkout_and_the_portal(site, server, mall, fake_stripe):
    page = admin_page(site, mall, "/app/admin/billing")
    page.route(
        re.compile(r"^https://(checkout|billing)\.stripe\.com/.*"),
        lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Stripe</title>"),
    )
    expect(page.get_by_role("heading", name="Billing", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Manage payment in Stripe")).to_have_count(0)
    page.get_by_label("Seats to buy").fill("12")
    assert_accessible(page)
    shoot(page, "billing")
    page.get_by_role("button", name=re.compile(r"^Subscribe to Business")).click()
    page.wait_for_url(re.compile(r"^https://checkout\.stripe\.com/c/pay/cs_"))
    (session_call,) = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert session_call.params["line_items"] == [{"price": PRICES["business"], "quantity": "12"}]
    session_id = page.url.rsplit("/", 1)[-1]

    for event in fake_stripe.complete_checkout(session_id):  # the customer pays; Stripe's webhooks
        payload = json.dumps(event)
        answer = server.request(
            "POST",
            PUBLIC,
            WEBHOOK,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": fake_stripe.sign(payload)},
        )
        assert answer.status_code == 200, answer.text

    page.goto(site.url(mall.host, "/app/admin/billing"))
    expect(page.get_by_role("definition").filter(has_text="Active")).to_have_count(1)
    portal = page.get_by_role("button", name="Manage payment in Stripe")
    expect(portal).to_be_visible()
    assert_accessible(page)
    shoot(page, "billing-subscribed")
    portal.click()
    page.wait_for_url(re.compile(r"^https://billing\.stripe\.com/p/session/"))
    assert len(fake_stripe.calls("POST", "/v1/billing_portal/sessions")) == 1


def test_transition_effects_in_the_workflow_editor(site, server, mall):
    admin = Api(server, mall, "admin")
    groups = admin("GET", "/groups/", params={"page_size": 200}).json()["results"]
    engineering = next(g for g in groups if g["code"] == "engineering")
    made = admin(
        "POST",
        "/workflows/",
        json={
            "code": "effects-flow",
            "name": "Effects",
            "statuses": [
                {"key": "new", "name": "New", "category": "new", "is_initial": True},
                {"key": "doing", "name": "Doing", "category": "open"},
                {"key": "done", "name": "Done", "category": "closed"},
            ],
            "transitions": [
                {"source": "new", "target": "doing", "name": "Start", "set_group": engineering["id"]},
                {"source": "doing", "target": "done", "name": "Finish", "clear_assignee": True},
            ],
        },
    )
    assert made.status_code == 201, made.text
    page = admin_page(site, mall, f"/app/admin/workflows/{made.json()['id']}")
    expect(page.get_by_label("Group after transition 1")).to_have_value(str(engineering["id"]))
    expect(page.get_by_label("Assignee after transition 1")).to_have_value("keep")
    expect(page.get_by_label("Group after transition 2")).to_have_value("")
    expect(page.get_by_label("Assignee after transition 2")).to_have_value("clear")
    page.get_by_label("Assignee after transition 1").select_option("set")
    expect(page.get_by_role("combobox", name="Person assigned by transition 1")).to_be_visible()
    assert_accessible(page)
    shoot(page, "workflow-effects")

    page.get_by_label("Assignee after transition 1").select_option("keep")
    page.get_by_label("Group after transition 1").select_option("")
    page.get_by_label("Group after transition 2").select_option(str(engineering["id"]))
    page.get_by_label("Assignee after transition 2").select_option("keep")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Effects saved.")).to_be_visible()
    saved = admin("GET", f"/workflows/{made.json()['id']}/").json()
    start, finish = sorted(saved["transitions"], key=lambda x: x["name"] != "Start")
    assert (start["set_group"], start["set_assignee"], start["clear_assignee"]) == (None, None, False)
    assert (finish["set_group"], finish["set_assignee"], finish["clear_assignee"]) == (
        engineering["id"],
        None,
        False,
    )
