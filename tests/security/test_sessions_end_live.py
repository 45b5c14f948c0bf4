"""A person's sessions, tokens and open websockets end when their password changes, they sign out
or revoke a token, or their access lapses by the clock (a real daphne and worker, real sockets).
Blocking is covered in tests/live/test_live_updates.py and tests/people/test_keyusers.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from websockets.exceptions import ConnectionClosed

from tests.support.processes import wait_for
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.live

NEW_PASSWORD = "Fresh-lantern-2026"


@pytest.fixture
def mall(live_db):
    return make_mall()


def token(server, mall, who: str, password: str = PASSWORD) -> str:
    answer = server.request(
        "POST",
        mall.host,
        "/api/v1/auth/tokens/",
        json={"email": mall.people[who].email, "password": password},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def session_cookie(server, mall, who: str) -> str:
    answer = server.request(
        "POST",
        mall.host,
        "/api/v1/auth/session/",
        json={"email": mall.people[who].email, "password": PASSWORD},
    )
    assert answer.status_code == 200, answer.text
    return f"sessionid={answer.cookies['sessionid']}"


def api(server, mall, path: str, method: str = "GET", **headers) -> requests.Response:
    kwargs = {"json": headers.pop("json")} if "json" in headers else {}
    return server.request(method, mall.host, f"/api/v1{path}", headers=headers, **kwargs)


def open_socket(server, mall, headers: dict):
    ws = server.ws_connect(mall.host, "/ws/", headers)
    assert json.loads(ws.recv(timeout=5))["type"] == "hello"
    return ws


def closed_code(ws, timeout: float = 10) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            ws.recv(timeout=timeout)
    return closed.value.rcvd.code


def still_open(ws) -> bool:
    ws.send(json.dumps({"type": "ping"}))
    return json.loads(ws.recv(timeout=5))["type"] in ("pong", "error")


def test_a_password_change_closes_the_other_sessions_tokens_and_sockets(atrium_server, mall):
    kept = token(atrium_server, mall, "engineer")
    other = token(atrium_server, mall, "engineer")
    cookie = session_cookie(atrium_server, mall, "engineer")
    by_token = open_socket(atrium_server, mall, {"Authorization": f"Token {other}"})
    by_session = open_socket(atrium_server, mall, {"Cookie": cookie})
    assert still_open(by_token) and still_open(by_session)

    change = {"old_password": PASSWORD, "new_password": NEW_PASSWORD}
    answer = api(atrium_server, mall, "/auth/password/", "POST", json=change, Authorization=f"Token {kept}")
    assert answer.status_code == 204, answer.text

    assert closed_code(by_token) == 4403
    assert closed_code(by_session) == 4403
    assert api(atrium_server, mall, "/me/", Authorization=f"Token {other}").status_code == 401
    assert api(atrium_server, mall, "/me/", Cookie=cookie).status_code in (401, 403)
    # the token the change came with stays signed in, and a socket opened with it now works
    assert api(atrium_server, mall, "/me/", Authorization=f"Token {kept}").status_code == 200
    with open_socket(atrium_server, mall, {"Authorization": f"Token {kept}"}) as ws:
        assert still_open(ws)


def test_signing_out_and_revoking_a_token_close_their_sockets_only(atrium_server, mall):
    revoked, kept = token(atrium_server, mall, "guard"), token(atrium_server, mall, "guard")
    cookie = session_cookie(atrium_server, mall, "guard")
    by_revoked = open_socket(atrium_server, mall, {"Authorization": f"Token {revoked}"})
    by_kept = open_socket(atrium_server, mall, {"Authorization": f"Token {kept}"})
    by_session = open_socket(atrium_server, mall, {"Cookie": cookie})

    assert (
        api(
            atrium_server, mall, "/auth/tokens/current/", "DELETE", Authorization=f"Token {revoked}"
        ).status_code
        == 204
    )
    assert closed_code(by_revoked) == 4403
    assert still_open(by_kept) and still_open(by_session)

    csrf = requests.Session()
    csrf.headers["Host"] = mall.host
    # a browser's sign-out: DELETE with its session cookie and the CSRF pair
    page = csrf.get(atrium_server.base + "/app/", headers={"Cookie": cookie})
    token_value = page.cookies.get("csrftoken") or ""
    out = atrium_server.request(
        "DELETE",
        mall.host,
        "/api/v1/auth/session/",
        headers={
            "Cookie": f"{cookie}; csrftoken={token_value}",
            "X-CSRFToken": token_value,
            "Referer": f"http://{mall.host}/",
        },
    )
    assert out.status_code == 204, out.text
    assert closed_code(by_session) == 4403
    assert still_open(by_kept)
    by_kept.close()


def test_access_that_lapses_by_the_clock_ends_tokens_sessions_and_sockets(atrium_server, celery_worker, mall):
    from knox.models import AuthToken

    from atrium.celery import app
    from tenant_apps.people.models import User

    person = mall.people["coworker"]
    soon = timezone.now() + timedelta(seconds=3)
    with schema_context(mall.schema):
        User.objects.filter(pk=person.pk).update(access_expires_at=soon)
    connection.set_schema_to_public()
    lapsing = token(atrium_server, mall, "coworker")
    cookie = session_cookie(atrium_server, mall, "coworker")
    ws = open_socket(atrium_server, mall, {"Authorization": f"Token {lapsing}"})
    wait_for(lambda: timezone.now() > soon + timedelta(seconds=0.5), timeout=10)

    # what beat queues every minute for each account, run by the real worker
    app.send_task("people.end_lapsed_access", kwargs={}, headers={"_schema_name": mall.schema})
    assert closed_code(ws, timeout=20) == 4403

    def tokens_left() -> int:
        with schema_context(mall.schema):
            return AuthToken.objects.filter(user_id=person.pk).count()

    wait_for(lambda: tokens_left() == 0)
    # extending the access later does not bring the old token or session back
    with schema_context(mall.schema):
        User.objects.filter(pk=person.pk).update(access_expires_at=timezone.now() + timedelta(days=30))
    connection.set_schema_to_public()
    assert api(atrium_server, mall, "/me/", Authorization=f"Token {lapsing}").status_code == 401
    assert api(atrium_server, mall, "/me/", Cookie=cookie).status_code in (401, 403)
