"""The requester's answer on resolved work goes live like every other event: the desk and the
requester hear the confirmation; only the desk hears the rating (an internal event)."""

from __future__ import annotations

import pytest

from tests.live.test_live_updates import Person, events, file_leak, silence, subscribe
from tests.support.worlds import make_mall

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def test_confirmation_reaches_both_sides_and_the_rating_only_the_desk(atrium_server, mall):
    requester = Person(atrium_server, mall, "key_user")
    plumber = Person(atrium_server, mall, "plumber")
    dispatcher = Person(atrium_server, mall, "dispatcher")
    ticket = file_leak(requester)
    assert plumber.api("POST", f"/tickets/{ticket['id']}/transition/", json={"to": "in_progress"}).ok
    done = plumber.api(
        "POST", f"/tickets/{ticket['id']}/transition/", json={"to": "resolved", "comment": "Fixed"}
    )
    assert done.status_code == 200, done.text
    with requester.socket() as mine, dispatcher.socket() as desk:
        subscribe(mine, topic="ticket", id=ticket["id"])
        subscribe(desk, topic="ticket", id=ticket["id"])
        assert requester.api("POST", f"/tickets/{ticket['id']}/confirm/", json={}).status_code == 200
        for ws in (mine, desk):
            got = events(ws, 5, until="confirmed")
            confirmed = [e for e in got if e["kind"] == "confirmed"]
            assert confirmed and confirmed[0]["ticket"]["category"] == "closed"
        rated = requester.api("POST", f"/tickets/{ticket['id']}/rating/", json={"score": 4})
        assert rated.status_code == 201, rated.text
        assert [e["kind"] for e in events(desk, 1, until="rated")] == ["rated"]
        assert silence(mine)
