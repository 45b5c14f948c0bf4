"""Uploads before filing: a person uploads, then files; the ticket adopts only the filer's own
unattached uploads of this account; a required file field can be satisfied; unadopted uploads go
after a day."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


PNG = (  # a valid 1x1 PNG as Pillow writes it (uploads re-encode images; this one stays the same)
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def upload(mall, who, name="site.png", content=PNG):
    return mall.client(who).post(
        "/api/v1/uploads/", {"file": SimpleUploadedFile(name, content)}, HTTP_HOST=mall.host
    )


def uploaded(mall, who, name="site.png", content=PNG) -> int:
    response = upload(mall, who, name, content)
    assert response.status_code == 201, response.content
    return response.json()["id"]


def require_photo(mall, code="dirt"):
    from tenant_apps.desk.models import FieldKind, FormField, TicketType

    with in_account(mall):
        FormField.objects.create(
            ticket_type=TicketType.objects.get(code=code),
            key="photo",
            label="Photo of the site",
            kind=FieldKind.FILE,
            required=True,
        )


def file_dirt(mall, who="key_user", **body):
    return mall.api(who, "post", "/tickets/", {"type": "dirt", "title": "Spill at 2-14", **body})


def test_a_required_file_field_is_satisfied_by_an_upload_made_before_filing(mall):
    require_photo(mall)
    missing = file_dirt(mall)
    assert missing.status_code == 400 and "fields.photo" in missing.json()["fields"]
    photo = uploaded(mall, "key_user")
    extra = uploaded(mall, "key_user", "note.txt", b"the spill is near the lift")
    filed = file_dirt(mall, fields={"photo": photo}, attachments=[extra])
    assert filed.status_code == 201, filed.content
    ticket = filed.json()
    assert ticket["fields"] == {"photo": photo}
    files = mall.api("dispatcher", "get", f"/tickets/{ticket['id']}/attachments/").json()
    assert sorted(f["id"] for f in files) == sorted([photo, extra])
    got = mall.client("dispatcher").get(files[0]["download_url"], HTTP_HOST=mall.host)
    assert got.status_code == 200
    history = mall.api("key_user", "get", f"/tickets/{ticket['id']}/events/").json()
    assert sorted(e["data"]["attachment_id"] for e in history if e["kind"] == "attachment_added") == sorted(
        [photo, extra]
    )


def test_only_the_uploaders_own_unattached_uploads_are_adopted(mall):
    require_photo(mall)
    theirs = uploaded(mall, "employee")  # a colleague's upload, same company
    refused = file_dirt(mall, fields={"photo": theirs})
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid" and "fields.photo" in refused.json()["fields"]
    refused = file_dirt(mall, fields={"photo": uploaded(mall, "key_user")}, attachments=[theirs])
    assert refused.status_code == 400 and "attachments" in refused.json()["fields"]
    # the colleague's upload is still theirs to use, and nothing was filed or adopted
    assert mall.api("admin", "get", "/tickets/").json()["results"] == []
    assert file_dirt(mall, "employee", fields={"photo": theirs}).status_code == 201

    mine = uploaded(mall, "key_user")
    assert file_dirt(mall, fields={"photo": mine}).status_code == 201
    again = file_dirt(mall, fields={"photo": mine})  # adopted already
    assert again.status_code == 400 and "fields.photo" in again.json()["fields"]
    again = file_dirt(mall, fields={"photo": uploaded(mall, "key_user")}, attachments=[mine])
    assert again.status_code == 400 and "attachments" in again.json()["fields"]
    nothing = file_dirt(mall, fields={"photo": 10**9})
    assert nothing.status_code == 400 and "fields.photo" in nothing.json()["fields"]


def test_a_file_field_can_name_an_attachment_of_the_ticket_itself_but_not_of_another(mall):
    from tenant_apps.desk.models import FieldKind, FormField, TicketType

    with in_account(mall):
        FormField.objects.create(
            ticket_type=TicketType.objects.get(code="dirt"), key="proof", label="Proof", kind=FieldKind.FILE
        )
    first = file_dirt(mall).json()["id"]
    second = file_dirt(mall).json()["id"]
    on_first = mall.client("key_user").post(
        f"/api/v1/tickets/{first}/attachments/",
        {"file": SimpleUploadedFile("a.png", PNG)},
        HTTP_HOST=mall.host,
    )
    assert on_first.status_code == 201
    own = on_first.json()["id"]
    assert (
        mall.api("dispatcher", "patch", f"/tickets/{first}/", {"fields": {"proof": own}}).status_code == 200
    )
    foreign = mall.api("dispatcher", "patch", f"/tickets/{second}/", {"fields": {"proof": own}})
    assert foreign.status_code == 400 and "fields.proof" in foreign.json()["fields"]
    # an upload of the changer's own made before the change is adopted by the ticket changed
    fresh = uploaded(mall, "dispatcher")
    assert (
        mall.api("dispatcher", "patch", f"/tickets/{second}/", {"fields": {"proof": fresh}}).status_code
        == 200
    )
    ids = [a["id"] for a in mall.api("dispatcher", "get", f"/tickets/{second}/attachments/").json()]
    assert ids == [fresh]


def test_another_accounts_upload_names_nothing_here(mall):
    require_photo(mall)
    other = make_mall()
    foreign = uploaded(other, "key_user")
    refused = file_dirt(mall, fields={"photo": foreign}, attachments=[foreign])
    assert refused.status_code == 400
    assert {"fields.photo", "attachments"} <= set(refused.json()["fields"])
    # and it stays its owner's, downloadable by them alone, in their own account
    url = f"/api/v1/attachments/{foreign}/download/"
    assert other.client("key_user").get(url, HTTP_HOST=other.host).status_code == 200
    assert other.client("dispatcher").get(url, HTTP_HOST=other.host).status_code == 404
    assert mall.client("key_user").get(url, HTTP_HOST=mall.host).status_code == 404


def test_uploads_get_the_attachment_checks(mall, settings):
    elf = b"\x7fELF\x02\x01\x01" + b"\x00" * 100
    disguised = upload(mall, "key_user", "photo.png", elf)
    assert disguised.status_code == 400 and disguised.json()["code"] == "attachment_rejected"
    assert upload(mall, "key_user", "empty.txt", b"").status_code == 400
    assert mall.client("key_user").post("/api/v1/uploads/", {}, HTTP_HOST=mall.host).status_code == 400
    settings.ATTACHMENT_MAX_BYTES = 50
    assert "file" in upload(mall, "key_user").json()["fields"]
    anonymous = mall.client("key_user")
    anonymous.logout()
    assert anonymous.post(
        "/api/v1/uploads/", {"file": SimpleUploadedFile("a.png", PNG)}, HTTP_HOST=mall.host
    ).status_code in (401, 403)


def test_an_uploader_may_discard_their_own_pending_upload_only(mall):
    mine = uploaded(mall, "key_user")
    assert mall.api("employee", "delete", f"/uploads/{mine}/").status_code == 404
    assert mall.api("key_user", "delete", f"/uploads/{mine}/").status_code == 204
    assert mall.api("key_user", "delete", f"/uploads/{mine}/").status_code == 404
    adopted = uploaded(mall, "key_user")
    assert file_dirt(mall, attachments=[adopted]).status_code == 201
    assert mall.api("key_user", "delete", f"/uploads/{adopted}/").status_code == 404


def test_unadopted_uploads_are_deleted_after_a_day(mall, django_capture_on_commit_callbacks):
    from tenant_apps.desk.models import Attachment
    from tenant_apps.desk.tasks import delete_unadopted_uploads

    stale, fresh, adopted = (uploaded(mall, "key_user") for _ in range(3))
    assert file_dirt(mall, attachments=[adopted]).status_code == 201
    with in_account(mall):
        Attachment.objects.filter(pk__in=[stale, adopted]).update(
            created_at=timezone.now() - timedelta(hours=25)
        )
        stored = Attachment.objects.get(pk=stale).file
        name, storage = stored.name, stored.storage
        assert storage.exists(name)
        with django_capture_on_commit_callbacks(execute=True):
            assert delete_unadopted_uploads() == 1
        assert set(Attachment.objects.values_list("pk", flat=True)) == {fresh, adopted}
        assert not storage.exists(name)
