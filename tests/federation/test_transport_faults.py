"""Duplicates and reordering injected at the HTTP transport, against a real daphne: a transport
that acknowledges a message and delivers it late, twice, out of order, and replays old ones. The
partner applies every message once and in order; nothing is lost, nothing applied twice."""

from __future__ import annotations

import random

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from federation import outbox, services, transport
from federation.models import InboxMessage
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Comment, Ticket

from .conftest import _in, file_leak, make_pair

pytestmark = pytest.mark.live


def test_late_duplicated_reordered_and_replayed_messages_are_applied_once_in_order(
    live_db, atrium_server, settings, monkeypatch
):
    monkeypatch.setattr(outbox, "kick", lambda *args, **kwargs: None)  # this test drains itself
    settings.FEDERATION_LOCAL_TRANSPORT = "http"
    settings.FEDERATION_BASE_URL = atrium_server.base
    settings.FEDERATION_HOST_HEADER = django_settings.PLATFORM_DOMAIN
    pair = make_pair()
    ticket = file_leak(pair.mall)
    agent = pair.mall.people["dispatcher"]
    with _in(pair.mall):
        link = services.forward_ticket(actor=agent, ticket=ticket, partnership_id=pair.partnership.pk)
        for n in range(6):
            desk.add_comment(actor=agent, ticket=ticket, body=f"note {n}")

    real_post = transport.post_envelope
    held: list[tuple] = []

    def acknowledging_transport(p, body, headers):
        held.append((p, body, dict(headers)))  # acknowledged now, delivered later
        return {"result": "accepted"}

    monkeypatch.setattr(transport, "post_envelope", acknowledging_transport)
    with _in(pair.mall):
        assert services.drain_link(link_id=str(link.pk)) == 7  # the share and six comments
    monkeypatch.setattr(transport, "post_envelope", real_post)

    # the network delivers them in any order, most of them twice, then replays a few old ones
    deliveries = held + random.Random(13).sample(held, 5)
    random.Random(7).shuffle(deliveries)
    deliveries = [deliveries[-1], *deliveries] + held[:2]
    results = [real_post(*d)["result"] for d in deliveries]
    assert set(results) <= {"accepted", "duplicate"} and results.count("accepted") == len(held)

    with schema_context(pair.contractor.schema):
        theirs = Ticket.objects.get(federation_links__pk=link.pk)
        bodies = list(Comment.objects.filter(ticket=theirs).order_by("id").values_list("body", flat=True))
        assert [b.split("\n")[0] for b in bodies] == [f"note {n}" for n in range(6)]  # once each, in order
        inbox = InboxMessage.objects.filter(link_id=link.pk)
        assert inbox.count() == len(held) and inbox.filter(applied_at__isnull=False).count() == len(held)
        assert not inbox.filter(parked_at__isnull=False).exists()
