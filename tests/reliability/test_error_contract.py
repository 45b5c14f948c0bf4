"""Every error answer of the API is JSON in one shape, `{"code", "detail", "fields", "request_id"}`,
with the same id in the `X-Request-ID` header: DRF's own errors, Django's (unknown paths, bodies too
large or unreadable, a 500), on account hosts and on the public host. The web app's pages are not
API answers and keep their HTML."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests.support.worlds import PASSWORD, provision

pytestmark = pytest.mark.django_db(transaction=False)

PUBLIC = "atrium.localhost"


@pytest.fixture
def account():
    made = provision()
    return made, f"{made.account.slug}.atrium.localhost"


def token_for(host: str, email: str) -> str:
    answer = Client().post(
        "/api/v1/auth/tokens/",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert answer.status_code == 201, answer.content
    return answer.json()["token"]


def assert_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = json.loads(response.content)
    assert set(body) == {"code", "detail", "fields", "request_id"}, body
    assert isinstance(body["fields"], dict) and isinstance(body["detail"], str) and body["code"]
    assert body["request_id"] == response["X-Request-ID"]
    if code is not None:
        assert body["code"] == code, body
    return body


def test_unknown_api_paths_answer_json_404_on_account_and_public_hosts(account):
    _, host = account
    for h in (host, PUBLIC):
        assert_error(Client().get("/api/v1/no-such-thing/", HTTP_HOST=h), 404, "not_found")
        assert_error(Client().post("/api/nope", {}, HTTP_HOST=h), 404, "not_found")
    # an unknown host is a JSON 404 too
    assert_error(Client().get("/api/v1/me/", HTTP_HOST="nobody.atrium.localhost"), 404, "unknown_host")


def test_non_api_pages_keep_html(account):
    _, host = account
    answer = Client().get("/no-such-page/", HTTP_HOST=host)
    assert answer.status_code == 404
    assert not answer["Content-Type"].startswith("application/json")
    assert answer["X-Request-ID"]  # every answer carries its id


def test_request_id_is_kept_when_sane_and_made_otherwise(account):
    _, host = account
    kept = Client().get("/api/v1/me/", HTTP_HOST=host, HTTP_X_REQUEST_ID="lb-7f3a9c.42")
    assert assert_error(kept, 401)["request_id"] == "lb-7f3a9c.42"
    for insane in ("a" * 300, "<script>", "x y"):
        made = Client().get("/api/v1/me/", HTTP_HOST=host, HTTP_X_REQUEST_ID=insane)
        assert assert_error(made, 401)["request_id"] not in (insane, "")
    one = Client().get("/api/v1/me/", HTTP_HOST=host)["X-Request-ID"]
    two = Client().get("/api/v1/me/", HTTP_HOST=host)["X-Request-ID"]
    assert one and two and one != two


def test_unreadable_bodies_are_parse_errors(account):
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    c = Client()
    assert_error(
        c.post("/api/v1/tickets/", "{bad", content_type="application/json", **auth), 400, "parse_error"
    )
    latin1 = '{"type": "leak", "title": "Caf\xe9"}'.encode("latin-1")
    assert_error(
        c.post("/api/v1/tickets/", latin1, content_type="application/json", **auth), 400, "parse_error"
    )
    assert_error(
        c.post("/api/v1/tickets/", "x", content_type="text/plain", **auth), 415, "unsupported_media_type"
    )
    broken = b'--xx\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nabc'
    answer = c.post(
        "/api/v1/tickets/1/attachments/", broken, content_type="multipart/form-data; boundary=xx", **auth
    )
    assert answer.status_code in (400, 404)
    assert_error(answer, answer.status_code)
    # the signup needs no sign-in: same rules
    assert_error(
        c.post("/api/v1/signup/", "{bad", content_type="application/json", HTTP_HOST=PUBLIC),
        400,
        "parse_error",
    )


def test_deeply_nested_json_is_a_parse_error_everywhere(account):
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    deep = "[" * 5000 + "]" * 5000
    c = Client()
    assert_error(
        c.post("/api/v1/tickets/", deep, content_type="application/json", **auth), 400, "parse_error"
    )
    assert_error(
        c.post("/api/v1/signup/", deep, content_type="application/json", HTTP_HOST=PUBLIC), 400, "parse_error"
    )
    # deep but within the recursion limit: still refused before it reaches a field
    nested = '{"type": "leak", "title": "t", "fields": {"a": ' + "[" * 200 + "]" * 200 + "}}"
    assert_error(
        c.post("/api/v1/tickets/", nested, content_type="application/json", **auth), 400, "parse_error"
    )


def test_oversized_bodies_are_413(account):
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    big = json.dumps({"type": "leak", "title": "x" * (3 * 1024 * 1024)})
    assert_error(
        Client().post("/api/v1/tickets/", big, content_type="application/json", **auth),
        413,
        "request_too_large",
    )
    form = "title=" + "x" * (3 * 1024 * 1024)
    assert_error(
        Client().post(
            "/api/v1/signup/", form, content_type="application/x-www-form-urlencoded", HTTP_HOST=PUBLIC
        ),
        413,
        "request_too_large",
    )


def test_drf_errors_keep_the_shape(account):
    made, host = account
    c = Client()
    assert_error(c.get("/api/v1/tickets/", HTTP_HOST=host), 401, "not_authenticated")
    assert_error(c.get("/api/v1/tickets/", HTTP_HOST=host, HTTP_AUTHORIZATION="Token nope"), 401)
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    assert_error(c.get("/api/v1/tickets/999999/", **auth), 404, "not_found")
    from django_tenants.utils import schema_context

    from tenant_apps.people.models import Role
    from tenant_apps.people.services import create_person

    with schema_context(made.account.schema_name):
        create_person(email=f"emp@{host}", full_name="Emp", role=Role.VISITOR, password=PASSWORD)
    visitor = {"HTTP_AUTHORIZATION": f"Token {token_for(host, f'emp@{host}')}", "HTTP_HOST": host}
    assert_error(c.get("/api/v1/workflows/", **visitor), 403, "permission_denied")
    assert_error(c.put("/api/v1/me/", {}, content_type="application/json", **auth), 405, "method_not_allowed")
    assert_error(c.get("/api/v1/me/", HTTP_ACCEPT="application/xml", **auth), 406, "not_acceptable")
    invalid = assert_error(
        c.post("/api/v1/tickets/", {"type": "leak"}, content_type="application/json", **auth), 400, "invalid"
    )
    assert "title" in invalid["fields"]


def test_throttled_is_429_in_the_shape(account, monkeypatch):
    made, host = account
    monkeypatch.setattr(
        SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "login": "1/hour"}
    )
    from django.core.cache import cache

    cache.clear()
    c = Client()
    for _ in range(2):
        answer = c.post(
            "/api/v1/auth/tokens/",
            {"email": made.admin.email, "password": "wrong-password-1"},
            content_type="application/json",
            HTTP_HOST=host,
            REMOTE_ADDR="10.9.8.7",
        )
    assert_error(answer, 429, "throttled")
    assert answer["Retry-After"]


def test_a_bug_is_a_json_500_and_a_lost_database_a_json_503(account, monkeypatch):
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    from tenant_apps.desk import selectors

    def bug(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(selectors, "tickets_for", bug)
    c = Client(raise_request_exception=False)
    body = assert_error(c.get("/api/v1/tickets/", **auth), 500, "server_error")
    assert "ZeroDivision" not in body["detail"]  # nothing of the inside leaks

    def gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(selectors, "tickets_for", gone)
    answer = c.get("/api/v1/tickets/", **auth)
    assert_error(answer, 503, "service_unavailable")
    assert answer["Retry-After"]


def test_nul_in_query_parameters_is_a_400_naming_them(account):
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    c = Client()
    body = assert_error(c.get("/api/v1/tickets/?f.severity=%00", **auth), 400, "invalid")
    assert list(body["fields"]) == ["f.severity"]
    assert_error(c.get("/api/v1/tickets/?f.sev%00erity=drip", **auth), 400, "invalid")
    assert_error(c.get("/api/v1/tickets/?q=a%00b", **auth), 400, "invalid")
    assert c.get("/api/v1/tickets/?f.severity=drip", **auth).status_code == 200


def test_a_value_the_database_cannot_hold_is_a_400_not_a_500(account):
    """A date whose UTC offset is past PostgreSQL's ±15:59 (Python accepts up to ±23:59) got through
    the filters and failed in the database (schemathesis' stateful run found it)."""
    made, host = account
    auth = {"HTTP_AUTHORIZATION": f"Token {token_for(host, made.admin.email)}", "HTTP_HOST": host}
    c = Client()
    assert c.get("/api/v1/tickets/?created_after=2026-03-06T12:10:12-03:00", **auth).status_code == 200
    # last: inside this test's transaction the failed statement aborts it (requests autocommit)
    assert_error(c.get("/api/v1/tickets/?created_after=0013-03-06T12:10:12-19:11", **auth), 400, "invalid")
