"""The smoke consumer /ws/ping/ against a live daphne with a real websocket client."""

from __future__ import annotations

import json

import pytest

from tests.support.worlds import PASSWORD, provision

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def accounts(live_db):
    return provision(), provision(kind="contractor")


def session_cookie(server, host: str, email: str) -> str:
    response = server.request(
        "POST", host, "/api/v1/auth/session/", json={"email": email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return f"sessionid={response.cookies['sessionid']}"


def test_ping_answers_with_account_and_person_for_a_session(atrium_server, accounts):
    a, _ = accounts
    cookie = session_cookie(atrium_server, a.host, a.admin.email)
    with atrium_server.ws_connect(a.host, "/ws/ping/", {"Cookie": cookie}) as ws:
        first = json.loads(ws.recv(timeout=5))
        assert first == {"type": "pong", "account": a.account.slug, "user": a.admin.email}
        ws.send(json.dumps({"type": "ping"}))
        assert json.loads(ws.recv(timeout=5))["account"] == a.account.slug


def test_ping_with_an_api_token(atrium_server, accounts):
    _, b = accounts
    token = atrium_server.request(
        "POST", b.host, "/api/v1/auth/tokens/", json={"email": b.admin.email, "password": PASSWORD}
    ).json()["token"]
    with atrium_server.ws_connect(b.host, "/ws/ping/", {"Authorization": f"Token {token}"}) as ws:
        assert json.loads(ws.recv(timeout=5))["account"] == b.account.slug


@pytest.mark.parametrize("path", ["/ws/ping/", "/ws/"])
def test_session_of_account_a_is_refused_on_account_b_host(atrium_server, accounts, path):
    a, b = accounts
    cookie = session_cookie(atrium_server, a.host, a.admin.email)
    assert atrium_server.ws_refusal(b.host, path, {"Cookie": cookie}) == 403


def test_token_of_account_a_is_refused_on_account_b_host(atrium_server, accounts):
    a, b = accounts
    token = atrium_server.request(
        "POST", a.host, "/api/v1/auth/tokens/", json={"email": a.admin.email, "password": PASSWORD}
    ).json()["token"]
    assert atrium_server.ws_refusal(b.host, "/ws/ping/", {"Authorization": f"Token {token}"}) == 403


@pytest.mark.parametrize("host", ["nobody.atrium.localhost", "atrium.localhost", "evil.example.com"])
def test_unknown_and_public_hosts_refuse_sockets(atrium_server, accounts, host):
    a, _ = accounts
    cookie = session_cookie(atrium_server, a.host, a.admin.email)
    assert atrium_server.ws_refusal(host, "/ws/ping/", {"Cookie": cookie}) == 403


@pytest.mark.parametrize("path", ["/ws/ping/", "/ws/"])
def test_anonymous_socket_is_refused(atrium_server, accounts, path):
    a, _ = accounts
    assert atrium_server.ws_refusal(a.host, path) == 403


def test_probes_answer_on_every_host(atrium_server):
    for host in ("atrium.localhost", "nobody.example.com"):
        assert atrium_server.request("GET", host, "/healthz").json()["status"] == "ok"
        ready = atrium_server.request("GET", host, "/readyz")
        assert ready.status_code == 200 and ready.json()["checks"] == {"database": "ok", "redis": "ok"}
