from __future__ import annotations

import json

import pytest
from django.test import Client

from billing.models import Plan
from tests.billing.fake_stripe import FakeStripe
from tests.support.billing import PRICES, PUBLIC, WEBHOOK
from tests.support.fixtures import mall  # noqa: F401

__all__ = ["PRICES", "PUBLIC", "WEBHOOK", "deliver"]


@pytest.fixture
def fake_stripe(settings, db):
    """The local fake Stripe, with the platform's settings pointing at it and prices on the plans."""
    fake = FakeStripe()
    settings.STRIPE_SECRET_KEY = "sk_test_atrium_fake"
    settings.STRIPE_API_BASE = fake.base
    settings.STRIPE_WEBHOOK_SECRET = fake.webhook_secret
    for code, price in PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=price)
    yield fake
    fake.close()


def deliver(fake: FakeStripe, event: dict, *, secret: str | None = None, signature: str | None = None):
    """POST an event to the webhook on the public host as Stripe does: raw JSON, signed."""
    payload = json.dumps(event)
    header = signature if signature is not None else fake.sign(payload, secret=secret)
    return Client().post(
        WEBHOOK, payload, content_type="application/json", HTTP_HOST=PUBLIC, HTTP_STRIPE_SIGNATURE=header
    )
