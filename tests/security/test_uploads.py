"""Uploads: images reach the people who download them without their metadata (a phone camera's
GPS position above all), active content (SVG, HTML) is refused whatever its name, and images that
cannot be cleaned or are too large in pixels are refused (ticket files, checklist photos,
announcement files)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


GPS_IFD = 0x8825
ORIENTATION = 0x0112


def phone_photo(fmt: str = "JPEG", orientation: int = 6) -> bytes:
    """A 40x20 photo as a phone writes it: EXIF with a GPS position, the camera's make and an
    orientation tag (6: shown turned 90 degrees clockwise), XMP and a comment."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    image.paste((20, 20, 200), (0, 0, 10, 20))  # a blue band on the left, to see the rotation
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)})
    out = io.BytesIO()
    extra = {"comment": b"taken at home"} if fmt == "JPEG" else {}
    image.save(out, fmt, exif=exif.tobytes(), **extra)
    return out.getvalue()


def assert_clean(content: bytes, fmt: str) -> Image.Image:
    image = Image.open(io.BytesIO(content))
    assert image.format == fmt
    exif = image.getexif()
    assert GPS_IFD not in exif and not exif.get_ifd(GPS_IFD)
    assert 0x010F not in exif and 0x0110 not in exif
    assert "comment" not in image.info and "xmp" not in image.info
    assert b"PhoneMaker" not in content and b"taken at home" not in content
    return image


def upload(mall, who, tid, name, content):
    return mall.client(who).post(
        f"/api/v1/tickets/{tid}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        HTTP_HOST=mall.host,
    )


def download(mall, who, url) -> bytes:
    got = mall.client(who).get(url, HTTP_HOST=mall.host)
    assert got.status_code == 200
    return b"".join(got.streaming_content)


def ticket(mall) -> int:
    return mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()["id"]


@pytest.mark.parametrize("fmt, mime", [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_phone_photo_reaches_the_portal_without_its_location(mall, fmt, mime):
    tid = ticket(mall)
    original = phone_photo(fmt)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture has a position
    answer = upload(mall, "engineer", tid, f"leak.{fmt.lower()}", original)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["content_type"] == mime
    stored = download(mall, "key_user", body["download_url"])  # the tenant's portal downloads it
    assert body["size"] == len(stored)
    image = assert_clean(stored, fmt)
    # the orientation went into the pixels: the photo is upright (20x40), the blue band on top
    assert image.size == (20, 40) and ORIENTATION not in image.getexif()
    top = image.convert("RGB").getpixel((10, 2))
    assert top[2] > 150 and top[0] < 100


def test_a_checklist_photo_is_cleaned_too(mall, settings, tmp_path):
    from tests.support.worlds import post_leak, type_ids

    settings.MEDIA_ROOT = str(tmp_path)
    template = {
        "ticket_type": type_ids(mall)["leak"],
        "name": "Repair record",
        "stage": "in_progress",
        "items": [{"label": "Floor dried", "kind": "check"}],
    }
    assert mall.api("admin", "post", "/checklist-templates/", template).status_code == 201
    t = post_leak(mall)
    assert (
        mall.api("plumber", "post", f"/tickets/{t['id']}/transition/", {"to": "in_progress"}).status_code
        == 200
    )
    (item,) = mall.api("plumber", "get", f"/tickets/{t['id']}/checklist/").json()
    answer = mall.client("plumber").post(
        f"/api/v1/tickets/{t['id']}/checklist/{item['id']}/",
        {"value": "true", "photo": SimpleUploadedFile("floor.jpg", phone_photo())},
        HTTP_HOST=mall.host,
    )
    assert answer.status_code == 200, answer.content
    (photo,) = mall.api("key_user", "get", f"/tickets/{t['id']}/attachments/").json()
    assert photo["id"] == answer.json()["photo"]
    assert_clean(download(mall, "key_user", photo["download_url"]), "JPEG")


def test_an_announcement_image_is_cleaned_too(mall):
    draft = mall.api(
        "admin",
        "post",
        "/announcements/",
        {"title": "Water off", "body": "Tuesday", "audience": "all_tenants"},
    )
    assert draft.status_code == 201, draft.content
    aid = draft.json()["id"]
    answer = mall.client("admin").post(
        f"/api/v1/announcements/{aid}/attachments/",
        {"file": SimpleUploadedFile("map.jpg", phone_photo())},
        HTTP_HOST=mall.host,
    )
    assert answer.status_code == 201, answer.content
    assert_clean(download(mall, "admin", answer.json()["download_url"]), "JPEG")


SVG = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me/')</script></body></html>"


@pytest.mark.parametrize(
    "name, content",
    [("logo.svg", SVG), ("photo.png", SVG), ("notes.txt", SVG), ("page.html", HTML), ("readme.txt", HTML)],
)
def test_svg_and_html_are_refused_whatever_the_name(mall, name, content):
    answer = upload(mall, "key_user", ticket(mall), name, content)
    assert answer.status_code == 400 and answer.json()["code"] == "attachment_rejected"
    assert "file" in answer.json()["fields"]


def test_images_that_cannot_be_cleaned_are_refused(mall, settings):
    tid = ticket(mall)
    broken = phone_photo()[:300]  # a JPEG cut short: its type is known, its pixels are not
    answer = upload(mall, "key_user", tid, "cut.jpg", broken)
    assert answer.status_code == 400 and answer.json()["code"] == "attachment_rejected"
    # a decompression bomb: few bytes, far too many pixels
    bomb = io.BytesIO()
    Image.new("1", (12000, 12000)).save(bomb, "PNG")
    settings.ATTACHMENT_MAX_PIXELS = 50_000_000
    answer = upload(mall, "key_user", tid, "bomb.png", bomb.getvalue())
    assert answer.status_code == 400 and answer.json()["code"] == "attachment_rejected"
    # a plain document passes untouched
    pdf = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"
    answer = upload(mall, "key_user", tid, "act.pdf", pdf)
    assert answer.status_code == 201 and download(mall, "key_user", answer.json()["download_url"]) == pdf
