"""The guard's gate (/app/gate) on a tablet: a pass's QR code shown to a fake camera is read and
judged valid, then invalid (revoked, with the reason) once revoked; a goods move-in expected today
is checked from the list and its "Goods brought in" ticked with a comment and a photo; axe; the
screen is only in the nav of people the API lets check at the gate.

The camera is Chromium's fake capture device playing a Y4M file made here from the QR code of the
pass's token (segno + Pillow), in a browser of its own (the flags are per browser)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import segno
from django.db import connection
from django_tenants.utils import tenant_context
from PIL import Image
from playwright.sync_api import expect

from tenant_apps.passes.models import Pass
from tests.e2e.conftest import ARTIFACTS, CHROMIUM_ARGS, Api, Web, assert_accessible, chromium_path
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def qr_video(text: str, path: Path, *, width: int = 640, height: int = 480, frames: int = 5) -> Path:
    """A Y4M (4:2:0) clip of the QR code of `text`, black on white in the middle of the frame."""
    png = io.BytesIO()
    segno.make(text, error="m").save(png, kind="png", scale=10, border=4)
    code = Image.open(io.BytesIO(png.getvalue())).convert("L")
    side = min(width, height) - 80
    code = code.resize((side, side), Image.NEAREST)
    frame = Image.new("L", (width, height), 255)
    frame.paste(code, ((width - side) // 2, (height - side) // 2))
    y, cb, cr = frame.convert("RGB").convert("YCbCr").split()
    half = (width // 2, height // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + (b"FRAME\n" + planes) * frames)
    return path


def photo_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (180, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def in_account(mall, fn):
    with tenant_context(mall.made.account):
        result = fn()
    connection.set_schema_to_public()
    return result


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"gate-{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def issued_pass(atrium_server, mall) -> dict:
    """A tenant's pass request for a driver, approved by Security (the guard) through the API."""
    today = datetime.now(UTC).date()
    made = Api(atrium_server, mall, "key_user")(
        "POST",
        "/pass-requests/",
        json={
            "kind": "temporary",
            "holders": [
                {"name": "Ivan Petrov", "document": "Passport 4510 123456", "vehicle_plate": "A123BC77"}
            ],
            "valid_from": (today - timedelta(days=1)).isoformat(),
            "valid_until": (today + timedelta(days=3)).isoformat(),
            "purpose": "Fitting the new shop window",
            "required_documents": ["Passport", "Vehicle registration"],
        },
    )
    assert made.status_code == 201, made.text
    body = made.json()
    decided = Api(atrium_server, mall, "guard")(
        "POST", f"/tickets/{body['ticket']['id']}/approvals/decide/", json={"decision": "approved"}
    )
    assert decided.status_code == 200, decided.text
    pass_id = body["passes"][0]["id"]
    token = in_account(mall, lambda: Pass.objects.get(pk=pass_id).qr_token)
    return {"id": pass_id, "token": token}


@pytest.fixture
def camera(atrium_server, celery_worker, browser, request, issued_pass, tmp_path):
    """A Web helper over a second chromium whose camera shows the pass's QR code."""
    clip = qr_video(issued_pass["token"], tmp_path / "pass-qr.y4m")
    chromium = browser.browser_type.launch(
        executable_path=chromium_path(),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={clip}",
        ],
    )
    helper = Web(atrium_server, chromium, request)
    yield helper
    report = getattr(request.node, "report_call", None)
    helper.close(failed=bool(report and report.failed))
    chromium.close()


def verdict(page):
    return page.locator("[data-verdict]")


def test_the_camera_reads_the_pass_valid_then_revoked(camera, atrium_server, mall, issued_pass):
    page = camera.signed_in(
        mall.host, mall.people["guard"].email, path="/app/gate", viewport="tablet", permissions=["camera"]
    )
    expect(page.get_by_role("heading", name="Gate", level=1)).to_be_visible()
    page.get_by_role("button", name="Scan a QR code").click()
    shown = verdict(page)
    expect(shown).to_have_attribute("data-verdict", "valid", timeout=20_000)
    expect(shown).to_contain_text("Valid")
    expect(shown).to_contain_text("The pass is valid.")
    expect(shown).to_contain_text("Ivan Petrov")
    expect(shown).to_contain_text("A123BC77")
    expect(shown.get_by_role("listitem").filter(has_text="Vehicle registration")).to_be_visible()
    expect(shown).to_contain_text("Allowed")
    # the scan ran through the JS decoder (this chromium has no BarcodeDetector) and was logged
    assert page.evaluate("() => 'BarcodeDetector' in window") is False
    log = Api(atrium_server, mall, "guard")("GET", "/gate/checks/", params={"pass": issued_pass["id"]}).json()
    assert [(c["method"], c["valid"]) for c in log["results"]] == [("qr", True)]
    assert_accessible(page)
    shoot(page, "tablet-valid")

    revoked = Api(atrium_server, mall, "admin")(
        "POST", f"/passes/{issued_pass['id']}/revoke/", json={"reason": "Badge reported lost"}
    )
    assert revoked.status_code == 200, revoked.text
    page.get_by_role("button", name="Scan the next one").click()
    expect(shown).to_have_attribute("data-verdict", "invalid", timeout=20_000)
    expect(shown).to_have_attribute("data-reason", "revoked")
    expect(shown).to_contain_text("Not valid")
    expect(shown).to_contain_text("The pass was revoked.")
    expect(shown).to_contain_text("Revoked: Badge reported lost")
    assert_accessible(page)
    shoot(page, "tablet-revoked")


