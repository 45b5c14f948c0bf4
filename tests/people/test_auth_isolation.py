"""Sign-in on account hosts: sessions and expiring tokens, never valid on another account's host."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context
from knox.models import AuthToken

from tenant_apps.people.models import User
from tenant_apps.people.services import create_person
from tests.support.worlds import PASSWORD


def post(client: Client, host: str, path: str, body: dict, **headers):
    return client.post(path, body, content_type="application/json", HTTP_HOST=host, **headers)


def token_for(host: str, email: str, password: str = PASSWORD) -> str:
    response = post(Client(), host, "/api/v1/auth/tokens/", {"email": email, "password": password})
    assert response.status_code == 201, response.content
    return response.json()["token"]


@pytest.fixture
def two_accounts(make_account):
    a = make_account(kind="mall_operator")
    b = make_account(kind="contractor")
    connection.set_schema_to_public()
    return a, b


@pytest.mark.django_db
def test_session_login_logout_on_own_host(two_accounts):
    a, _ = two_accounts
    client = Client()
    assert (
        post(
            client, a.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": PASSWORD}
        ).status_code
        == 200
    )
    assert client.get("/api/v1/me/", HTTP_HOST=a.host).json()["user"]["email"] == a.admin.email
    assert client.delete("/api/v1/auth/session/", HTTP_HOST=a.host).status_code == 204
    assert client.get("/api/v1/me/", HTTP_HOST=a.host).status_code in (401, 403)


@pytest.mark.django_db
def test_wrong_password_and_unknown_person_get_the_same_401(two_accounts):
    a, _ = two_accounts
    wrong = post(
        Client(), a.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": "nope-nope-nope"}
    )
    unknown = post(
        Client(), a.host, "/api/v1/auth/session/", {"email": "ghost@x.example", "password": PASSWORD}
    )
    assert wrong.status_code == unknown.status_code == 401
    # the same answer, but for the id of each request
    assert {**wrong.json(), "request_id": None} == {**unknown.json(), "request_id": None}
    missing = post(Client(), a.host, "/api/v1/auth/session/", {"email": a.admin.email})
    assert missing.status_code == 400 and "password" in missing.json()["fields"]


@pytest.mark.django_db
def test_same_email_in_two_accounts_is_two_people_with_two_passwords(two_accounts):
    a, b = two_accounts
    email = "shared.person@example.com"
    with schema_context(a.account.schema_name):
        create_person(email=email, full_name="In A", password="Password-for-A-111")
    with schema_context(b.account.schema_name):
        create_person(email=email, full_name="In B", password="Password-for-B-222")
    assert token_for(a.host, email, "Password-for-A-111")
    assert token_for(b.host, email, "Password-for-B-222")
    refused = post(
        Client(), a.host, "/api/v1/auth/tokens/", {"email": email, "password": "Password-for-B-222"}
    )
    assert refused.status_code == 401


@pytest.mark.django_db
def test_credentials_of_account_a_never_authenticate_on_account_b(two_accounts):
    a, b = two_accounts
    # the admin of A (id 1 in A's schema) has a namesake id in B's schema: ids alone must not leak
    assert a.admin.pk == b.admin.pk
    refused = post(Client(), b.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": PASSWORD})
    assert refused.status_code == 401

    token = token_for(a.host, a.admin.email)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert Client().get("/api/v1/me/", HTTP_HOST=a.host, **auth).status_code == 200
    assert Client().get("/api/v1/me/", HTTP_HOST=b.host, **auth).status_code == 401

    # A's session cookie presented on B's host is just an unknown session there
    client = Client()
    post(client, a.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": PASSWORD})
    assert client.get("/api/v1/me/", HTTP_HOST=a.host).status_code == 200
    assert client.get("/api/v1/me/", HTTP_HOST=b.host).status_code in (401, 403)


@pytest.mark.django_db
def test_tokens_expire_and_can_be_revoked(two_accounts):
    a, _ = two_accounts
    token = token_for(a.host, a.admin.email)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    body = Client().get("/api/v1/me/", HTTP_HOST=a.host, **auth)
    assert body.status_code == 200

    with schema_context(a.account.schema_name):
        AuthToken.objects.filter(user__email=a.admin.email).update(
            expiry=timezone.now() - timedelta(seconds=1)
        )
    assert Client().get("/api/v1/me/", HTTP_HOST=a.host, **auth).status_code == 401

    token = token_for(a.host, a.admin.email)
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert Client().delete("/api/v1/auth/tokens/current/", HTTP_HOST=a.host, **auth).status_code == 204
    assert Client().get("/api/v1/me/", HTTP_HOST=a.host, **auth).status_code == 401


@pytest.mark.django_db
def test_deactivated_person_loses_token_and_session(two_accounts):
    a, _ = two_accounts
    token = token_for(a.host, a.admin.email)
    client = Client()
    post(client, a.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": PASSWORD})
    with schema_context(a.account.schema_name):
        User.objects.filter(email=a.admin.email).update(is_active=False)
    assert (
        Client().get("/api/v1/me/", HTTP_HOST=a.host, HTTP_AUTHORIZATION=f"Token {token}").status_code == 401
    )
    assert client.get("/api/v1/me/", HTTP_HOST=a.host).status_code in (401, 403)


@pytest.mark.django_db
def test_unknown_host_is_404_never_the_public_site():
    for host in ("nobody.atrium.localhost", "evil.example.com", "atrium.localhost.evil.example"):
        response = Client().get("/api/v1/me/", HTTP_HOST=host)
        assert response.status_code == 404
        assert response.json()["code"] == "unknown_host"
        assert Client().get("/admin/login/", HTTP_HOST=host).status_code == 404


@pytest.mark.django_db
def test_operators_log_in_on_public_host_only_and_accounts_have_no_admin(two_accounts):
    a, _ = two_accounts
    from tenants_shared.console.services import create_operator
    from tests.support.clients import totp_code

    made = create_operator(email="op@atrium.localhost", full_name="Op", password=PASSWORD, role="owner")

    def console_login(email: str, code: str) -> Client:
        # operators sign in through the console: password AND a TOTP code (docs/console.md)
        client = Client()
        client.post(
            "/console/login/",
            {"email": email, "password": PASSWORD, "code": code},
            HTTP_HOST="atrium.localhost",
        )
        return client

    operator = console_login("op@atrium.localhost", totp_code(made.device))
    assert operator.get("/admin/", HTTP_HOST="atrium.localhost").status_code == 200
    # the admin's own password form is gone: it leads to the console's sign-in
    password_only = Client()
    password_only.post(
        "/admin/login/",
        {"username": "op@atrium.localhost", "password": PASSWORD},
        HTTP_HOST="atrium.localhost",
    )
    assert password_only.get("/admin/", HTTP_HOST="atrium.localhost").status_code == 302
    assert Client().get("/admin/", HTTP_HOST=a.host).status_code == 404
    # an account person does not exist in the public schema: no way into the operator console
    refused = console_login(a.admin.email, "123456").get("/admin/", HTTP_HOST="atrium.localhost")
    assert refused.status_code == 302 and "/admin/login/" in refused["Location"]
    refused = post(
        Client(), a.host, "/api/v1/auth/session/", {"email": "op@atrium.localhost", "password": PASSWORD}
    )
    assert refused.status_code == 401


@pytest.mark.django_db
def test_a_person_changes_their_own_name_and_language_and_nothing_else(two_accounts):
    a, _ = two_accounts
    client = Client()
    post(client, a.host, "/api/v1/auth/session/", {"email": a.admin.email, "password": PASSWORD})

    def patch(body):
        return client.patch("/api/v1/me/", body, content_type="application/json", HTTP_HOST=a.host)

    changed = patch({"language": "ru", "full_name": "  Alisa Admin "})
    assert changed.status_code == 200, changed.content
    assert changed.json()["user"]["language"] == "ru" and changed.json()["user"]["full_name"] == "Alisa Admin"
    refused = patch({"language": "xx", "full_name": " "})
    assert refused.status_code == 400
    assert set(refused.json()["fields"]) == {"language", "full_name"}
    patch({"role": "visitor", "email": "other@x.example"})  # not the person's to change
    with schema_context(a.account.schema_name):
        person = User.objects.get(pk=a.admin.pk)
    assert (person.language, person.full_name, person.role, person.email) == (
        "ru",
        "Alisa Admin",
        a.admin.role,
        a.admin.email,
    )
    assert Client().patch(
        "/api/v1/me/", {"language": "en"}, content_type="application/json", HTTP_HOST=a.host
    ).status_code in (401, 403)
