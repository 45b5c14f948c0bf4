"""Sign-up on the public host: an account with its own schema, domain and admin, or a 400 and nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client

from tenants_shared.accounts.models import Account, Domain
from tests.support.worlds import PASSWORD, unique_slug

PUBLIC = "atrium.localhost"


def schemas() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT nspname FROM pg_namespace")
        return {row[0] for row in cur.fetchall()}


def signup(client: Client, **overrides):
    slug = overrides.pop("slug", None) or unique_slug("s")
    body = dict(
        name="Mega Mall",
        kind="mall_operator",
        slug=slug,
        admin_name="Maria Ivanova",
        admin_email="maria@mega.example",
        admin_password=PASSWORD,
        language="ru",
        time_zone="Europe/Moscow",
    )
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return client.post("/api/v1/signup/", body, content_type="application/json", HTTP_HOST=PUBLIC)


@pytest.mark.django_db
def test_signup_creates_account_schema_domain_and_admin_who_can_log_in_at_once():
    client = Client()
    slug = unique_slug("mega")
    response = signup(client, slug=slug)
    assert response.status_code == 201, response.content
    assert response.json()["url"].startswith(f"http://{slug}.atrium.localhost")

    account = Account.objects.get(slug=slug)
    assert account.kind == "mall_operator" and account.status == "trialing"
    assert account.language == "ru" and account.time_zone == "Europe/Moscow"
    assert account.ready_at is not None
    assert account.schema_name in schemas()
    assert Domain.objects.get(tenant=account, is_primary=True).domain == f"{slug}.atrium.localhost"

    login = client.post(
        "/api/v1/auth/session/",
        {"email": "Maria@Mega.example", "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=f"{slug}.atrium.localhost",
    )
    assert login.status_code == 200, login.content
    me = client.get("/api/v1/me/", HTTP_HOST=f"{slug}.atrium.localhost")
    assert me.status_code == 200
    assert me.json()["user"]["role"] == "account_admin"
    assert me.json()["account"]["slug"] == slug


def _welcome(client: Client, host: str, sign_in_url: str):
    query = parse_qs(urlsplit(sign_in_url).query)
    body = {"uid": query["uid"][0], "token": query["token"][0]}
    return client.post("/api/v1/auth/welcome/", body, content_type="application/json", HTTP_HOST=host)


@pytest.mark.django_db
def test_signup_answers_with_a_single_use_sign_in_link_for_its_own_account_only(settings):
    slug = unique_slug("welc")
    made = signup(Client(), slug=slug, admin_email="welcome@mega.example")
    assert made.status_code == 201, made.content
    link = made.json()["sign_in_url"]
    host = f"{slug}.atrium.localhost"
    assert link.startswith(f"http://{host}/app/welcome?uid=")

    # on another account's host (a person with the same id exists there too) it signs nobody in
    other_slug = unique_slug("welo")
    assert signup(Client(), slug=other_slug, admin_email="other@mega.example").status_code == 201
    elsewhere = _welcome(Client(), f"{other_slug}.atrium.localhost", link)
    assert elsewhere.status_code == 400 and elsewhere.json()["code"] == "link_invalid"

    # on its own host: a session as the new admin, without the password
    browser = Client()
    answer = _welcome(browser, host, link)
    assert answer.status_code == 200, answer.content
    me = browser.get("/api/v1/me/", HTTP_HOST=host)
    assert me.status_code == 200
    assert (me.json()["user"]["email"], me.json()["user"]["role"]) == (
        "welcome@mega.example",
        "account_admin",
    )

    # once: the second use is refused, and it started no session
    again = Client()
    spent = _welcome(again, host, link)
    assert spent.status_code == 400 and spent.json()["code"] == "link_invalid"
    assert again.get("/api/v1/me/", HTTP_HOST=host).status_code in (401, 403)

    # too old: refused as expired (a lifetime below zero makes any new link too old)
    settings.ATRIUM_WELCOME_LINK_SECONDS = -1
    late_slug = unique_slug("well")
    late = signup(Client(), slug=late_slug, admin_email="late@mega.example")
    expired = _welcome(Client(), f"{late_slug}.atrium.localhost", late.json()["sign_in_url"])
    assert expired.status_code == 400 and expired.json()["code"] == "link_expired"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"slug": "www"}, "slug"),
        ({"slug": "admin"}, "slug"),
        ({"slug": "Mega_Mall"}, "slug"),
        ({"slug": "-mega"}, "slug"),
        ({"slug": "mega--mall"}, "slug"),
        ({"slug": "ab"}, "slug"),
        ({"slug": "a" * 41}, "slug"),
        ({"slug": "1mall"}, "slug"),
        ({"admin_password": "12345678901"}, "admin_password"),
        ({"admin_password": "short"}, "admin_password"),
        ({"admin_password": "password123"}, "admin_password"),
        ({"admin_email": "not-an-email"}, "admin_email"),
        ({"kind": "platform"}, "kind"),
        ({"kind": "shop"}, "kind"),
        ({"language": "de"}, "language"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"name": ""}, "name"),
        ({"name": None}, "name"),
        ({"admin_name": "  "}, "admin_name"),
    ],
)
def test_bad_signup_gets_400_with_field_message_and_leaves_nothing(overrides, field):
    before_schemas, before_accounts = schemas(), Account.objects.count()
    response = signup(Client(), **overrides)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"] and body["fields"][field][0]
    assert schemas() == before_schemas
    assert Account.objects.count() == before_accounts


@pytest.mark.django_db
def test_every_bad_field_is_reported_at_once():
    response = signup(Client(), slug="www", admin_email="x", admin_password="1", language="xx", kind="zz")
    assert response.status_code == 400
    assert {"slug", "admin_email", "admin_password", "language", "kind"} <= set(response.json()["fields"])


@pytest.mark.django_db
def test_taken_slug_is_refused():
    client = Client()
    slug = unique_slug("taken")
    assert signup(client, slug=slug).status_code == 201
    again = signup(client, slug=slug, admin_email="other@mega.example")
    assert again.status_code == 400
    assert "taken" in again.json()["fields"]["slug"][0]


@pytest.mark.django_db
def test_malformed_bodies_are_400_not_500():
    client = Client()
    for body in ("[1, 2]", "{not json", '"text"', "null"):
        response = client.post("/api/v1/signup/", body, content_type="application/json", HTTP_HOST=PUBLIC)
        assert response.status_code == 400, (body, response.content)
        assert "code" in response.json()


@pytest.mark.django_db
def test_failure_while_creating_the_admin_leaves_no_half_made_schema(monkeypatch):
    """A crash after the schema was built must roll back the schema, the registry row and the domain."""
    import tenants_shared.accounts.services as services

    def explode(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "create_person", explode)
    slug = unique_slug("boom")
    before = schemas()
    with pytest.raises(RuntimeError):
        services.provision_account(
            name="Boom",
            slug=slug,
            kind="contractor",
            admin_name="B",
            admin_email="b@b.example",
            admin_password=PASSWORD,
        )
    assert schemas() == before
    assert not Account.objects.filter(slug=slug).exists()
    assert not Domain.objects.filter(domain__startswith=slug).exists()


@pytest.mark.django_db
def test_signup_is_only_on_the_public_host(make_account):
    account = make_account()
    response = Client().post("/api/v1/signup/", {}, content_type="application/json", HTTP_HOST=account.host)
    assert response.status_code == 404
