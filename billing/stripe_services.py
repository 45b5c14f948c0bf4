"""Writes that talk to Stripe: Checkout, the Customer Portal and the seat quantity.

Called by billing's API views (on the account host, inside the account's schema) and by the seat
sync task. Stripe's answers about what was paid come back through webhooks (billing/webhooks.py);
nothing here marks a subscription as paid.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput
from kernel.tasks import enqueue_for_account

from . import stripe_client, subscriptions
from .licensing import seats_used
from .models import Plan, Subscription, SubscriptionStatus
from .stripe_client import PaymentProviderUnavailable

# Stripe statuses under which the account already pays through a live subscription.
LIVE = (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE)
MAX_SEATS = 10_000


class SubscriptionExists(DomainError):
    code = "subscription_exists"
    status = 409
    default_detail = gettext_lazy(
        "This account already has a subscription. Change the plan, seats or card in the billing portal."
    )


class NoBillingCustomer(DomainError):
    code = "no_billing_customer"
    status = 409
    default_detail = gettext_lazy("There is nothing to manage yet: start a subscription first.")


class NoPaidSubscription(DomainError):
    code = "no_paid_subscription"
    status = 409
    default_detail = gettext_lazy("Seats can be changed once a paid subscription is active.")


def _subscription(account, *, lock: bool = False) -> Subscription:
    queryset = Subscription.objects.select_related("plan")
    if lock:
        queryset = queryset.select_for_update()
    sub = queryset.filter(account_id=account.pk).first()
    if sub is None:
        sub = subscriptions.start_trial(account=account)
    return sub


def _check_seats(seats, errors: dict) -> int | None:
    if isinstance(seats, bool) or not isinstance(seats, int):
        errors["seats"] = [_("Give a whole number of seats.")]
        return None
    used = seats_used()
    if seats < max(1, used):
        errors["seats"] = [
            _("%(used)d agents hold seats now: buy at least %(min)d, or block agents first.")
            % {"used": used, "min": max(1, used)}
        ]
    elif seats > MAX_SEATS:
        errors["seats"] = [_("At most %(max)d seats.") % {"max": MAX_SEATS}]
    return seats


def _customer_id(sub: Subscription, account, stripe) -> str:
    if sub.stripe_customer_id:
        return sub.stripe_customer_id
    customer = stripe.v1.customers.create(
        params={
            "name": account.name,
            "metadata": {"account_id": str(account.pk), "account_slug": account.slug},
        },
        # a double click or a retry makes one customer, not two
        options={"idempotency_key": f"atrium-customer-{account.pk}"},
    )
    subscriptions.link_customer(sub, customer_id=customer.id)
    return customer.id


def start_checkout(*, account, plan: str, seats, base_url: str) -> dict:
    """A Stripe Checkout Session (mode subscription) for `seats` seats of `plan`; returns its id and
    URL. The subscription's metadata names the account, so every later webhook finds it."""
    stripe = stripe_client.client()  # 503 first when online payment is not set up
    errors: dict[str, list[str]] = {}
    chosen = Plan.objects.filter(code=plan, is_active=True, is_trial=False).first() if plan else None
    if chosen is None:
        errors["plan"] = [_("Choose one of the plans on offer.")]
    elif not chosen.stripe_price_id:
        errors["plan"] = [_("This plan cannot be bought online yet. Contact the platform operators.")]
    seats = _check_seats(seats, errors)
    if errors:
        raise InvalidInput(fields=errors)
    sub = _subscription(account)
    if sub.stripe_subscription_id and sub.status in LIVE:
        raise SubscriptionExists()
    try:
        customer = _customer_id(sub, account, stripe)
        session = stripe.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": customer,
                "client_reference_id": str(account.pk),
                "line_items": [{"price": chosen.stripe_price_id, "quantity": seats}],
                "metadata": {"account_id": str(account.pk), "plan": chosen.code},
                "subscription_data": {"metadata": {"account_id": str(account.pk), "plan": chosen.code}},
                "success_url": f"{base_url}/billing/?checkout=success&session_id={{CHECKOUT_SESSION_ID}}",
                "cancel_url": f"{base_url}/billing/?checkout=cancelled",
            }
        )
    except stripe_client.StripeError as exc:
        raise PaymentProviderUnavailable() from exc
    return {"id": session.id, "url": session.url}


