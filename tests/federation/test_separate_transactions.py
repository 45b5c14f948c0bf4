"""On one deployment the two accounts never commit or fail together: the drain delivers outside
the sender's transaction and the receiver records and applies in its own, as over HTTP. Real
commits (no test transaction): a failure on one side leaves the other side's committed work."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from federation import delivery, inbox, outbox, services, transport
from federation.models import InboxMessage, OutboxMessage
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Comment, Ticket

from .conftest import _in, file_leak, make_pair

pytestmark = pytest.mark.live


@pytest.fixture
def linked(live_db, settings, tmp_path, monkeypatch):
    # this test drains by itself: no drain task may reach a worker of the session and race it
    monkeypatch.setattr(outbox, "kick", lambda *args, **kwargs: None)
    settings.MEDIA_ROOT = str(tmp_path)
    settings.FEDERATION_LOCAL_TRANSPORT = "direct"
    pair = make_pair()
    ticket = file_leak(pair.mall)
    with _in(pair.mall):
        link = services.forward_ticket(
            actor=pair.mall.people["dispatcher"], ticket=ticket, partnership_id=pair.partnership.pk
        )
        assert services.drain_link(link_id=str(link.pk)) == 1  # the share
    with _in(pair.contractor):
        assert services.drain_link(link_id=str(link.pk)) == 1  # their number back
    with _in(pair.mall):
        assert services.drain_link(link_id=str(link.pk)) == 0
    return pair, ticket, link


def _their_comments(pair, link) -> list[str]:
    with schema_context(pair.contractor.schema):
        theirs = Ticket.objects.get(federation_links__pk=link.pk)
        return [
            b.split("\n")[0]
            for b in Comment.objects.filter(ticket=theirs).order_by("id").values_list("body", flat=True)
        ]


def test_a_failure_in_the_receivers_apply_does_not_undo_the_senders_change(linked, monkeypatch):
    pair, ticket, link = linked
    agent = pair.mall.people["dispatcher"]
    real_apply = inbox.apply_ready

    def apply_then_fail(link_id, p, local_side):
        real_apply(link_id, p, local_side)  # the receiver applied it, in its own transaction...
        raise RuntimeError("the receiving account's database went away")  # ...which now rolls back

    monkeypatch.setattr(inbox, "apply_ready", apply_then_fail)
    with _in(pair.mall):
        desk.add_comment(actor=agent, ticket=ticket, body="Is anyone on the way?")
        assert connection.in_atomic_block is False  # the drain runs outside any transaction
        assert services.drain_link(link_id=str(link.pk)) == 0
        msg = OutboxMessage.objects.get(link=link, seq=2)
        # the sender's change is there, and its outbox recorded a failed attempt to retry later
        assert Comment.objects.filter(ticket=ticket, body="Is anyone on the way?").exists()
        assert msg.sent_at is None and msg.parked_at is None and msg.attempts == 1
        assert msg.next_attempt_at is not None and "receiver: RuntimeError" in msg.last_error
    with schema_context(pair.contractor.schema):  # the receiver's side rolled back whole
        assert not InboxMessage.objects.filter(link_id=link.pk, seq=2).exists()
    assert _their_comments(pair, link) == []

    monkeypatch.setattr(inbox, "apply_ready", real_apply)
    with _in(pair.mall):
        OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=None)  # the backoff is over
        assert services.drain_link(link_id=str(link.pk)) == 1
        assert OutboxMessage.objects.get(pk=msg.pk).sent_at is not None
    assert _their_comments(pair, link) == ["Is anyone on the way?"]


def test_a_failure_on_the_senders_side_does_not_undo_what_the_receiver_committed(linked, monkeypatch):
    pair, ticket, link = linked
    agent = pair.mall.people["dispatcher"]
    real_deliver = transport.deliver_many

    def deliver_then_fail(p, side, msgs):
        real_deliver(p, side, msgs)  # delivered: the receiver committed its inbox and the change
        raise RuntimeError("the sending worker died before marking the batch sent")

    monkeypatch.setattr(transport, "deliver_many", deliver_then_fail)
    with _in(pair.mall):
        desk.add_comment(actor=agent, ticket=ticket, body="Two people are coming")
        with pytest.raises(RuntimeError, match="worker died"):
            delivery.drain_link(link_id=str(link.pk))
        assert OutboxMessage.objects.get(link=link, seq=2).sent_at is None  # not marked: sent again
    with schema_context(pair.contractor.schema):
        inbound = InboxMessage.objects.get(link_id=link.pk, seq=2)
        assert inbound.applied_at is not None
    assert _their_comments(pair, link) == ["Two people are coming"]

    monkeypatch.setattr(transport, "deliver_many", real_deliver)
    with _in(pair.mall):  # the resend is a duplicate the receiver's inbox ignores
        assert services.drain_link(link_id=str(link.pk)) == 1
        assert OutboxMessage.objects.get(link=link, seq=2).sent_at is not None
    with schema_context(pair.contractor.schema):
        assert InboxMessage.objects.filter(link_id=link.pk).count() == 2  # the share and the comment
    assert _their_comments(pair, link) == ["Two people are coming"]  # applied once
