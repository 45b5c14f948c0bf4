"""Live updates over /ws/ with a live daphne, real Redis, real websocket clients and a real worker."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
from websockets.exceptions import ConnectionClosed

from tests.support.processes import wait_for
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def malls(live_db):
    return make_mall(), make_mall()


class Person:
    def __init__(self, server, mall, who):
        self.server, self.mall, self.who = server, mall, who
        response = server.request(
            "POST",
            mall.host,
            "/api/v1/auth/tokens/",
            json={"email": mall.people[who].email, "password": PASSWORD},
        )
        assert response.status_code == 201, response.text
        self.headers = {"Authorization": f"Token {response.json()['token']}"}

    def api(self, method, path, **kwargs):
        return self.server.request(method, self.mall.host, f"/api/v1{path}", headers=self.headers, **kwargs)

    @contextlib.contextmanager
    def socket(self):
        with self.server.ws_connect(self.mall.host, "/ws/", self.headers) as ws:
            hello = json.loads(ws.recv(timeout=5))
            assert hello["type"] == "hello" and hello["account"] == self.mall.made.account.slug
            ws.hello = hello
            yield ws


def subscribe(ws, **message):
    ws.send(json.dumps({"type": "subscribe", **message}))
    reply = json.loads(ws.recv(timeout=5))
    while reply["type"] == "notification":  # a person's own notifications may arrive any time
        reply = json.loads(ws.recv(timeout=5))
    assert reply["type"] == "subscribed", reply
    return reply["sub"]


def events(ws, count, timeout=5.0, until=None):
    """The next `count` events (or fewer: up to the first of kind `until`)."""
    got, deadline = [], time.monotonic() + timeout
    while len(got) < count:
        message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        if message["type"] == "event":
            got.append(message["event"])
            if until is not None and message["event"]["kind"] == until:
                break
    return got


def silence(ws, seconds=1.5):
    """Nothing (no event) arrives within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            message = json.loads(ws.recv(timeout=deadline - time.monotonic()))
        except TimeoutError:
            return True
        assert message["type"] != "event", message
    return True


