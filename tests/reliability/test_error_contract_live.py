"""The error contract under the real server (daphne, ASGI): what the in-process client cannot
show, such as bodies daphne or Twisted would otherwise answer for Django."""

from __future__ import annotations

import pytest

from tests.support.worlds import provision

pytestmark = pytest.mark.live


def _shape(answer, status: int, code: str) -> None:
    assert answer.status_code == status, (answer.status_code, answer.content[:300])
    assert answer.headers["Content-Type"].startswith("application/json")
    body = answer.json()
    assert body["code"] == code and body["fields"] == {} or body["code"] == code, body
    assert set(body) == {"code", "detail", "fields", "request_id"}
    assert body["request_id"] == answer.headers["X-Request-ID"]


def test_bodies_nobody_can_read_are_answered_in_the_error_shape(atrium_server):
    made = provision()
    host = f"{made.account.slug}.atrium.localhost"
    post = lambda path, body, ctype, h=host: atrium_server.request(  # noqa: E731
        "POST", h, path, data=body, headers={"Content-Type": ctype}
    )
    # a multipart body Twisted could not parse used to get Twisted's own bare 400
    broken = post("/api/v1/auth/password-reset/", b"--xx--\r\n", "multipart/form-data; boundary=xx")
    assert broken.status_code == 400 and broken.headers["Content-Type"].startswith("application/json")
    assert set(broken.json()) == {"code", "detail", "fields", "request_id"}
    _shape(post("/api/v1/auth/password-reset/", b'{"email": "\xff"}', "application/json"), 400, "parse_error")
    big = b'{"email": "' + b"x" * 10_000_000 + b'"}'
    _shape(post("/api/v1/auth/password-reset/", big, "application/json"), 413, "request_too_large")
    deep = b"[" * 5000 + b"]" * 5000
    _shape(post("/api/v1/signup/", deep, "application/json", "atrium.localhost"), 400, "parse_error")
    _shape(atrium_server.request("GET", host, "/api/v1/nothing-here/"), 404, "not_found")
    _shape(atrium_server.request("GET", "atrium.localhost", "/api/v1/nothing-here/"), 404, "not_found")
