"""An in-app notification reaches its person's own sockets over a real websocket (live daphne,
real Redis), and nobody else's; the API lists it for them only."""

from __future__ import annotations

import json
import time

import pytest
from django.db import transaction

from tenant_apps.notifications import services
from tenant_apps.people.models import User
from tests.support.context import in_account
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.live


def _token(server, mall, who: str) -> dict:
    response = server.request(
        "POST",
        mall.host,
        "/api/v1/auth/tokens/",
        json={"email": mall.people[who].email, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Token {response.json()['token']}"}


def _notifications(ws, seconds: float) -> list[dict]:
    got, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            break
        if message["type"] == "notification":
            got.append(message["notification"])
    return got


def test_a_notification_is_pushed_to_its_person_only(atrium_server, live_db):
    mall = make_mall()
    headers = {who: _token(atrium_server, mall, who) for who in ("engineer", "engineer2", "key_user")}
    with (
        atrium_server.ws_connect(mall.host, "/ws/", headers["engineer"]) as mine,
        atrium_server.ws_connect(mall.host, "/ws/", headers["engineer2"]) as colleague,
        atrium_server.ws_connect(mall.host, "/ws/", headers["key_user"]) as tenant,
    ):
        for ws in (mine, colleague, tenant):
            assert json.loads(ws.recv(timeout=5))["type"] == "hello"
        with in_account(mall):
            engineer = User.objects.get(pk=mall.people["engineer"].pk)
            with transaction.atomic():  # committed (live_db): pushed once this commits
                (note,) = services.notify(
                    recipients=[engineer],
                    kind="approvals.needed",
                    context={"key": "GOODS-7", "title": "Shelves"},
                    channels=["in_app"],
                )
        (pushed,) = _notifications(mine, 5)
        assert pushed["id"] == note.pk and pushed["title"] == "Approval needed: GOODS-7 Shelves"
        assert pushed["read_at"] is None and pushed["kind"] == "approvals.needed"
        assert _notifications(colleague, 1.5) == [] and _notifications(tenant, 0.5) == []

    listed = atrium_server.request(
        "GET", mall.host, "/api/v1/notifications/", headers=headers["engineer"]
    ).json()
    assert [n["id"] for n in listed["results"]] == [note.pk] and listed["unread_count"] == 1
    other = atrium_server.request(
        "GET", mall.host, "/api/v1/notifications/", headers=headers["engineer2"]
    ).json()
    assert other["results"] == [] and other["unread_count"] == 0
