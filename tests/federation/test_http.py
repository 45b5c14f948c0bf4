"""The HTTP transport against a real daphne: the same partnership, delivered over the network."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django_tenants.utils import schema_context

from federation import outbox, services
from federation.models import InboxMessage, OutboxMessage
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Comment, Ticket

from .conftest import _in, envelope_doc, file_leak, make_pair, signed

pytestmark = pytest.mark.live


def test_messages_cross_over_http_and_bad_ones_are_refused(live_db, atrium_server, settings, monkeypatch):
    # this test drains by itself, over HTTP: no drain task may reach a worker of the session (whose
    # settings deliver in-process) and race it
    monkeypatch.setattr(outbox, "kick", lambda *args, **kwargs: None)
    settings.FEDERATION_LOCAL_TRANSPORT = "http"
    settings.FEDERATION_BASE_URL = atrium_server.base
    settings.FEDERATION_HOST_HEADER = django_settings.PLATFORM_DOMAIN
    pair = make_pair()
    ticket = file_leak(pair.mall)
    with _in(pair.mall):
        link = services.forward_ticket(
            actor=pair.mall.people["dispatcher"], ticket=ticket, partnership_id=pair.partnership.pk
        )
        desk.add_comment(actor=pair.mall.people["dispatcher"], ticket=ticket, body="Over the wire")
    with _in(pair.mall):
        sent = services.drain_link(link_id=str(link.pk))  # share, comment: POSTed to daphne
        errors = list(OutboxMessage.objects.filter(link=link).values_list("last_error", flat=True))
        assert sent == 2, errors
        assert services.drain_link(link_id=str(link.pk)) == 0
        assert not OutboxMessage.objects.filter(link=link, sent_at__isnull=True).exists()
    with schema_context(pair.contractor.schema):
        theirs = Ticket.objects.get(federation_links__pk=link.pk)
        assert Comment.objects.filter(ticket=theirs, body__startswith="Over the wire").exists()
        applied = InboxMessage.objects.filter(link_id=link.pk, applied_at__isnull=False).count()
    assert applied == 2
    # the same message again over HTTP is a no-op; a tampered one is refused with a clear error
    doc = envelope_doc(pair.partnership, link=link.pk, seq=3, kind="comment", payload={"body": "third"})
    body, headers = signed(pair.partnership, doc)
    first = atrium_server.request(
        "post", django_settings.PLATFORM_DOMAIN, "/federation/inbox/", data=body, headers=headers
    )
    again = atrium_server.request(
        "post", django_settings.PLATFORM_DOMAIN, "/federation/inbox/", data=body, headers=headers
    )
    assert (first.status_code, first.json()["result"]) == (200, "accepted")
    assert (again.status_code, again.json()["result"]) == (200, "duplicate")
    tampered = atrium_server.request(
        "post",
        django_settings.PLATFORM_DOMAIN,
        "/federation/inbox/",
        data=body.replace(b"third", b"THIRD"),
        headers=headers,
    )
    assert tampered.status_code == 401 and tampered.json()["code"] == "bad_signature"
    stale_body, stale_headers = signed(pair.partnership, {**doc, "id": doc["id"][:-1] + "0"}, ts=1)
    stale = atrium_server.request(
        "post", django_settings.PLATFORM_DOMAIN, "/federation/inbox/", data=stale_body, headers=stale_headers
    )
    assert stale.status_code == 401 and stale.json()["code"] == "stale"
    with schema_context(pair.contractor.schema):
        assert Comment.objects.filter(ticket=theirs).count() == 2
        assert not Comment.objects.filter(body__startswith="THIRD").exists()
