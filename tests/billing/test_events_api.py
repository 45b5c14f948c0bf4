"""The billing events an account admin sees: the account's own Stripe events, newest first, what
processing did, never the payload; nobody else reads them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import BillingEvent
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


def test_the_admin_sees_the_accounts_own_events_newest_first(mall):
    other = make_mall()
    now = timezone.now()
    BillingEvent.objects.create(
        stripe_id="evt_old",
        type="checkout.session.completed",
        created=now - timedelta(days=2),
        account=mall.made.account,
        payload={"secret": "card 4242"},
        processed_at=now,
        outcome="subscription started",
    )
    BillingEvent.objects.create(
        stripe_id="evt_new",
        type="invoice.payment_failed",
        created=now - timedelta(hours=1),
        account=mall.made.account,
        payload={},
        error="boom",
    )
    BillingEvent.objects.create(
        stripe_id="evt_other", type="invoice.paid", created=now, account=other.made.account, payload={}
    )
    response = mall.api("admin", "get", "/billing/events/")
    assert response.status_code == 200
    rows = response.json()
    assert [r["id"] for r in rows] == ["evt_new", "evt_old"]
    assert rows[0]["failed"] is True and rows[1]["outcome"] == "subscription started"
    assert "4242" not in response.content.decode()
    for who in ("dispatcher", "key_user"):
        refused = mall.api(who, "get", "/billing/events/")
        assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