def test_a_goods_move_in_from_todays_list_ticked_with_a_photo(web, atrium_server, mall):
    now = datetime.now(UTC)
    goods = Api(atrium_server, mall, "key_user").file(
        "goods_in",
        "Six shelves for Coffee Point",
        {"when": now.isoformat(), "goods": "Six shelves", "vehicle_plate": "B777OP"},
    )
    decided = Api(atrium_server, mall, "dispatcher")(  # Operations approves goods move-ins
        "POST", f"/tickets/{goods['id']}/approvals/decide/", json={"decision": "approved"}
    )
    assert decided.status_code == 200, decided.text

    page = web.signed_in(mall.host, mall.people["guard"].email, path="/app/gate", viewport="tablet")
    today = page.get_by_role("region", name="Expected today")
    row = today.get_by_role("listitem").filter(has_text=goods["key"])
    expect(row).to_contain_text("Six shelves for Coffee Point")
    expect(row).to_contain_text("B777OP")
    row.get_by_role("button", name=f"Check {goods['key']}").click()
    shown = verdict(page)
    expect(shown).to_have_attribute("data-verdict", "valid")
    item = shown.get_by_role("listitem").filter(has_text="Goods brought in")
    item.get_by_role("button", name="Tick: Goods brought in").click()
    item.get_by_role("textbox", name="Comment").fill("Six shelves, boxes intact")
    item.get_by_label("Photo").set_input_files(
        {"name": "shelves.png", "mimeType": "image/png", "buffer": photo_png()}
    )
    assert_accessible(page)
    shoot(page, "tablet-checklist")
    item.get_by_role("button", name="Save").click()
    expect(item.get_by_role("status")).to_have_text(re.compile(r"Done · with a photo"))

    checklist = Api(atrium_server, mall, "admin")("GET", f"/tickets/{goods['id']}/checklist/").json()
    ticked = next(i for i in checklist if i["label"] == "Goods brought in")
    assert ticked["done"] is True and ticked["comment"] == "Six shelves, boxes intact"
    assert ticked["photo"] is not None and ticked["done_by"]["name"] == "Guard"
    attachments = Api(atrium_server, mall, "admin")("GET", f"/tickets/{goods['id']}/attachments/").json()
    assert [a["id"] for a in attachments] == [ticked["photo"]]


@pytest.mark.parametrize("viewport", ["phone", "tablet_portrait"])
def test_a_typed_short_code_on_a_phone_and_a_portrait_tablet(web, atrium_server, mall, issued_pass, viewport):
    short = Api(atrium_server, mall, "guard")("GET", f"/passes/{issued_pass['id']}/").json()["short_code"]
    page = web.signed_in(mall.host, mall.people["guard"].email, path="/app/gate", viewport=viewport)
    page.get_by_role("textbox", name="Short code or ticket number").fill(short.replace("-", " ").lower())
    page.get_by_role("button", name="Check", exact=True).click()
    shown = verdict(page)
    expect(shown).to_have_attribute("data-verdict", re.compile(r"valid|invalid"))
    expect(shown).to_contain_text("Ivan Petrov")
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], width  # nothing wider than the screen
    assert_accessible(page)
    shoot(page, f"{viewport}-verdict")


def test_only_people_who_may_check_see_the_gate(web, atrium_server, mall):
    guard = web.signed_in(mall.host, mall.people["guard"].email, path="/app/queues")
    expect(guard.get_by_role("navigation").first.get_by_role("link", name="Gate")).to_be_visible()
    engineer = web.signed_in(mall.host, mall.people["plumber"].email, path="/app/queues")
    nav = engineer.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Queues")).to_be_visible()
    expect(nav.get_by_role("link", name="Gate")).to_have_count(0)
    api = Api(atrium_server, mall, "plumber")
    assert api("POST", "/gate/check/", json={"code": "ABCD-EFGH"}).status_code == 403
    assert api("GET", "/gate/today/").status_code == 403
    assert api("GET", "/gate/checks/").status_code == 403
