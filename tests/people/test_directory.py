"""People management: invitations, blocking, access expiry; companies; the location tree."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.objects.models import Location
from tenant_apps.people.models import User
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def test_invited_key_user_sets_a_password_once_and_signs_in(mall, django_capture_on_commit_callbacks):
    from tenant_apps.people.services import send_invitation

    with django_capture_on_commit_callbacks(execute=False):
        response = mall.api(
            "admin",
            "post",
            "/people/",
            {
                "email": "New.Manager@Shop.example",
                "full_name": "New Manager",
                "role": "key_user",
                "company": mall.company.pk,
            },
        )
    assert response.status_code == 201, response.content
    person_id = response.json()["id"]
    with tenant_context(mall.made.account):
        assert send_invitation(user_id=person_id)
    link = re.search(r"http://\S+", mail.outbox[-1].body).group(0)
    query = parse_qs(urlsplit(link).query)
    uid, token = query["uid"][0], query["token"][0]

    def accept(password):
        return Client().post(
            "/api/v1/auth/invitations/accept/",
            {"uid": uid, "token": token, "password": password},
            content_type="application/json",
            HTTP_HOST=mall.host,
        )

    assert accept("123").status_code == 400
    assert accept("Fresh-password-2026").status_code == 204
    assert accept("Another-password-2026").status_code == 400  # single use
    login = Client().post(
        "/api/v1/auth/session/",
        {"email": "new.manager@shop.example", "password": "Fresh-password-2026"},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert login.status_code == 200


def test_key_users_and_employees_need_a_company_and_emails_are_unique(mall):
    no_company = mall.api(
        "admin", "post", "/people/", {"email": "x@y.example", "full_name": "X", "role": "employee"}
    )
    assert no_company.status_code == 400 and "company" in no_company.json()["fields"]
    dup = mall.api(
        "admin",
        "post",
        "/people/",
        {"email": mall.people["guard"].email.upper(), "full_name": "G2", "role": "guard"},
    )
    assert dup.status_code == 400 and "email" in dup.json()["fields"]
    assert (
        mall.api(
            "dispatcher", "post", "/people/", {"email": "z@y.example", "full_name": "Z", "role": "guard"}
        ).status_code
        == 403
    )


def test_blocking_ends_open_sessions_and_tokens_at_once(mall):
    session = mall.client("employee")
    token = (
        Client()
        .post(
            "/api/v1/auth/tokens/",
            {"email": mall.people["employee"].email, "password": PASSWORD},
            content_type="application/json",
            HTTP_HOST=mall.host,
        )
        .json()["token"]
    )
    blocked = mall.api(
        "admin", "post", f"/people/{mall.people['employee'].pk}/block/", {"reason": "Left the company"}
    )
    assert blocked.status_code == 200 and blocked.json()["blocked"]
    assert session.get("/api/v1/me/", HTTP_HOST=mall.host).status_code in (401, 403)
    assert (
        Client().get("/api/v1/me/", HTTP_HOST=mall.host, HTTP_AUTHORIZATION=f"Token {token}").status_code
        == 401
    )
    assert (
        Client()
        .post(
            "/api/v1/auth/session/",
            {"email": mall.people["employee"].email, "password": PASSWORD},
            content_type="application/json",
            HTTP_HOST=mall.host,
        )
        .status_code
        == 401
    )
    mall.api("admin", "post", f"/people/{mall.people['employee'].pk}/unblock/", {})
    assert mall.client("employee").get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200


def test_access_expires_and_can_be_extended(mall):
    person = mall.people["visitor"]
    session = mall.client("visitor")
    past = mall.api("admin", "post", f"/people/{person.pk}/access-expiry/", {"until": "2020-01-01T00:00:00Z"})
    assert past.status_code == 400 and "until" in past.json()["fields"]
    soon = timezone.now() + timedelta(days=1)
    assert (
        mall.api(
            "admin", "post", f"/people/{person.pk}/access-expiry/", {"until": soon.isoformat()}
        ).status_code
        == 200
    )
    assert session.get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200
    with schema_context(mall.schema):
        User.objects.filter(pk=person.pk).update(access_expires_at=timezone.now() - timedelta(seconds=1))
    assert session.get("/api/v1/me/", HTTP_HOST=mall.host).status_code in (401, 403)
    extended = mall.api(
        "admin",
        "post",
        f"/people/{person.pk}/access-expiry/",
        {"until": (soon + timedelta(days=30)).isoformat()},
    )
    assert extended.status_code == 200
    assert mall.client("visitor").get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200


def test_company_upsert_by_external_id_is_idempotent_and_staff_only(mall):
    body = {
        "name": "Sport Master",
        "kind": "tenant",
        "legal_name": "LLC Sport",
        "contacts": [{"name": "Ivan", "phone": "+7 900"}],
    }
    first = mall.api("dispatcher", "put", "/companies/external/1C-0042/", body)
    again = mall.api("dispatcher", "put", "/companies/external/1C-0042/", dict(body, brand="SM"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"] and again.json()["brand"] == "SM"
    assert again.json()["contacts"] == [{"name": "Ivan", "position": "", "phone": "+7 900", "email": ""}]
    assert mall.api("key_user", "put", "/companies/external/1C-0043/", body).status_code == 403
    assert (
        mall.api("engineer", "patch", f"/companies/{mall.company.pk}/", {"name": "Hacked"}).status_code == 403
    )
    # a key user reads their own company only
    seen = [c["id"] for c in mall.api("key_user", "get", "/companies/").json()["results"]]
    assert seen == [mall.company.pk]
    bad = mall.api(
        "admin",
        "post",
        "/companies/",
        {"name": "Lease", "lease_start": "2026-05-01", "lease_end": "2026-01-01"},
    )
    assert bad.status_code == 400 and "lease_end" in bad.json()["fields"]


def test_moving_a_location_moves_its_subtree(mall):
    site = mall.api("admin", "post", "/locations/", {"kind": "building", "name": "Building C"}).json()
    floor = mall.api("admin", "get", "/locations/", {"under": mall.building_b.pk}).json()["results"][1]
    moved = mall.api("dispatcher", "patch", f"/locations/{floor['id']}/", {"parent": site["id"]})
    assert moved.status_code == 200
    under_c = {
        loc["name"]
        for loc in mall.api("admin", "get", "/locations/", {"under": site["id"]}).json()["results"]
    }
    assert under_c == {"Building C", "Floor 2", "2-14"}
    loop = mall.api("admin", "patch", f"/locations/{site['id']}/", {"parent": mall.unit.pk})
    assert loop.status_code == 400 and "parent" in loop.json()["fields"]
    with schema_context(mall.schema):
        unit = Location.objects.get(pk=mall.unit.pk)
        assert unit.path.startswith(f"/{site['id']}/")


def test_unknown_groups_are_refused_not_ignored(mall):
    body = {"email": "g@y.example", "full_name": "G", "role": "guard", "groups": [999999]}
    invited = mall.api("admin", "post", "/people/", body)
    assert invited.status_code == 400 and "groups" in invited.json()["fields"]
    edited = mall.api("admin", "patch", f"/people/{mall.people['guard'].pk}/", {"groups": [999999]})
    assert edited.status_code == 400 and "groups" in edited.json()["fields"]


def test_the_directory_is_searched_by_roles_name_and_company(mall):
    def people(query):
        response = mall.api("dispatcher", "get", "/people/", query)
        assert response.status_code == 200, response.content
        return {p["email"] for p in response.json()["results"]}

    agents = people({"role": "dispatcher,engineer", "page_size": 200})
    assert mall.people["dispatcher"].email in agents and mall.people["engineer"].email in agents
    assert mall.people["key_user"].email not in agents and mall.people["guard"].email not in agents
    assert people({"q": mall.people["engineer"].email.split("@")[0].upper()}) >= {
        mall.people["engineer"].email
    }
    refused = mall.api("dispatcher", "get", "/people/", {"role": "dispatcher,wizard"})
    assert refused.status_code == 400 and "role" in refused.json()["fields"]

    names = {
        c["name"] for c in mall.api("dispatcher", "get", "/companies/", {"q": "coffee"}).json()["results"]
    }
    assert names == {"Coffee Point"}
