"""Saved views and queues live: the desk's one filter spec (desk/filters.py) decides, from the
payload where it can and from the database where it cannot (custom fields, search)."""

from __future__ import annotations

import json
import time

import pytest

from tests.live.test_live_updates import Person, subscribe
from tests.support.worlds import make_mall

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def deliveries(ws, seconds=4.0) -> dict[str, set[str]]:
    """Ticket key -> the subscriptions that heard of it, over `seconds`."""
    heard: dict[str, set[str]] = {}
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            break
        if message["type"] == "event":
            heard.setdefault(message["event"]["ticket"]["key"], set()).update(message["subs"])
    return heard


def test_saved_views_and_queues_hear_exactly_their_tickets(atrium_server, mall):
    dispatcher = Person(atrium_server, mall, "dispatcher")
    requester = Person(atrium_server, mall, "key_user")

    def view(filters):
        made = dispatcher.api("POST", "/saved-views/", json={"name": json.dumps(filters), "filters": filters})
        assert made.status_code == 201, made.text
        return made.json()["id"]

    floods = view({"type": "leak", "f.severity": "flood"})  # a custom field: asked of the database
    dirt = view({"type": ["dirt"], "is_open": True})  # the payload answers
    with dispatcher.socket() as ws:
        s_floods = subscribe(ws, topic="view", id=floods)
        s_dirt = subscribe(ws, topic="view", id=dirt)
        s_queue = subscribe(ws, topic="queue", filters={"type": "leak,dirt", "priority": ["3", "4"]})
        ws.send(json.dumps({"type": "subscribe", "topic": "queue", "filters": {"assignee": "someone"}}))
        refused = json.loads(ws.recv(timeout=5))
        assert refused["type"] == "error" and refused["code"] == "unsupported_filter", refused
        assert refused["fields"] == ["filter"]
        keys = {}
        for name, body in (
            ("drip", {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}}),
            ("flood", {"type": "leak", "title": "Flood", "fields": {"severity": "flood"}}),
            ("dirt", {"type": "dirt", "title": "Spill"}),
        ):
            made = requester.api("POST", "/tickets/", json=body)
            assert made.status_code == 201, made.text
            keys[name] = made.json()["key"]
        heard = deliveries(ws)
    assert heard.get(keys["flood"], set()) - {s_queue} == {s_floods}
    assert heard.get(keys["dirt"], set()) - {s_queue} == {s_dirt}
    assert heard.get(keys["drip"], set()) - {s_queue} == set()
    # leaks are filed at priority 3 (high), cleaning at 2 (normal): the queue hears the leaks only
    assert s_queue in heard[keys["flood"]] and s_queue in heard[keys["drip"]]
    assert s_queue not in heard[keys["dirt"]]
