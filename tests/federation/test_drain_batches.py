"""How the same-deployment transport moves a drained batch: checked and recorded in one step, a run
of comments applied as one change, a bad message parked alone; one waiting drain per link; the
sweep that catches a drain lost on its way."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from federation import outbox, protocol, services
from federation.models import InboxMessage, OutboxMessage, TicketLink
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Comment, EventKind, TicketEvent

from .conftest import envelope_doc, file_leak, signed
from .test_federation import forward, settle, their_ticket

pytestmark = pytest.mark.django_db


def _comment(p, link, seq: int, body, **extra):
    return signed(p, envelope_doc(p, link=link.pk, seq=seq, kind="comment", payload={"body": body, **extra}))


@pytest.fixture
def linked(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    with pair.in_contractor():
        assert TicketLink.objects.get(pk=link.pk).last_in_seq == 1  # the share
    return pair, ticket, link


def test_a_run_of_comments_is_one_change_and_a_bad_one_is_parked_alone(linked):
    pair, _ticket, link = linked
    p = pair.partnership
    batch = [
        _comment(p, link, 2, "first", author="Mall Desk"),
        _comment(p, link, 3, "second", author="Mall Desk"),
        _comment(p, link, 4, "x" * 20001),  # longer than a comment may be: the desk refuses it
        _comment(p, link, 5, "after the bad one"),
    ]
    with pair.in_mall():  # recorded, all four; applied up to the bad one
        assert services.receive_many(batch, partnership=p) == [{"result": "accepted"}] * 4

    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert list(Comment.objects.filter(ticket=theirs).order_by("id").values_list("body", flat=True)) == [
            "first\n\n— Mall Desk",
            "second\n\n— Mall Desk",
        ]
        # one event per comment, in order, on the event spine
        bodies = [e.data["body"] for e in TicketEvent.objects.filter(ticket=theirs, kind=EventKind.COMMENTED)]
        assert bodies == ["first\n\n— Mall Desk", "second\n\n— Mall Desk"]
        assert TicketLink.objects.get(pk=link.pk).last_in_seq == 3
        bad = InboxMessage.objects.get(link_id=link.pk, seq=4)
        assert bad.parked_at is not None and bad.applied_at is None
        assert "InvalidInput" in bad.error and "20000" in bad.error
        held = InboxMessage.objects.get(link_id=link.pk, seq=5)
        assert held.applied_at is None and held.parked_at is None  # waits for #4's replay


def test_a_batch_stops_at_the_first_refusal_and_records_nothing_after_it(linked):
    pair, _ticket, link = linked
    p = pair.partnership
    good = _comment(p, link, 2, "good")
    forged = _comment(p, link, 3, "forged")
    forged[1][protocol.HEADER_SIGNATURE] = protocol.signature("not-the-key", "1", forged[0])
    with pair.in_mall():
        outcomes = services.receive_many([good, forged, _comment(p, link, 4, "never")], partnership=p)
    assert outcomes[0] == {"result": "accepted"}
    assert isinstance(outcomes[1], protocol.Refused) and outcomes[1].code == "bad_signature"
    assert len(outcomes) == 2
    with pair.in_contractor():
        assert sorted(InboxMessage.objects.filter(link_id=link.pk).values_list("seq", flat=True)) == [1, 2]
        assert Comment.objects.filter(body="good").exists()

    # the same message again is a duplicate; a new one on a taken number is refused, and ends the batch
    clash = _comment(p, link, 2, "clash")
    with pair.in_mall():
        outcomes = services.receive_many([good, clash, _comment(p, link, 3, "later")], partnership=p)
    assert outcomes[0] == {"result": "duplicate", "applied": True}
    assert isinstance(outcomes[1], protocol.Refused) and outcomes[1].code == "seq_taken"
    with pair.in_contractor():
        assert InboxMessage.objects.filter(link_id=link.pk).count() == 2


def _drains(sent, link) -> int:
    return sum(
        1
        for name, _schema, kwargs in sent
        if name == "federation.drain_link" and kwargs["link_id"] == str(link.pk)
    )


@pytest.fixture
def committing(django_capture_on_commit_callbacks, settings):
    """Run after-commit work as a commit would, with live delivery switched off: its thread's own
    connection cannot see this test's transaction."""
    settings.CHANNEL_LAYERS = {}
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_a_burst_on_one_link_queues_one_drain_until_it_starts(linked, queued_tasks, committing):
    pair, ticket, link = linked
    dispatcher = pair.mall.people["dispatcher"]
    with pair.in_mall():
        for i in range(3):
            with committing():
                desk.add_comment(actor=dispatcher, ticket=ticket, body=f"burst {i}")
        assert _drains(queued_tasks, link) == 1  # the waiting drain will read all three
        assert services.drain_link(link_id=str(link.pk)) == 3
        with committing():
            desk.add_comment(actor=dispatcher, ticket=ticket, body="after the drain started")
        assert _drains(queued_tasks, link) == 2
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert Comment.objects.filter(ticket=theirs, body__startswith="burst").count() == 3


def test_the_sweep_queues_drains_that_were_lost_and_nothing_else(linked, queued_tasks, committing):
    pair, ticket, link = linked
    dispatcher = pair.mall.people["dispatcher"]
    with pair.in_mall():
        desk.add_comment(actor=dispatcher, ticket=ticket, body="its drain never ran")  # no commit, no task
        cache.delete(outbox.drain_key(pair.mall.schema, link.pk))
        msg = OutboxMessage.objects.get(link_id=link.pk, sent_at__isnull=True)
        with committing():
            assert services.sweep_outbox() == 0  # too young: its own drain may be on its way
        old = timezone.now() - dt.timedelta(seconds=120)
        OutboxMessage.objects.filter(pk=msg.pk).update(created_at=old)
        with committing():
            assert services.sweep_outbox() == 1
        assert _drains(queued_tasks, link) == 1
        with committing():
            assert services.sweep_outbox() == 1  # still unsent, but a drain is waiting: not queued twice
        assert _drains(queued_tasks, link) == 1

        cache.delete(outbox.drain_key(pair.mall.schema, link.pk))
        OutboxMessage.objects.filter(pk=msg.pk).update(
            next_attempt_at=timezone.now() + dt.timedelta(minutes=5)
        )
        assert services.sweep_outbox() == 0  # backing off: its retry is queued with a countdown
        OutboxMessage.objects.filter(pk=msg.pk).update(next_attempt_at=None, parked_at=timezone.now())
        assert services.sweep_outbox() == 0  # parked: waits for a person's replay


def test_a_text_the_desk_takes_is_never_refused_for_its_signature(linked):
    pair, _ticket, link = linked
    p = pair.partnership
    assert services.receive(*_comment(p, link, 2, "y" * 20000, author="Mall Desk")) == {"result": "accepted"}
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        body = Comment.objects.get(ticket=theirs).body
        assert len(body) == 20000 and body.endswith("…\n\n— Mall Desk")


def test_a_nul_character_is_refused_as_a_bad_envelope(linked):
    pair, _ticket, link = linked
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*_comment(pair.partnership, link, 2, "a\x00b"))
    assert refused.value.code == "bad_envelope"
    with pair.in_contractor():
        assert not InboxMessage.objects.filter(link_id=link.pk, seq=2).exists()
