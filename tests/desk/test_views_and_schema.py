"""Saved views and the OpenAPI schema of an account host."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def test_saved_views_apply_their_filters_and_stay_private_unless_shared(mall):
    for severity in ("drip", "flood"):
        mall.api(
            "key_user",
            "post",
            "/tickets/",
            {"type": "leak", "title": "Leak", "fields": {"severity": severity}},
        )
    mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"})
    view = mall.api(
        "dispatcher",
        "post",
        "/saved-views/",
        {
            "name": "Floods",
            "filters": {"type": "leak", "f.severity": "flood"},
            "ordering": "-priority",
        },
    )
    assert view.status_code == 201, view.content
    vid = view.json()["id"]
    rows = mall.api("dispatcher", "get", "/tickets/", {"view": vid}).json()["results"]
    assert [r["fields"]["severity"] for r in rows] == ["flood"]
    # explicit parameters override the view's
    rows = mall.api("dispatcher", "get", "/tickets/", {"view": vid, "f.severity": "drip"}).json()["results"]
    assert [r["fields"]["severity"] for r in rows] == ["drip"]
    assert mall.api("engineer", "get", "/tickets/", {"view": vid}).status_code == 400  # not shared
    assert mall.api("engineer", "patch", f"/saved-views/{vid}/", {"name": "Mine now"}).status_code == 404
    mall.api("dispatcher", "patch", f"/saved-views/{vid}/", {"shared": True})
    assert len(mall.api("engineer", "get", "/tickets/", {"view": vid}).json()["results"]) == 1
    refused = mall.api("key_user", "post", "/saved-views/", {"name": "Mine", "filters": {}, "shared": True})
    assert refused.status_code == 400 and "shared" in refused.json()["fields"]


def test_openapi_schema_describes_the_account_api(mall):
    response = Client().get("/api/schema/?format=json", HTTP_HOST=mall.host)
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/transition/",
        "/api/v1/workflows/",
        "/api/v1/people/",
        "/api/v1/locations/",
        "/api/v1/auth/tokens/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/tickets/"]["get"]["parameters"]}
    assert {"type", "assignee", "q", "ordering", "cursor"} <= params
    public = Client().get("/api/schema/?format=json", HTTP_HOST="atrium.localhost").json()
    assert "/api/v1/signup/" in public["paths"] and "/api/v1/tickets/" not in public["paths"]


@pytest.mark.parametrize("urlconf", ["atrium.urls_account", "atrium.urls_public"])
def test_openapi_schema_generates_without_warnings_and_validates(urlconf, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--urlconf", urlconf, "--fail-on-warn", "--validate", "--file", str(target))
    assert "openapi: 3" in target.read_text()
