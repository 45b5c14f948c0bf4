"""The account's branding: read by anyone on its host, changed by its admin; the logo, the app
icons and the portal's web manifest; mail in the account's colours with links to the right app."""

from __future__ import annotations

import io
import json

import pytest
from django.core import mail
from django.test import Client
from django_tenants.utils import tenant_context
from PIL import Image

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db

PUBLIC_FIELDS = {
    "name",
    "portal_name",
    "welcome_text",
    "primary_color",
    "accent_color",
    "logo_url",
    "icon_url",
    "language",
    "languages",
}


@pytest.fixture
def mall(module_mall, settings, tmp_path):  # noqa: F811
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    settings.MEDIA_ROOT = str(tmp_path)
    return module_mall


def png(size=(300, 120), colour=(200, 30, 30), fmt="PNG", **save) -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt, **save)
    out.seek(0)
    out.name = f"logo.{fmt.lower()}"
    return out


def put_logo(client, mall, file):
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    return client.generic(
        "PUT",
        "/api/v1/branding/logo/",
        encode_multipart(BOUNDARY, {"file": file}),
        content_type=MULTIPART_CONTENT,
        HTTP_HOST=mall.host,
    )


def anonymous(mall, path, **extra):
    return Client().get(path, HTTP_HOST=mall.host, **extra)


