"""Platform operators see an account's parked federation messages and replay them (audited)."""

from __future__ import annotations

import pytest

from federation.directory.models import Partnership
from federation.models import InboxMessage, OutboxMessage, TicketLink
from tenant_apps.desk.models import TicketType
from tenants_shared.console.models import AuditEntry
from tests.support.worlds import drain, file_leak, forward, make_pair

from .conftest import PUBLIC_HOST

pytestmark = pytest.mark.django_db


def _replay(client, account, direction, message_id, reason="The partner fixed its type"):
    return client.post(
        f"/console/accounts/{account.slug}/replay/",
        {"direction": direction, "message": str(message_id), "reason": reason},
        HTTP_HOST=PUBLIC_HOST,
    )


def _page(client, account) -> str:
    response = client.get(f"/console/accounts/{account.slug}/", HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 200
    return response.content.decode()


def test_operators_see_parked_messages_and_support_replays_them(operator, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    pair = make_pair()
    contractor = pair.contractor.made.account
    with pair.in_contractor():
        TicketType.objects.filter(code="work_order").update(is_active=False)  # the cause
    link = forward(pair, file_leak(pair.mall))
    drain(pair.mall)
    with pair.in_contractor():
        parked = InboxMessage.objects.get(link_id=link.pk)
        assert parked.parked_at is not None

    # every operator sees it, with its error; only support and owners get the replay button
    billing, _ = operator("billing")
    page = _page(billing, contractor)
    assert str(parked.message_id) not in page  # no replay form for billing
    assert str(link.pk) in page and "work_order" in page
    assert _replay(billing, contractor, "in", parked.message_id).status_code == 403
    support, made = operator("support")
    page = _page(support, contractor)
    assert str(parked.message_id) in page and "work_order" in page

    # a reason is required; an unknown message is reported; neither writes anything
    assert _replay(support, contractor, "in", parked.message_id, reason="").status_code == 302
    other = _replay(support, contractor, "in", "7f1c6a30-0000-4000-8000-000000000000")
    assert other.status_code == 302
    assert not AuditEntry.objects.filter(action="federation.replay").exists()
    with pair.in_contractor():
        assert InboxMessage.objects.get(pk=parked.pk).parked_at is not None

    with pair.in_contractor():
        TicketType.objects.filter(code="work_order").update(is_active=True)  # the fix
    assert _replay(support, contractor, "in", parked.message_id).status_code == 302
    with pair.in_contractor():
        row = InboxMessage.objects.get(pk=parked.pk)
        assert row.applied_at is not None and row.parked_at is None
        assert TicketLink.objects.filter(pk=link.pk, role="receiver").exists()
    entry = AuditEntry.objects.get(action="federation.replay")
    assert (entry.operator, entry.role, entry.account) == (made.user, "support", contractor)
    assert entry.reason == "The partner fixed its type"
    assert entry.details["result"] == "applied" and entry.details["id"] == str(parked.message_id)
    assert "work_order" not in _page(support, contractor)


def test_an_outbound_parked_message_is_sent_again_after_a_replay(operator, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    pair = make_pair()
    mall = pair.mall.made.account
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    terms = Partnership.objects.get(pk=pair.partnership.pk).type_map
    Partnership.objects.filter(pk=pair.partnership.pk).update(type_map={"breakdown": "work_order"})
    drain(pair.mall)  # the contractor refuses the type for good: parked at the mall
    with pair.in_mall():
        parked = OutboxMessage.objects.get(link_id=link.pk)
        assert parked.parked_at is not None and "type_not_allowed" in parked.last_error
    owner, _ = operator("owner")
    assert "type_not_allowed" in _page(owner, mall)
    Partnership.objects.filter(pk=pair.partnership.pk).update(type_map=terms)
    assert _replay(owner, mall, "out", parked.message_id).status_code == 302
    assert AuditEntry.objects.get(action="federation.replay").details["result"] == "queued"
    drain(pair.mall)  # what the queued drain task does
    with pair.in_mall():
        assert OutboxMessage.objects.get(pk=parked.pk).sent_at is not None
    with pair.in_contractor():
        assert InboxMessage.objects.get(link_id=link.pk).applied_at is not None
