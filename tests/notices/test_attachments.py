"""Announcement files: attached to drafts by staff, type read from content, size limit, served only
through the API to the people who may read the announcement."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_tenants.utils import schema_context

from tests.notices.conftest import PNG, announce, make_notices_mall
from tests.support.fixtures import rolled_back_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def notices_mall(django_db_setup, django_db_blocker):
    """The notices world made once for the file (tests/support/fixtures.py `rolled_back_world`):
    each test runs in a savepoint, so its writes are rolled back before the next test starts."""
    yield from rolled_back_world(django_db_blocker, make_notices_mall)


@pytest.fixture
def mall(notices_mall, settings, tmp_path):
    """As tests/notices/conftest.py's `mall`, uploads in the test's own folder, on the file's world."""
    settings.MEDIA_ROOT = str(tmp_path)
    return notices_mall


def upload(mall, who, aid, name, content):
    return mall.client(who).post(
        f"/api/v1/announcements/{aid}/attachments/",
        {"file": SimpleUploadedFile(name, content)},
        HTTP_HOST=mall.host,
    )


def download(mall, who, url):
    return mall.client(who).get(url, HTTP_HOST=mall.host)


def test_files_are_read_by_whoever_may_read_the_announcement(mall):
    aid = announce(mall, publish=False, audience="companies", companies=[mall.company.pk])["id"]
    response = upload(mall, "marketer", aid, "schedule.png", PNG)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/png" and body["size"] == len(PNG)
    url = body["download_url"]
    assert url == f"/api/v1/announcement-attachments/{body['id']}/download/"
    # a draft's file: staff who manage announcements only
    assert download(mall, "dispatcher", url).status_code == 200
    assert download(mall, "key_user", url).status_code == 404
    assert download(mall, "engineer", url).status_code == 404

    mall.api("dispatcher", "post", f"/announcements/{aid}/publish/")
    got = download(mall, "employee", url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == PNG
    assert got["Content-Disposition"].startswith("attachment") and got["X-Content-Type-Options"] == "nosniff"
    assert download(mall, "engineer", url).status_code == 200
    assert download(mall, "other_shop", url).status_code == 404  # not addressed to Book House
    assert download(mall, "visitor", url).status_code == 403
    listed = mall.api("key_user", "get", f"/announcements/{aid}/attachments/").json()
    assert [a["name"] for a in listed] == ["schedule.png"]
    assert mall.api("key_user", "get", f"/announcements/{aid}/").json()["attachments"][0]["id"] == body["id"]


def test_only_drafts_take_files_and_only_from_staff(mall):
    aid = announce(mall, publish=False)["id"]
    assert upload(mall, "key_user", aid, "x.png", PNG).status_code == 403
    assert upload(mall, "engineer", aid, "x.png", PNG).status_code == 403
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    disguised = upload(mall, "dispatcher", aid, "photo.png", elf)
    assert disguised.status_code == 400 and disguised.json()["code"] == "attachment_rejected"
    assert "file" in upload(mall, "dispatcher", aid, "empty.txt", b"").json()["fields"]
    pdf = upload(mall, "dispatcher", aid, "rules.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n")
    assert pdf.status_code == 201 and pdf.json()["content_type"] == "application/pdf"
    mall.api("dispatcher", "post", f"/announcements/{aid}/publish/")
    late = upload(mall, "dispatcher", aid, "late.png", PNG)
    assert late.status_code == 409 and late.json()["code"] == "announcement_state"
    removal = mall.api("dispatcher", "delete", f"/announcements/{aid}/attachments/{pdf.json()['id']}/")
    assert removal.status_code == 409
    assert len(mall.api("dispatcher", "get", f"/announcements/{aid}/attachments/").json()) == 1


def test_size_limit(mall, settings):
    aid = announce(mall, publish=False)["id"]
    settings.ATTACHMENT_MAX_BYTES = 50
    refused = upload(mall, "dispatcher", aid, "big.png", PNG)
    assert refused.status_code == 400 and "file" in refused.json()["fields"]


def test_removing_a_file_from_a_draft_and_deleting_a_draft_remove_the_stored_files(mall):
    from django.core.files.storage import default_storage

    from tenant_apps.notices.models import NoticeAttachment

    aid = announce(mall, publish=False)["id"]
    first = upload(mall, "dispatcher", aid, "a.png", PNG).json()["id"]
    second = upload(mall, "dispatcher", aid, "b.png", PNG).json()["id"]
    with schema_context(mall.schema):
        names = dict(NoticeAttachment.objects.values_list("pk", "file"))
    connection.set_schema_to_public()
    assert names[first].startswith(f"{mall.schema}/announcements/{aid}/")
    assert all(default_storage.exists(n) for n in names.values())

    assert mall.api("key_user", "delete", f"/announcements/{aid}/attachments/{first}/").status_code == 403
    assert mall.api("dispatcher", "delete", f"/announcements/{aid}/attachments/{first}/").status_code == 204
    assert mall.api("dispatcher", "delete", f"/announcements/{aid}/attachments/{first}/").status_code == 404
    assert [a["id"] for a in mall.api("dispatcher", "get", f"/announcements/{aid}/attachments/").json()] == [
        second
    ]
    assert mall.api("dispatcher", "delete", f"/announcements/{aid}/").status_code == 204
    # nothing is removed before the deletion commits (this test's transaction never does)
    assert default_storage.exists(names[second])


def test_stored_files_are_removed_after_commit(mall, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    from tenant_apps.notices.models import NoticeAttachment

    aid = announce(mall, publish=False)["id"]
    upload(mall, "dispatcher", aid, "a.png", PNG)
    with schema_context(mall.schema):
        name = NoticeAttachment.objects.get().file.name
    connection.set_schema_to_public()
    with django_capture_on_commit_callbacks(execute=True):
        assert mall.api("dispatcher", "delete", f"/announcements/{aid}/").status_code == 204
    assert not default_storage.exists(name)