def test_anyone_on_the_host_reads_the_public_branding(mall):
    response = anonymous(mall, "/api/v1/branding/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == PUBLIC_FIELDS
    assert body["name"] == mall.made.account.name
    assert body["portal_name"] == mall.made.account.name  # until the admin names the portal
    assert body["primary_color"].startswith("#") and body["logo_url"] is None
    assert body["language"] == "en" and set(body["languages"]) == {"ru", "en"}


def test_the_admin_changes_it_and_nobody_else_may(mall):
    change = {"portal_name": "Zeleny Park", "welcome_text": "Hello, tenants", "primary_color": "#0a7c3e"}
    for who in ("dispatcher", "key_user"):
        assert mall.api(who, "patch", "/branding/", change).status_code == 403
    assert Client().patch(
        "/api/v1/branding/", change, content_type="application/json", HTTP_HOST=mall.host
    ).status_code in (401, 403)
    answer = mall.api("admin", "patch", "/branding/", change)
    assert answer.status_code == 200, answer.content
    assert answer.json()["primary_color"] == "#0A7C3E"
    body = anonymous(mall, "/api/v1/branding/").json()
    assert (body["portal_name"], body["welcome_text"], body["primary_color"]) == (
        "Zeleny Park",
        "Hello, tenants",
        "#0A7C3E",
    )


def test_bad_colours_are_refused_with_field_messages_and_nothing_changes(mall):
    before = anonymous(mall, "/api/v1/branding/").json()
    bad = mall.api("admin", "patch", "/branding/", {"primary_color": "green", "accent_color": "#12345G"})
    assert bad.status_code == 400
    assert {"primary_color", "accent_color"} <= set(bad.json()["fields"])
    unknown = mall.api("admin", "patch", "/branding/", {"logo_url": "http://evil.example/x.png"})
    assert unknown.status_code == 400 and "logo_url" in unknown.json()["fields"]
    assert anonymous(mall, "/api/v1/branding/").json() == before


def test_a_logo_is_stored_re_encoded_and_served_and_svg_is_refused(mall):
    client = mall.client("admin")
    photo = png(fmt="JPEG")
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker: metadata that must not survive
    photo = io.BytesIO()
    Image.new("RGB", (300, 120), (10, 20, 200)).save(photo, "JPEG", exif=exif)
    photo.seek(0)
    photo.name = "logo.jpg"
    answer = put_logo(client, mall, photo)
    assert answer.status_code == 200, answer.content
    logo_url = answer.json()["logo_url"]
    assert logo_url and logo_url.startswith("/branding/logo.jpg?v=")
    served = anonymous(mall, logo_url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert image.size == (300, 120) and not image.getexif()
    svg = io.BytesIO(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    svg.name = "logo.png"
    refused = put_logo(client, mall, svg)
    assert refused.status_code == 400 and "file" in refused.json()["fields"]
    pdf = io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    pdf.name = "logo.pdf"
    assert put_logo(client, mall, pdf).status_code == 400
    assert put_logo(mall.client("key_user"), mall, png()).status_code == 403
    assert anonymous(mall, "/api/v1/branding/").json()["logo_url"] == logo_url  # still the JPEG
    gone = client.delete("/api/v1/branding/logo/", HTTP_HOST=mall.host)
    assert gone.status_code == 200 and gone.json()["logo_url"] is None
    assert anonymous(mall, "/branding/logo.jpg").status_code == 404


def test_the_manifest_names_the_portal_and_its_icons_load_as_pngs_of_their_size(mall):
    mall.api("admin", "patch", "/branding/", {"portal_name": "Zeleny Park", "primary_color": "#0A7C3E"})
    response = anonymous(mall, "/portal/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Zeleny Park" and manifest["short_name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/portal/",
        "/portal/",
        "standalone",
    )
    assert manifest["theme_color"] == "#0A7C3E" and manifest["background_color"]
    sizes = {}
    for icon in manifest["icons"]:
        served = anonymous(mall, icon["src"])
        assert served.status_code == 200 and served["Content-Type"] == "image/png"
        image = Image.open(io.BytesIO(served.content))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        sizes.setdefault(icon["sizes"], set()).add(icon["purpose"])
        assert served["ETag"]
    assert sizes == {"192x192": {"any", "maskable"}, "512x512": {"any", "maskable"}}
    # the default icon is the primary colour (its corner) with the initials on it
    corner = (
        Image.open(io.BytesIO(anonymous(mall, "/branding/icon-192.png").content))
        .convert("RGB")
        .getpixel((2, 2))
    )
    assert corner == (0x0A, 0x7C, 0x3E)
    # a change gives new icon URLs, and the old ETag no longer matches
    etag = anonymous(mall, "/branding/icon-512.png")["ETag"]
    assert anonymous(mall, "/branding/icon-512.png", HTTP_IF_NONE_MATCH=etag).status_code == 304
    mall.api("admin", "patch", "/branding/", {"primary_color": "#222222"})
    again = json.loads(anonymous(mall, "/portal/manifest.webmanifest").content)
    assert again["icons"][0]["src"] != manifest["icons"][0]["src"]
    assert anonymous(mall, "/branding/icon-512.png", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert anonymous(mall, "/branding/icon-100.png").status_code == 404


def test_an_icon_is_drawn_from_the_logo(mall):
    client = mall.client("admin")
    put_logo(client, mall, png(colour=(255, 255, 0)))
    icon = Image.open(io.BytesIO(anonymous(mall, "/branding/icon-512.png").content)).convert("RGB")
    assert icon.size == (512, 512)
    assert icon.getpixel((256, 256)) == (255, 255, 0)  # the logo in the middle


def test_one_accounts_branding_is_never_served_on_anothers_host(mall):
    other = make_mall()
    mall.api("admin", "patch", "/branding/", {"portal_name": "Only A", "primary_color": "#AA0000"})
    put_logo(mall.client("admin"), mall, png())
    b = anonymous(other, "/api/v1/branding/").json()
    assert b["portal_name"] == other.made.account.name and b["logo_url"] is None
    assert json.loads(anonymous(other, "/portal/manifest.webmanifest").content)["name"] != "Only A"
    assert anonymous(other, "/branding/logo.png").status_code == 404
    corner = (
        Image.open(io.BytesIO(anonymous(other, "/branding/icon-192.png").content))
        .convert("RGB")
        .getpixel((2, 2))
    )
    assert corner != (0xAA, 0, 0)
    # B's admin changes B only
    other.api("admin", "patch", "/branding/", {"portal_name": "Only B"})
    assert anonymous(mall, "/api/v1/branding/").json()["portal_name"] == "Only A"


def test_tenants_mail_links_open_the_portal_and_agents_the_workspace(mall, settings):
    from tenant_apps.people.services import invite_person, send_invitation, send_password_reset

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mall.api("admin", "patch", "/branding/", {"portal_name": "Zeleny Park", "primary_color": "#0A7C3E"})

    with tenant_context(mall.made.account):
        admin = mall.people["admin"]
        tenant = invite_person(
            actor=admin,
            email="new.shop@example.com",
            full_name="New Shop",
            role="employee",
            company=mall.company,
        )
        agent = invite_person(
            actor=admin, email="new.engineer@example.com", full_name="New Engineer", role="engineer"
        )
        mail.outbox.clear()
        send_invitation(user_id=tenant.pk)
        send_invitation(user_id=agent.pk)
        send_password_reset(user_id=mall.people["key_user"].pk)
        send_password_reset(user_id=mall.people["engineer"].pk)
    by_person = {m.to[0]: m for m in mail.outbox if "invited" in m.subject}
    resets = {m.to[0]: m for m in mail.outbox if "Reset" in m.subject}
    host = mall.host
    assert f"{host}" in by_person["new.shop@example.com"].body
    assert "/portal/accept-invitation?uid=" in by_person["new.shop@example.com"].body
    assert "/app/accept-invitation?uid=" in by_person["new.engineer@example.com"].body
    assert "/portal/reset-password?uid=" in resets[mall.people["key_user"].email].body
    assert "/app/reset-password?uid=" in resets[mall.people["engineer"].email].body
    # the tenant's mail names the portal, in its colour
    invite = by_person["new.shop@example.com"]
    assert "Zeleny Park" in invite.subject
    html = invite.alternatives[0][0]
    assert "Zeleny Park" in html and "#0A7C3E" in html and "/portal/accept-invitation?uid=" in html
