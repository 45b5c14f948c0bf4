"""Custom domain: the admin names a host, gets the CNAME to create, a check resolves it (against a
fake DNS injected at the resolver boundary) and, once it points at the account's host, the account
answers on that host; nobody else may name or check it, and another account cannot take it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from tenants_shared.accounts.models import Domain
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.django_db

FAKE_DNS: dict[str, set[str]] = {}


def fake_resolve(name: str) -> set[str]:
    return FAKE_DNS.get(name, set())


@pytest.fixture(autouse=True)
def fake_dns():
    FAKE_DNS.clear()
    with override_settings(ATRIUM_DNS_RESOLVER="tests.accounts.test_custom_domain.fake_resolve"):
        yield FAKE_DNS
    FAKE_DNS.clear()


@pytest.fixture
def mall(module_mall):  # noqa: F811
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def test_a_domain_is_added_once_its_cname_points_at_the_account(mall, fake_dns):
    target = f"{mall.made.account.slug}.{settings.PLATFORM_DOMAIN}"
    assert mall.api("admin", "get", "/custom-domain/").json()["status"] == "none"

    named = mall.api("admin", "put", "/custom-domain/", {"domain": " Desk.Mall-Example.COM. "})
    assert named.status_code == 200, named.content
    body = named.json()
    assert body["domain"] == "desk.mall-example.com" and body["status"] == "pending"
    assert (body["record_type"], body["record_name"], body["record_value"]) == (
        "CNAME",
        "desk.mall-example.com",
        target,
    )

    fake_dns[target] = {"203.0.113.7"}
    unresolved = mall.api("admin", "post", "/custom-domain/check/").json()
    assert unresolved["status"] == "pending" and "does not resolve" in unresolved["last_error"]
    fake_dns["desk.mall-example.com"] = {"198.51.100.1"}
    elsewhere = mall.api("admin", "post", "/custom-domain/check/").json()
    assert elsewhere["status"] == "pending" and target in elsewhere["last_error"]
    assert not Domain.objects.filter(domain="desk.mall-example.com").exists()
    assert Client().get("/api/v1/me/", HTTP_HOST="desk.mall-example.com").status_code == 404

    fake_dns["desk.mall-example.com"] = {"203.0.113.7"}
    verified = mall.api("admin", "post", "/custom-domain/check/").json()
    assert verified["status"] == "verified" and verified["last_error"] == "" and verified["verified_at"]
    row = Domain.objects.get(domain="desk.mall-example.com")
    assert row.tenant_id == mall.made.account.pk and not row.is_primary
    # the account now answers on its own domain (and its links still use the platform host)
    signed_in = Client()
    answer = signed_in.post(
        "/api/v1/auth/session/",
        {"email": mall.people["admin"].email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST="desk.mall-example.com",
    )
    assert answer.status_code == 200, answer.content  # the host now leads to the account
    me = signed_in.get("/api/v1/me/", HTTP_HOST="desk.mall-example.com").json()
    assert me["user"]["email"] == mall.people["admin"].email
    assert mall.made.account.get_primary_domain().domain == mall.host

    assert mall.api("admin", "delete", "/custom-domain/").status_code == 204
    assert not Domain.objects.filter(domain="desk.mall-example.com").exists()
    assert Client().get("/api/v1/me/", HTTP_HOST="desk.mall-example.com").status_code == 404
    assert mall.api("admin", "get", "/custom-domain/").json()["status"] == "none"


def test_bad_names_and_platform_hosts_are_refused(mall):
    for name in ("not a domain", "localhost", f"x.{settings.PLATFORM_DOMAIN}", "-bad-.example.com"):
        response = mall.api("admin", "put", "/custom-domain/", {"domain": name})
        assert response.status_code == 400, name
        assert "domain" in response.json()["fields"]
    unknown = mall.api("admin", "put", "/custom-domain/", {"domain": "a.example.com", "verified": True})
    assert unknown.status_code == 400 and "verified" in unknown.json()["fields"]
    assert mall.api("admin", "post", "/custom-domain/check/").status_code == 400


def test_another_account_cannot_take_a_named_domain(mall):
    other = make_mall()
    assert mall.api("admin", "put", "/custom-domain/", {"domain": "desk.shared.example"}).status_code == 200
    taken = other.api("admin", "put", "/custom-domain/", {"domain": "desk.shared.example"})
    assert taken.status_code == 400 and "domain" in taken.json()["fields"]
    platform_host = other.api("admin", "put", "/custom-domain/", {"domain": mall.host})
    assert platform_host.status_code == 400


def test_only_the_account_admin_manages_the_domain(mall):
    for who in ("dispatcher", "engineer", "key_user"):
        assert mall.api(who, "get", "/custom-domain/").status_code == 403, who
        response = mall.api(who, "put", "/custom-domain/", {"domain": "desk.example.org"})
        assert response.status_code == 403 and response.json()["code"] == "permission_denied"
