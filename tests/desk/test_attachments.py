"""Attachments: type read from content, size limit, internal files, access checked per request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


PNG = (  # a valid 1x1 PNG as Pillow writes it: uploads re-encode images, and this one stays the same
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload(mall, who, tid, name, content, internal=False):
    client = mall.client(who)
    return client.post(
        f"/api/v1/tickets/{tid}/attachments/",
        {"file": SimpleUploadedFile(name, content), "internal": internal},
        HTTP_HOST=mall.host,
    )


def test_photo_upload_and_download_by_people_who_see_the_ticket(mall):
    tid = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()["id"]
    response = upload(mall, "key_user", tid, "spill.png", PNG)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png" and body["size"] == len(PNG)
    got = mall.client("dispatcher").get(body["download_url"], HTTP_HOST=mall.host)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert mall.client("other_shop").get(body["download_url"], HTTP_HOST=mall.host).status_code == 404
    assert mall.client("visitor").get(body["download_url"], HTTP_HOST=mall.host).status_code == 404


def test_type_comes_from_content_not_name(mall, settings):
    tid = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()["id"]
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    disguised = upload(mall, "key_user", tid, "photo.png", elf)
    assert disguised.status_code == 400 and disguised.json()["code"] == "attachment_rejected"
    assert upload(mall, "key_user", tid, "empty.txt", b"").status_code == 400
    settings.ATTACHMENT_MAX_BYTES = 50
    assert "file" in upload(mall, "key_user", tid, "big.png", PNG).json()["fields"]


def test_internal_files_are_for_agents_only(mall):
    tid = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()["id"]
    assert upload(mall, "key_user", tid, "x.png", PNG, internal=True).status_code == 403
    internal = upload(
        mall, "dispatcher", tid, "invoice.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n", internal=True
    )
    assert internal.status_code == 201, internal.content
    assert mall.api("key_user", "get", f"/tickets/{tid}/attachments/").json() == []
    url = internal.json()["download_url"]
    assert mall.client("key_user").get(url, HTTP_HOST=mall.host).status_code == 404
    assert mall.client("guard").get(url, HTTP_HOST=mall.host).status_code == 200


def test_files_of_each_account_live_under_its_own_prefix(mall):
    from django_tenants.utils import schema_context

    from tenant_apps.desk.models import Attachment

    tid = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()["id"]
    aid = upload(mall, "key_user", tid, "spill.png", PNG).json()["id"]
    with schema_context(mall.schema):
        name = Attachment.objects.get(pk=aid).file.name
    assert name.startswith(f"{mall.schema}/tickets/{tid}/")
