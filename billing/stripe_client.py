"""The one place that builds a Stripe client (only `billing` imports `stripe`).

Settings (environment): STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE (empty: Stripe
itself; the tests point it at tests/billing/fake_stripe.py).
"""

from __future__ import annotations

import stripe
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError


class BillingNotConfigured(DomainError):
    code = "billing_not_configured"
    status = 503
    default_detail = _("Online payment is not set up on this platform yet. Contact the platform operators.")


class PaymentProviderUnavailable(DomainError):
    code = "payment_provider_unavailable"
    status = 502
    default_detail = _("The payment provider did not answer. Try again in a minute.")


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not settings.STRIPE_SECRET_KEY:
        raise BillingNotConfigured()
    base = {"api": settings.STRIPE_API_BASE.rstrip("/")} if settings.STRIPE_API_BASE else None
    # Our own calls carry idempotency keys, so the client's retries on network errors are safe.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, base_addresses=base, max_network_retries=2)


def verified_event(payload: bytes, signature: str | None) -> dict:
    """The event of a webhook body after checking its Stripe-Signature (HMAC-SHA256 over
    "<timestamp>.<raw body>" with the endpoint's secret, within the tolerance). Raises
    BillingNotConfigured without a secret, ValueError on a bad signature or body."""
    secret = settings.STRIPE_WEBHOOK_SECRET
    if not secret:
        raise BillingNotConfigured()
    try:
        stripe.WebhookSignature.verify_header(
            payload, signature, secret, settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        )
    except stripe.SignatureVerificationError as exc:
        raise ValueError(str(exc)) from exc
    import json

    try:
        event = json.loads(payload)
    except ValueError as exc:
        raise ValueError("the body is not JSON") from exc
    if not isinstance(event, dict) or not event.get("id") or not event.get("type"):
        raise ValueError("the body is not a Stripe event")
    return event


StripeError = stripe.StripeError
