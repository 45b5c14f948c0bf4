"""The one writer of subscription rows.

Every write to a `Subscription` goes through a function here: a trial at provisioning (billing
services), the state Stripe reports (webhooks), the customer, seats and seat sync (Stripe
services), and the operator's plan, limits and trial changes (the console, which audits them).
Callers hold the transaction and the row lock; reads stay with their callers and selectors.
The account's payment state is mirrored onto Account.status here too, never elsewhere in billing.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from kernel.tenancy import AccountStatus, account_model

from .licensing import TRIAL_DAYS
from .models import Plan, Subscription, SubscriptionStatus
from .plans import seed_plans

# our subscription status -> the account's (suspended and closed accounts keep theirs)
ACCOUNT_STATUS = {
    SubscriptionStatus.TRIALING: AccountStatus.TRIALING,
    SubscriptionStatus.ACTIVE: AccountStatus.ACTIVE,
    SubscriptionStatus.PAST_DUE: AccountStatus.PAST_DUE,
    SubscriptionStatus.CANCELED: AccountStatus.READ_ONLY,
}


def _save(sub: Subscription, changes: dict, *extra_fields: str) -> Subscription:
    for field, value in changes.items():
        setattr(sub, field, value)
    sub.save(update_fields=[*changes, *extra_fields, "updated_at"])
    return sub


# ---------------------------------------------------------------------------- billing services
def start_trial(*, account, now: dt.datetime | None = None) -> Subscription:
    """Every new account starts on the Trial plan for TRIAL_DAYS. Called inside provisioning."""
    plan = Plan.objects.filter(is_trial=True, is_active=True).order_by("order").first()
    if plan is None:
        seed_plans()
        plan = Plan.objects.filter(is_trial=True).order_by("order").first()
    now = now or timezone.now()
    return Subscription.objects.create(
        account=account,
        plan=plan,
        status=SubscriptionStatus.TRIALING,
        trial_ends_at=now + dt.timedelta(days=TRIAL_DAYS),
    )


# ---------------------------------------------------------------------------- Stripe webhooks
def link_checkout(sub: Subscription, *, customer_id: str, subscription_id: str) -> Subscription:
    """A completed Checkout names the Stripe customer and subscription of the account."""
    return _save(sub, {"stripe_customer_id": customer_id, "stripe_subscription_id": subscription_id})


def apply_stripe_state(sub: Subscription, *, created: dt.datetime, changes: dict) -> Subscription:
    """The state an event of time `created` reports (the caller checked it is not stale): stamped
    with that time, and the payment state mirrored onto the account."""
    _save(sub, {**changes, "stripe_state_at": created})
    account = sub.account
    mirrored = ACCOUNT_STATUS.get(sub.status)
    if mirrored and account.status not in (AccountStatus.SUSPENDED, AccountStatus.CLOSED):
        account_model().objects.filter(pk=account.pk).update(status=mirrored)
    return sub


# ---------------------------------------------------------------------------- Stripe services
def link_customer(sub: Subscription, *, customer_id: str) -> None:
    """The Stripe customer made for the account (before Checkout or the portal)."""
    Subscription.objects.filter(pk=sub.pk).update(stripe_customer_id=customer_id)
    sub.stripe_customer_id = customer_id


def set_purchased_seats(sub: Subscription, *, seats: int) -> Subscription:
    return _save(sub, {"seats_purchased": seats})


def target_seat_quantity(sub: Subscription, *, target: int) -> int:
    """The quantity Stripe should bill: a new target moves the sync counter (its idempotency key).
    Returns the counter to send with."""
    if sub.seat_sync_target != target:
        _save(sub, {"seat_sync_target": target, "seat_sync_version": sub.seat_sync_version + 1})
    return sub.seat_sync_version


def record_synced_quantity(sub: Subscription, *, version: int, quantity: int, item_id: str) -> None:
    """Stripe took `quantity`: recorded unless a newer target was set meanwhile."""
    Subscription.objects.filter(pk=sub.pk, seat_sync_version=version).update(
        stripe_quantity=quantity, stripe_item_id=item_id
    )


# ---------------------------------------------------------------------------- the operator console
def locked_subscription(account) -> Subscription | None:
    """The account's subscription, locked for an operator's change (None if it has none)."""
    return Subscription.objects.select_for_update().select_related("plan").filter(account=account).first()


def change_plan(sub: Subscription, *, plan: Plan) -> Subscription:
    return _save(sub, {"plan": plan})


def override_limits(
    sub: Subscription, *, seats: int | None, features: list[str], reason: str
) -> Subscription:
    """Seats (None: the plan's or the purchased ones) and extra features beyond the plan."""
    return _save(
        sub,
        {
            "seats_override": seats,
            "features_override": sorted(set(features or [])),
            "override_reason": reason[:300],
        },
    )


def extend_trial(sub: Subscription, *, until: dt.datetime) -> Subscription:
    return _save(sub, {"trial_ends_at": until})
