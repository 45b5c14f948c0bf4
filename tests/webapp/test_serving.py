"""The web app's pages on account hosts: entry pages with client-side routing, the CSRF cookie,
long-cached hashed assets, and `/` sending each person where they work."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.people.models import Role
from tenant_apps.people.services import create_person
from tests.support.worlds import PASSWORD


@pytest.fixture
def dist(tmp_path, settings):
    for entry in ("app", "portal"):
        (tmp_path / entry).mkdir()
        (tmp_path / entry / "index.html").write_text(f"<!doctype html><title>{entry} page</title>")
    settings.WEBAPP_DIST = tmp_path
    return tmp_path


@pytest.fixture
def account(make_account):
    made = make_account(kind="mall_operator")
    with schema_context(made.account.schema_name):
        create_person(
            email=f"shop@{made.account.slug}.example",
            full_name="Shop Manager",
            password=PASSWORD,
            role=Role.VISITOR,
            validate=False,
        )
    connection.set_schema_to_public()
    return made


def _sign_in(client: Client, host: str, email: str) -> None:
    response = client.post(
        "/api/v1/auth/session/",
        {"email": email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert response.status_code == 200, response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/app/", "app"),
        ("/app", "app"),
        ("/app/tickets/42", "app"),
        ("/portal/", "portal"),
        ("/portal/x/y", "portal"),
    ],
)
def test_every_path_of_an_entry_answers_its_page_uncached_with_the_csrf_cookie(dist, account, path, entry):
    response = Client().get(path, HTTP_HOST=account.host)
    assert response.status_code == 200
    assert f"{entry} page" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert response["Cache-Control"] == "no-cache"
    assert "csrftoken" in response.cookies


@pytest.mark.django_db
def test_a_rebuilt_page_is_served_without_a_restart(dist, account):
    client = Client()
    assert "app page" in client.get("/app/", HTTP_HOST=account.host).content.decode()
    page = dist / "app" / "index.html"
    page.write_text("<!doctype html><title>rebuilt</title>")
    import os

    stat = page.stat()
    os.utime(page, (stat.st_atime, stat.st_mtime + 5))
    assert "rebuilt" in client.get("/app/", HTTP_HOST=account.host).content.decode()


@pytest.mark.django_db
def test_an_unbuilt_web_app_says_so(tmp_path, settings, account):
    settings.WEBAPP_DIST = tmp_path / "missing"
    response = Client().get("/app/", HTTP_HOST=account.host)
    assert response.status_code == 503 and b"./dev frontend" in response.content


@pytest.mark.django_db
def test_writes_to_an_entry_page_are_refused(dist, account):
    assert Client().post("/app/", HTTP_HOST=account.host).status_code in (403, 405)


@pytest.mark.django_db
def test_home_sends_agents_to_the_app_requesters_to_the_portal_others_to_sign_in(dist, account):
    anonymous = Client().get("/", HTTP_HOST=account.host)
    assert anonymous.status_code == 302 and anonymous["Location"] == "/app/sign-in"

    agent = Client()
    _sign_in(agent, account.host, account.admin.email)
    assert agent.get("/", HTTP_HOST=account.host)["Location"] == "/app/"

    requester = Client()
    _sign_in(requester, account.host, f"shop@{account.account.slug}.example")
    assert requester.get("/", HTTP_HOST=account.host)["Location"] == "/portal/"


def test_hashed_assets_are_immutable_and_pages_are_not():
    from atrium.webapp import is_immutable_asset

    assert is_immutable_asset("", "/static/web/assets/index-BdX3k9aQ.js")
    assert not is_immutable_asset("", "/static/web/app/index.html")
    assert not is_immutable_asset("", "/static/rest_framework/css/bootstrap.css")


@pytest.mark.django_db
def test_the_portal_service_worker_is_served_from_under_portal_for_its_scope(dist, account):
    (dist / "portal" / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    response = Client().get("/portal/sw.js", HTTP_HOST=account.host)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/portal/"
    assert b"addEventListener" in response.content
    # any other file name under /portal/ is still the portal's page
    assert "portal page" in Client().get("/portal/other.js", HTTP_HOST=account.host).content.decode()


@pytest.mark.django_db
def test_without_a_built_service_worker_the_address_answers_404(dist, account):
    assert Client().get("/portal/sw.js", HTTP_HOST=account.host).status_code == 404
