"""Reads of billing that the account's Billing page and the console share."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from . import stripe_client
from .licensing import LicenceState, licence_for, seats_used
from .models import Plan, Subscription, SubscriptionStatus


def banner(licence) -> str:
    """The line admins see at the top of the desk, or "" when all is well."""
    if licence.state == LicenceState.PAST_DUE:
        return _(
            "The last payment failed. Update the card in Billing before %(date)s, or the desk becomes "
            "read-only."
        ) % {"date": formats.date_format(licence.grace_until, "DATE_FORMAT") if licence.grace_until else ""}
    if licence.state == LicenceState.READ_ONLY:
        return _("The desk is paused: choose a plan or update the card in Billing to continue.")
    return ""


def billing_overview(account) -> dict:
    """What an account admin sees in Billing. Runs in the account's schema (seats in use)."""
    licence = licence_for(account)
    sub = Subscription.objects.select_related("plan").filter(account_id=account.pk).first()
    plan = sub.plan if sub else None
    return {
        "plan": {"code": plan.code, "name": plan.name} if plan else None,
        "state": licence.state,
        "writable": licence.writable,
        "seats": {
            "used": seats_used(),
            "available": licence.seats,
            "purchased": sub.seats_purchased if sub else 0,
        },
        "trial_ends_at": licence.trial_ends_at,
        "grace_until": licence.grace_until,
        "current_period_end": sub.current_period_end if sub else None,
        "features": sorted(licence.features),
        "banner": banner(licence),
        "online_payment": stripe_client.is_configured(),
        "subscribed": bool(
            sub
            and sub.stripe_subscription_id
            and sub.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
        ),
        "plans": [
            {
                "code": p.code,
                "name": p.name,
                "price_per_seat_month": p.price_per_seat_month,
                "currency": p.currency,
                "seats": p.seats,
                "features": list(p.features or []),
                "purchasable": bool(p.stripe_price_id),
            }
            for p in Plan.objects.filter(is_active=True, is_trial=False)
        ],
    }


def billing_events(account, limit: int = 100) -> list:
    """The account's Stripe events as its admin sees them (newest first): what happened and what
    processing did, never the payload."""
    from .models import BillingEvent

    return list(
        BillingEvent.objects.filter(account_id=account.pk)
        .order_by("-created", "-id")
        .only("stripe_id", "type", "created", "processed_at", "outcome", "error")[:limit]
    )
