"""Input the API refuses by name instead of dropping or choking on: unknown and read-only fields
(JSON, form and multipart bodies), the text `null` for a JSON field in a form, ids beyond what the
database holds, text PostgreSQL cannot store. Nothing is written when a write is refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenant_apps.desk.models import SavedView, Ticket, TicketType
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def fields_of(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body["code"] == "invalid", body
    return body["fields"]


def test_unknown_field_in_a_json_write_is_refused_by_name(mall):
    with schema_context(mall.schema):
        before = Ticket.objects.count()
    answer = mall.api("dispatcher", "post", "/tickets/", {"type": "leak", "title": "Tap", "titel": "typo"})
    assert fields_of(answer) == {"titel": ["Unknown field."]}
    with schema_context(mall.schema):
        assert Ticket.objects.count() == before
    # field errors and unknown fields come together
    both = fields_of(mall.api("dispatcher", "post", "/tickets/", {"type": "leak", "bogus": 1}))
    assert both["bogus"] == ["Unknown field."] and "title" in both
    # the same body without the typo is filed
    assert (
        mall.api(
            "dispatcher",
            "post",
            "/tickets/",
            {"type": "leak", "title": "Tap", "fields": {"severity": "drip"}},
        ).status_code
        == 201
    )


def test_read_only_and_nested_unknown_fields_are_refused(mall):
    answer = mall.api("dispatcher", "post", "/saved-views/", {"name": "Mine", "filters": {}, "owner": 1})
    assert fields_of(answer) == {"owner": ["This field is read-only."]}
    with schema_context(mall.schema):
        assert not SavedView.objects.filter(name="Mine").exists()
        leak = TicketType.objects.get(code="leak")
        form = [{"key": "severity", "label": "Severity", "kind": "text", "colour": "red"}]
    nested = mall.api("admin", "patch", f"/ticket-types/{leak.pk}/", {"form_fields": form})
    assert fields_of(nested) == {"form_fields.0.colour": ["Unknown field."]}


def test_unknown_fields_in_form_and_multipart_bodies(mall):
    client = mall.client("admin")
    with schema_context(mall.schema):
        leak = TicketType.objects.get(code="leak")
    answer = client.patch(
        f"/api/v1/ticket-types/{leak.pk}/",
        "name=Leaks&nmae=typo&csrfmiddlewaretoken=ignored",
        content_type="application/x-www-form-urlencoded",
        HTTP_HOST=mall.host,
    )
    assert fields_of(answer) == {"nmae": ["Unknown field."]}
    ticket = mall.api(
        "dispatcher", "post", "/tickets/", {"type": "leak", "title": "Tap", "fields": {"severity": "drip"}}
    ).json()
    upload = mall.client("dispatcher").post(
        f"/api/v1/tickets/{ticket['id']}/attachments/",
        {"file": SimpleUploadedFile("a.txt", b"hello", "text/plain"), "intrenal": "true"},
        HTTP_HOST=mall.host,
    )
    assert fields_of(upload) == {"intrenal": ["Unknown field."]}
    ok = mall.client("dispatcher").post(
        f"/api/v1/tickets/{ticket['id']}/attachments/",
        {"file": SimpleUploadedFile("a.txt", b"hello", "text/plain"), "internal": "true"},
        HTTP_HOST=mall.host,
    )
    assert ok.status_code == 201, ok.content


def test_null_text_for_a_json_field_in_a_form_is_refused_and_nothing_is_written(mall):
    client = mall.client("admin")
    with schema_context(mall.schema):
        leak = TicketType.objects.get(code="leak")
        roles = leak.filing_roles
    for content_type, body in (
        ("application/x-www-form-urlencoded", "filing_roles=null"),
        (
            "multipart/form-data; boundary=BB",
            '--BB\r\nContent-Disposition: form-data; name="filing_roles"\r\n\r\nnull\r\n--BB--\r\n',
        ),
    ):
        answer = client.patch(
            f"/api/v1/ticket-types/{leak.pk}/", body, content_type=content_type, HTTP_HOST=mall.host
        )
        assert fields_of(answer) == {"filing_roles": ["This field may not be null."]}
    with schema_context(mall.schema):
        leak.refresh_from_db()
        assert leak.filing_roles == roles
    saved = client.post("/api/v1/saved-views/", {"name": "N", "filters": "null"}, HTTP_HOST=mall.host)
    assert fields_of(saved) == {"filters": ["This field may not be null."]}
    with schema_context(mall.schema):
        assert not SavedView.objects.filter(name="N").exists()


def test_ids_beyond_bigint_are_field_errors(mall):
    ticket = mall.api(
        "dispatcher", "post", "/tickets/", {"type": "leak", "title": "Tap", "fields": {"severity": "drip"}}
    ).json()
    huge = 2**70
    answer = mall.api("dispatcher", "post", f"/tickets/{ticket['id']}/watchers/", {"add": [huge]})
    assert list(fields_of(answer)) == ["add.0"]
    filed = mall.api("dispatcher", "post", "/tickets/", {"type": "leak", "title": "T", "watchers": [huge]})
    assert list(fields_of(filed)) == ["watchers.0"]
    located = mall.api("dispatcher", "post", "/tickets/", {"type": "leak", "title": "T", "location": huge})
    assert list(fields_of(located)) == ["location"]
    # in a path, an id nothing can have is simply not found
    assert mall.api("dispatcher", "get", f"/tickets/{huge}/").status_code == 404
    assert (
        mall.api(
            "dispatcher", "post", f"/tickets/{ticket['id']}/checklist/{huge}/", {"value": True}
        ).status_code
        == 404
    )


def test_text_postgresql_cannot_store_is_refused(mall):
    nul = mall.api(
        "dispatcher", "post", "/tickets/", {"type": "leak", "title": "T", "fields": {"a": "x\u0000y"}}
    )
    assert nul.status_code == 400 and nul.json()["code"] == "parse_error"
    key = mall.api("dispatcher", "post", "/saved-views/", {"name": "V", "filters": {"q\u0000": 1}})
    assert key.status_code == 400
    infinite = mall.client("dispatcher").post(
        "/api/v1/tickets/",
        '{"type": "leak", "title": "T", "fields": {"a": 1e999}}',
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert infinite.status_code == 400 and infinite.json()["code"] == "parse_error"
    quoted_nul = mall.api("dispatcher", "get", '/tickets/?f.severity="%5Cu0000"')
    assert quoted_nul.status_code == 200  # a quoted text is matched as text: nothing stored, nothing found