def open_portal(*, account, base_url: str) -> dict:
    """A Customer Portal session (card, invoices, plan and seat changes); returns its URL."""
    stripe = stripe_client.client()
    sub = _subscription(account)
    if not sub.stripe_customer_id:
        raise NoBillingCustomer()
    try:
        session = stripe.v1.billing_portal.sessions.create(
            params={"customer": sub.stripe_customer_id, "return_url": f"{base_url}/billing/"}
        )
    except stripe_client.StripeError as exc:
        raise PaymentProviderUnavailable() from exc
    return {"url": session.url}


# ---------------------------------------------------------------------------- seats


def change_seats(*, account, seats) -> Subscription:
    """The account admin buys more seats or gives some back. The licence follows at once; Stripe's
    subscription item follows from the seat sync task (prorated)."""
    errors: dict[str, list[str]] = {}
    seats = _check_seats(seats, errors)
    if errors:
        raise InvalidInput(fields=errors)
    stripe_client.client()  # 503 before anything changes when billing is not set up
    with transaction.atomic():
        sub = _subscription(account, lock=True)
        if not sub.stripe_subscription_id or sub.status not in LIVE:
            raise NoPaidSubscription()
        subscriptions.set_purchased_seats(sub, seats=seats)
        queue_seat_sync(schema_name=account.schema_name)
    return sub


def seats_to_bill(sub: Subscription) -> int:
    """The quantity Stripe should bill: the seats bought, or the agents who hold seats if that is
    more (an operator's seat override can let an account run more agents than it bought)."""
    return max(sub.seats_purchased or 0, seats_used(), 1)


def queue_seat_sync(*, schema_name: str) -> None:
    """Queue the seat sync task for an account (after commit). Cheap when nothing changed: the task
    calls Stripe only when the quantity to bill differs from what Stripe has."""
    enqueue_for_account("billing.sync_seats", schema_name=schema_name)


def agent_access_changed(schema_name: str, person_id: int) -> None:
    """Listener of people's access changes (an agent invited, blocked, unblocked, made a requester):
    the seats in use may have changed. Only accounts that pay through Stripe have anything to sync."""
    has_stripe = Subscription.objects.filter(account__schema_name=schema_name, status__in=LIVE).exclude(
        stripe_subscription_id=""
    )
    if has_stripe.exists():
        queue_seat_sync(schema_name=schema_name)


def sync_seats(*, account=None) -> str:
    """Make the Stripe subscription item's quantity what the account should be billed for, with
    prorations. Runs in the account's schema (Celery). The idempotency key names the account, the
    target quantity and a counter that moves with every new target, so a retried call is applied
    once, and going back to an earlier quantity later is a new change."""
    account = account or connection.tenant
    with transaction.atomic():
        sub = _subscription(account, lock=True)
        if not sub.stripe_subscription_id or sub.status not in LIVE:
            return "no paid subscription"
        target = seats_to_bill(sub)
        if target == sub.stripe_quantity:
            return "unchanged"
        version = subscriptions.target_seat_quantity(sub, target=target)
    stripe = stripe_client.client()
    item_id = sub.stripe_item_id
    if not item_id:
        remote = stripe.v1.subscriptions.retrieve(sub.stripe_subscription_id)
        item_id = remote["items"]["data"][0]["id"]
    stripe.v1.subscription_items.update(
        item_id,
        params={"quantity": target, "proration_behavior": "create_prorations"},
        options={"idempotency_key": f"atrium-seats-{account.pk}-{target}-v{version}"},
    )
    subscriptions.record_synced_quantity(sub, version=version, quantity=target, item_id=item_id)
    return f"quantity {target}"
