"""Throttles and lockout that a forged X-Forwarded-For cannot get around: per client address (only
our own proxies may name it), per identity (the e-mail tried, the person a mailed link names), and
per account (each account's counters are its own). Over the limit: 429 `throttled` in the error
shape, with Retry-After."""

from __future__ import annotations

import itertools
import random

import pytest
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests.support.worlds import PASSWORD, provision

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-1"
_addresses = (f"198.51.100.{n}" for n in itertools.count(1))


def post(host: str, path: str, body: dict, **headers):
    return Client().post(f"/api/v1{path}", body, content_type="application/json", HTTP_HOST=host, **headers)


def sign_in(host: str, email: str, password: str, forwarded_for: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return post(host, "/auth/session/", {"email": email, "password": password}, **headers)


def assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"]
    assert body.get("fields", {}) == {}
    assert int(response["Retry-After"]) > 0


@pytest.fixture
def account(make_account):
    return make_account()


@pytest.fixture
def tight(settings):
    """Low limits so a test reaches them in a few requests."""
    settings.ATRIUM_LOCKOUT_IDENTITY_FAILURES = 3
    settings.ATRIUM_LOCKOUT_ADDRESS_FAILURES = 5
    return settings


# ---------------------------------------------------------------------------- forwarded headers
def test_a_forged_forwarded_for_buys_no_new_budget(account, monkeypatch):
    """The probe from the issue: throttled, then a new forged address per request."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "3/hour")
    answers = [
        sign_in(account.host, account.admin.email, WRONG, next(_addresses)).status_code for _ in range(3)
    ]
    assert answers == [401, 401, 401]
    assert_throttled(sign_in(account.host, account.admin.email, WRONG, next(_addresses)))
    # and the right password with yet another forged address gets no session either
    assert_throttled(sign_in(account.host, account.admin.email, PASSWORD, next(_addresses)))


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(account, monkeypatch, settings):
    settings.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's peer address
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "login", "2/hour")
    first, second = next(_addresses), next(_addresses)
    assert [sign_in(account.host, account.admin.email, WRONG, first).status_code for _ in range(2)] == [
        401,
        401,
    ]
    assert_throttled(sign_in(account.host, account.admin.email, WRONG, first))
    # the left part of the header is the client's own to write: a forged address there changes nothing
    assert_throttled(sign_in(account.host, account.admin.email, WRONG, f"{next(_addresses)}, {first}"))
    # another client behind the same proxy has its own budget
    assert sign_in(account.host, account.admin.email, PASSWORD, second).status_code == 200


def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(account, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    plain = Client().get("/api/v1/me/", HTTP_HOST=account.host, HTTP_X_FORWARDED_PROTO="https")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")  # not taken as TLS
    settings.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    proxied = Client().get("/api/v1/me/", HTTP_HOST=account.host, HTTP_X_FORWARDED_PROTO="https")
    assert proxied.status_code in (401, 403)  # secure: no redirect, the API answered


def test_forwarded_host_is_believed_only_from_a_trusted_proxy(make_account, settings):
    settings.USE_X_FORWARDED_HOST = True
    a, b = make_account(), make_account()
    # a client that names account B in X-Forwarded-For-Host still talks to the host it reached (A)
    forged = post(
        a.host, "/auth/session/", {"email": b.admin.email, "password": PASSWORD}, HTTP_X_FORWARDED_HOST=b.host
    )
    assert forged.status_code == 401
    settings.ATRIUM_TRUSTED_PROXIES = ["127.0.0.0/8"]
    proxied = post(
        a.host, "/auth/session/", {"email": b.admin.email, "password": PASSWORD}, HTTP_X_FORWARDED_HOST=b.host
    )
    assert proxied.status_code == 200


# ---------------------------------------------------------------------------- lockout per identity
def test_an_identity_is_locked_after_failures_from_many_addresses(account, tight):
    tight.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]  # so each attempt really comes from a new address
    email = account.admin.email
    assert [sign_in(account.host, email, WRONG, next(_addresses)).status_code for _ in range(3)] == [401] * 3
    # the right password, from yet another address, on the browser and the token endpoints
    assert_throttled(sign_in(account.host, email, PASSWORD, next(_addresses)))
    assert_throttled(
        post(
            account.host,
            "/auth/tokens/",
            {"email": email, "password": PASSWORD},
            HTTP_X_FORWARDED_FOR=next(_addresses),
        )
    )
    # the same e-mail in another account is another person, with its own counter
    other = provision(admin_email=email)
    assert sign_in(other.host, email, PASSWORD, next(_addresses)).status_code == 200


def test_an_unknown_email_is_locked_like_a_known_one(account, tight):
    tight.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    ghost = "ghost@nowhere.example"
    for _ in range(3):
        assert sign_in(account.host, ghost, WRONG, next(_addresses)).status_code == 401
    assert_throttled(sign_in(account.host, ghost, WRONG, next(_addresses)))


def test_a_success_before_the_limit_clears_the_identitys_failures(account, tight):
    tight.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    email = account.admin.email
    for _ in range(2):
        assert sign_in(account.host, email, WRONG, next(_addresses)).status_code == 401
    assert sign_in(account.host, email, PASSWORD, next(_addresses)).status_code == 200
    for _ in range(2):
        assert sign_in(account.host, email, WRONG, next(_addresses)).status_code == 401
    assert sign_in(account.host, email, PASSWORD, next(_addresses)).status_code == 200


# ---------------------------------------------------------------------------- lockout per address
def test_one_address_trying_many_people_is_locked(account, tight):
    for n in range(5):
        assert sign_in(account.host, f"person{n}@guess.example", WRONG).status_code == 401
    # the address is locked, whoever it tries next, even with the right password
    assert_throttled(sign_in(account.host, account.admin.email, PASSWORD))
    # the same address on another account's host starts from zero there
    other = provision()
    assert sign_in(other.host, other.admin.email, PASSWORD).status_code == 200


# ---------------------------------------------------------------------------- other flows
def test_wrong_current_passwords_lock_the_person(account, tight):
    client = Client()
    assert (
        client.post(
            "/api/v1/auth/session/",
            {"email": account.admin.email, "password": PASSWORD},
            content_type="application/json",
            HTTP_HOST=account.host,
        ).status_code
        == 200
    )
    change = {"old_password": WRONG, "new_password": "Fresh-lantern-2026"}
    for _ in range(3):
        answer = client.post(
            "/api/v1/auth/password/", change, content_type="application/json", HTTP_HOST=account.host
        )
        assert answer.status_code == 400
    change["old_password"] = PASSWORD
    assert_throttled(
        client.post("/api/v1/auth/password/", change, content_type="application/json", HTTP_HOST=account.host)
    )
    assert_throttled(sign_in(account.host, account.admin.email, PASSWORD, next(_addresses)))


@pytest.mark.parametrize("path", ["/auth/invitations/accept/", "/auth/password-reset/confirm/"])
def test_forged_links_lock_the_person_they_name(account, tight, path):
    tight.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    body = {"uid": "MQ", "token": "forged-token", "password": "Fresh-lantern-2026"}
    for _ in range(3):
        answer = post(account.host, path, body, HTTP_X_FORWARDED_FOR=next(_addresses))
        assert answer.status_code == 400 and answer.json()["code"] == "link_invalid"
    assert_throttled(post(account.host, path, body, HTTP_X_FORWARDED_FOR=next(_addresses)))
    # another person's links are not locked
    other = dict(body, uid="Mg")
    assert post(account.host, path, other, HTTP_X_FORWARDED_FOR=next(_addresses)).status_code == 400


def test_reset_requests_are_throttled_with_retry_after(account, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset_email", "2/hour")
    for _ in range(2):
        assert (
            post(
                account.host,
                "/auth/password-reset/",
                {"email": account.admin.email},
                HTTP_X_FORWARDED_FOR=next(_addresses),
            ).status_code
            == 202
        )
    assert_throttled(
        post(
            account.host,
            "/auth/password-reset/",
            {"email": account.admin.email},
            HTTP_X_FORWARDED_FOR=next(_addresses),
        )
    )


def test_signup_throttle_ignores_forged_addresses(monkeypatch, db, settings):
    """On the public host too: behind our proxy, the forged left part of the chain is not counted."""
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "signup", "1/hour")
    settings.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    client = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    answers = [
        Client()
        .post(
            "/api/v1/signup/",
            {},
            content_type="application/json",
            HTTP_HOST=settings.PLATFORM_DOMAIN,
            HTTP_X_FORWARDED_FOR=f"{next(_addresses)}, {client}",
        )
        .status_code
        for _ in range(2)
    ]
    assert answers == [400, 429]


def test_the_lockout_message_speaks_the_persons_language(account, tight):
    for _ in range(3):
        sign_in(account.host, "who@guess.example", WRONG)
    answer = post(
        account.host,
        "/auth/session/",
        {"email": "who@guess.example", "password": WRONG},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert_throttled(answer)
    assert answer.json()["detail"].startswith("Слишком много неудачных попыток. Попробуйте снова через")