def file_leak(person, title="Leak in 2-14"):
    response = person.api(
        "POST", "/tickets/", json={"type": "leak", "title": title, "fields": {"severity": "drip"}}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_new_ticket_reaches_the_dispatchers_queue_and_only_this_account(atrium_server, malls):
    a, b = malls
    dispatcher = Person(atrium_server, a, "dispatcher")
    other_account = Person(atrium_server, b, "dispatcher")
    with dispatcher.socket() as ws, other_account.socket() as ws_b:
        subscribe(ws, topic="queue", filters={"category": ["new", "open"]})
        subscribe(ws_b, topic="queue", filters={})
        ticket = file_leak(Person(atrium_server, a, "key_user"))
        created = [e for e in events(ws, 2) if e["kind"] == "created"]
        assert created and created[0]["ticket"]["key"] == ticket["key"]
        assert silence(ws_b)


def test_requester_hears_public_comments_but_never_internal_ones(atrium_server, malls):
    a, _ = malls
    requester = Person(atrium_server, a, "key_user")
    plumber = Person(atrium_server, a, "plumber")
    ticket = file_leak(requester)
    with requester.socket() as ws:
        subscribe(ws, topic="ticket", id=ticket["id"])
        assert (
            plumber.api(
                "POST", f"/tickets/{ticket['id']}/comments/", json={"body": "Not our pipe", "internal": True}
            ).status_code
            == 201
        )
        assert (
            plumber.api("POST", f"/tickets/{ticket['id']}/comments/", json={"body": "On my way"}).status_code
            == 201
        )
        (event,) = events(ws, 1)
        assert event["kind"] == "commented" and event["data"]["body"] == "On my way"
        assert silence(ws)


def test_someone_elses_ticket_cannot_be_subscribed(atrium_server, malls):
    a, _ = malls
    ticket = file_leak(Person(atrium_server, a, "key_user"))
    with Person(atrium_server, a, "visitor").socket() as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": "ticket", "id": ticket["id"]}))
        assert json.loads(ws.recv(timeout=5))["code"] == "not_found"


def test_blocked_persons_socket_closes_at_once(atrium_server, malls):
    a, _ = malls
    employee = Person(atrium_server, a, "coworker")
    admin = Person(atrium_server, a, "admin")
    with employee.socket() as ws:
        subscribe(ws, topic="mine")
        assert (
            admin.api(
                "POST", f"/people/{a.people['coworker'].pk}/block/", json={"reason": "left"}
            ).status_code
            == 200
        )
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                ws.recv(timeout=5)
        assert closed.value.rcvd.code == 4403
    admin.api("POST", f"/people/{a.people['coworker'].pk}/unblock/", json={})


def test_resume_replays_missed_events_once_and_in_order_then_goes_live(atrium_server, malls):
    a, _ = malls
    engineer = Person(atrium_server, a, "engineer")
    requester = Person(atrium_server, a, "key_user")
    ticket = file_leak(requester)
    with engineer.socket() as ws:
        subscribe(ws, topic="queue", filters={})
        requester.api("POST", f"/tickets/{ticket['id']}/comments/", json={"body": "zero"})
        # the filing's own events may still be on their way under load: resume from the comment's
        seen = next(
            e for e in events(ws, 4, timeout=15, until="commented") if e["data"].get("body") == "zero"
        )
        last_seen = seen["id"]
    # offline: three changes happen
    for body in ("one", "two", "three"):
        requester.api("POST", f"/tickets/{ticket['id']}/comments/", json={"body": body})
    with engineer.socket() as ws:
        subscribe(ws, topic="queue", filters={})
        ws.send(json.dumps({"type": "resume", "since": last_seen}))
        replayed, resumed = [], None
        while resumed is None:
            message = json.loads(ws.recv(timeout=5))
            if message["type"] == "event":
                replayed.append(message["event"])
            elif message["type"] == "resumed":
                resumed = message
        assert [e["data"]["body"] for e in replayed] == ["one", "two", "three"]
        assert [e["id"] for e in replayed] == sorted({e["id"] for e in replayed})
        requester.api("POST", f"/tickets/{ticket['id']}/comments/", json={"body": "four"})
        live = events(ws, 1)
        assert [e["data"]["body"] for e in live] == ["four"]
        assert silence(ws, 1.0)


def test_event_raised_in_a_celery_task_arrives(atrium_server, celery_worker, malls):
    a, _ = malls
    dispatcher = Person(atrium_server, a, "dispatcher")
    ticket = file_leak(Person(atrium_server, a, "key_user"))
    with dispatcher.socket() as ws:
        subscribe(ws, topic="ticket", id=ticket["id"])
        accepted = dispatcher.api(
            "POST", "/tickets/bulk/", json={"ids": [ticket["id"]], "changes": {"priority": 4}}
        )
        assert accepted.status_code == 202, accepted.text
        # the filing's own events (created, routed) may still be on their way under load
        event = next(e for e in events(ws, 3, timeout=15, until="changed") if e["kind"] == "changed")
        assert event["data"]["changes"]["priority"] == [3, 4]
        assert event["ticket"]["priority"] == 4
    job = accepted.json()["job"]
    assert job["total"] == 1 and job["state"] in ("queued", "running", "done")

    def finished():
        progress = dispatcher.api("GET", f"/tickets/bulk/{job['id']}/").json()
        return progress if progress["state"] == "done" else None

    progress = wait_for(finished)
    assert progress["done"] == 1 and progress["updated"] == [ticket["id"]] and progress["refused"] == []
    # a bulk job is its actor's alone
    assert Person(atrium_server, a, "engineer").api("GET", f"/tickets/bulk/{job['id']}/").status_code == 404


def _next_of(ws, kind, timeout=5.0):
    deadline = time.monotonic() + timeout
    while True:
        message = json.loads(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        if message["type"] == kind:
            return message


def test_presence_reaches_other_agents_on_the_ticket_never_requesters(atrium_server, malls):
    a, b = malls
    requester = Person(atrium_server, a, "key_user")
    ticket = file_leak(requester)
    dispatcher, plumber = Person(atrium_server, a, "dispatcher"), Person(atrium_server, a, "plumber")
    with (
        dispatcher.socket() as ws_d,
        plumber.socket() as ws_p,
        requester.socket() as ws_r,
        Person(atrium_server, b, "dispatcher").socket() as ws_b,
    ):
        for ws in (ws_d, ws_p, ws_r):
            subscribe(ws, topic="ticket", id=ticket["id"])
        subscribe(ws_b, topic="queue", filters={})
        # a requester may not announce presence; an unsubscribed ticket is refused
        ws_r.send(json.dumps({"type": "presence", "ticket": ticket["id"], "state": "typing"}))
        assert _next_of(ws_r, "error")["code"] == "not_found"
        ws_d.send(json.dumps({"type": "presence", "ticket": ticket["id"] + 10_000, "state": "viewing"}))
        assert _next_of(ws_d, "error")["code"] == "not_found"
        ws_d.send(json.dumps({"type": "presence", "ticket": ticket["id"], "state": "dance"}))
        assert _next_of(ws_d, "error")["code"] == "bad_message"

        ws_d.send(json.dumps({"type": "presence", "ticket": ticket["id"], "state": "typing"}))
        heard = _next_of(ws_p, "presence")
        assert heard["ticket"] == ticket["id"] and heard["state"] == "typing"
        assert heard["person"] == {"id": a.people["dispatcher"].pk, "name": a.people["dispatcher"].full_name}

        def hears_presence(ws) -> bool:
            deadline = time.monotonic() + 1.5
            while time.monotonic() < deadline:
                try:
                    message = json.loads(ws.recv(timeout=deadline - time.monotonic()))
                except TimeoutError:
                    return False
                if message["type"] == "presence":
                    return True
            return False

        # neither the requester, the sender itself, nor another account hears it
        assert not hears_presence(ws_r)
        assert not hears_presence(ws_d)
        assert not hears_presence(ws_b)


def test_answers_carry_the_clients_ref(atrium_server, malls):
    a, _ = malls
    with Person(atrium_server, a, "dispatcher").socket() as ws:
        ws.send(json.dumps({"type": "subscribe", "topic": "mine", "ref": "r-1"}))
        assert json.loads(ws.recv(timeout=5)) == {
            "type": "subscribed",
            "sub": "s1",
            "topic": "mine",
            "ref": "r-1",
        }
        ws.send(json.dumps({"type": "subscribe", "topic": "nope", "ref": 7}))
        refused = json.loads(ws.recv(timeout=5))
        assert refused["code"] == "unknown_topic" and refused["ref"] == 7
        ws.send(json.dumps({"type": "subscribe", "topic": "mine"}))
        assert "ref" not in json.loads(ws.recv(timeout=5))
