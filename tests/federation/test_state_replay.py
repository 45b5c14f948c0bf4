"""A partnership state message to a partner on another deployment that used up its attempts is
parked like a ticket message: the account's admins (and operators in the console) see it with
its error, and a replay sends it again with its attempts starting over."""

from __future__ import annotations

import pytest
from django.db import connection

from federation.directory.models import Partnership, PartnershipState
from federation.selectors import parked_for_account
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


@pytest.fixture
def stuck(settings):
    """A mall whose announcement of a suspension never reached its partner's deployment."""
    mall = make_mall()
    partnership = Partnership.objects.create(
        requester_account=mall.made.account,
        remote_url="https://contractor.example",
        remote_name="Contractor Co",
        state=PartnershipState.SUSPENDED,
        key_id="k1",
        key="x" * 64,
        state_seq=3,
        state_sent_seq=2,
        state_attempts=settings.FEDERATION_MAX_ATTEMPTS,
        state_error="connection refused",
    )
    connection.set_schema_to_public()
    return mall, partnership


def test_an_exhausted_state_message_is_parked_and_replayed(
    stuck, queued_tasks, django_capture_on_commit_callbacks
):
    mall, partnership = stuck
    parked = mall.api("admin", "get", "/federation/parked/").json()
    (row,) = [r for r in parked if r["kind"] == "partnership"]
    assert row["link"] == str(partnership.pk) and row["seq"] == 3 and row["error"] == "connection refused"
    # the console lists it too
    assert [r["id"] for r in parked_for_account(mall.made.account) if r["kind"] == "partnership"] == [
        row["id"]
    ]

    # another person may not replay it; an admin may
    assert (
        mall.api(
            "dispatcher", "post", "/federation/parked/replay/", {"direction": "out", "id": row["id"]}
        ).status_code
        == 403
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = mall.api(
            "admin", "post", "/federation/parked/replay/", {"direction": "out", "id": row["id"]}
        )
    assert answer.status_code == 200 and answer.json()["result"] == "queued"
    partnership.refresh_from_db()
    assert partnership.state_attempts == 0 and partnership.state_error == ""
    assert (
        "federation.send_partnership_state",
        mall.schema,
        {"partnership_id": str(partnership.pk)},
    ) in queued_tasks
    # sent again, it is no longer parked; a second replay finds nothing
    assert not [
        r for r in mall.api("admin", "get", "/federation/parked/").json() if r["kind"] == "partnership"
    ]
    again = mall.api("admin", "post", "/federation/parked/replay/", {"direction": "out", "id": row["id"]})
    assert again.status_code == 404


def test_a_state_message_still_retrying_is_not_parked(stuck):
    mall, partnership = stuck
    Partnership.objects.filter(pk=partnership.pk).update(state_attempts=2)
    assert not [
        r for r in mall.api("admin", "get", "/federation/parked/").json() if r["kind"] == "partnership"
    ]
