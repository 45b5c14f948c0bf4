"""The announcements list and the receipts cost a fixed number of queries, however many rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.notices.conftest import announce

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _steady_account_cache(settings):
    settings.ACCOUNT_CACHE_SECONDS = 3600


def queries(client, host: str, path: str) -> int:
    assert client.get(path, HTTP_HOST=host).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path, HTTP_HOST=host).status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["dispatcher", "key_user"])
def test_list_costs_the_same_for_few_and_many(mall, who):
    client = mall.client(who)
    first = announce(mall)["id"]
    mall.api("key_user", "post", f"/announcements/{first}/confirm/")
    few = queries(client, mall.host, "/api/v1/announcements/")
    for n in range(6):
        aid = announce(mall, title=f"More {n}")["id"]
        mall.api("other_shop", "post", f"/announcements/{aid}/confirm/")
    assert len(client.get("/api/v1/announcements/", HTTP_HOST=mall.host).json()["results"]) == 7
    assert queries(client, mall.host, "/api/v1/announcements/") == few


def test_receipts_cost_the_same_for_few_and_many_readers(mall):
    client = mall.client("dispatcher")
    aid = announce(mall)["id"]
    path = f"/api/v1/announcements/{aid}/receipts/"
    few = queries(client, mall.host, path)
    for who in ("key_user", "employee", "coworker", "other_shop", "florist"):
        mall.api(who, "get", f"/announcements/{aid}/")
    assert sum(len(r["read_by"]) for r in client.get(path, HTTP_HOST=mall.host).json()["receipts"]) == 5
    assert queries(client, mall.host, path) == few
