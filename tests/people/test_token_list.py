"""API tokens listed and revoked: an admin sees and revokes everyone's, others only their own; a
revoked token stops working; nothing of the secret is ever shown."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def issue(mall, who: str) -> str:
    response = Client().post(
        "/api/v1/auth/tokens/",
        {"email": mall.people[who].email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert response.status_code == 201, response.content
    return response.json()["token"]


def with_token(mall, token: str, method: str, path: str):
    return getattr(Client(), method)(
        f"/api/v1{path}", HTTP_HOST=mall.host, HTTP_AUTHORIZATION=f"Token {token}"
    )


def test_admin_lists_and_revokes_anyones_token(mall):
    engineer_token = issue(mall, "engineer")
    admin_token = issue(mall, "admin")
    listed = with_token(mall, admin_token, "get", "/auth/tokens/issued/")
    assert listed.status_code == 200
    rows = listed.json()
    assert {r["person"]["email"] for r in rows} == {mall.people["engineer"].email, mall.people["admin"].email}
    assert [r["current"] for r in rows if r["person"]["email"] == mall.people["admin"].email] == [True]
    assert all(engineer_token[:8] not in str(r) and admin_token[:8] not in str(r) for r in rows)

    theirs = next(r for r in rows if r["person"]["email"] == mall.people["engineer"].email)
    assert with_token(mall, engineer_token, "get", "/me/").status_code == 200
    revoked = mall.api("admin", "delete", f"/auth/tokens/issued/{theirs['id']}/")
    assert revoked.status_code == 204
    assert with_token(mall, engineer_token, "get", "/me/").status_code == 401
    assert mall.api("admin", "delete", f"/auth/tokens/issued/{theirs['id']}/").status_code == 404


def test_others_see_and_revoke_only_their_own(mall):
    admin_token = issue(mall, "admin")
    mine = issue(mall, "engineer")
    rows = with_token(mall, mine, "get", "/auth/tokens/issued/").json()
    assert [r["person"]["email"] for r in rows] == [mall.people["engineer"].email]
    admins = mall.api("admin", "get", "/auth/tokens/issued/").json()
    admin_id = next(r["id"] for r in admins if r["person"]["email"] == mall.people["admin"].email)
    refused = mall.api("engineer", "delete", f"/auth/tokens/issued/{admin_id}/")
    assert refused.status_code == 404 and refused.json()["code"] == "not_found"
    assert with_token(mall, admin_token, "get", "/me/").status_code == 200
    assert mall.api("engineer", "delete", f"/auth/tokens/issued/{rows[0]['id']}/").status_code == 204
    assert mall.api("engineer", "delete", "/auth/tokens/issued/short/").status_code == 404
