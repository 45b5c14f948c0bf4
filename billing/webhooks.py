"""Stripe webhooks: stored by event id first, then applied, safe against duplicates and disorder.

`receive_event` is called by the public host's webhook view with a verified event. Processing is
inline, inside the request (a few row updates; the trial reminder mail is a Celery task in the account's
schema, queued after commit): a failure is
recorded on the stored event and answered with 500, so Stripe delivers it again and the retry
processes the stored event. An event that was processed once is never processed again.

Order: Stripe does not deliver in order. Every state change is stamped with the event's own
`created` time on the subscription (Subscription.stripe_state_at); an event older than the stamp
is recorded as ignored, so an older event never undoes a newer state. Events of the same second
are applied in the order they arrive.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from kernel.tasks import enqueue_for_account
from kernel.tenancy import account_model

from . import subscriptions
from .models import BillingEvent, Plan, Subscription, SubscriptionStatus

log = logging.getLogger(__name__)

# Stripe subscription status -> ours. "incomplete" (first payment pending) changes nothing yet.
STATUS_FROM_STRIPE = {
    "trialing": SubscriptionStatus.TRIALING,
    "active": SubscriptionStatus.ACTIVE,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.CANCELED,
    "canceled": SubscriptionStatus.CANCELED,
    "incomplete_expired": SubscriptionStatus.CANCELED,
    "paused": SubscriptionStatus.CANCELED,
}
ACCOUNT_STATUS = subscriptions.ACCOUNT_STATUS  # mirrored onto the account by subscriptions.py


def _ts(value) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(int(value), tz=dt.UTC) if value else None


def receive_event(event: dict) -> tuple[BillingEvent, bool]:
    """Store the event under its id (unique) and process it unless that was done already.
    Returns the stored event and whether this call processed it."""
    created = _ts(event.get("created")) or timezone.now()
    # INSERT ... ON CONFLICT DO NOTHING on the unique event id: a duplicate delivery finds the row
    BillingEvent.objects.bulk_create(
        [BillingEvent(stripe_id=event["id"], type=event["type"], created=created, payload=event)],
        ignore_conflicts=True,
    )
    stored = BillingEvent.objects.get(stripe_id=event["id"])
    failure: Exception | None = None
    with transaction.atomic():
        stored = BillingEvent.objects.select_for_update().get(pk=stored.pk)
        if stored.processed_at is not None:
            return stored, False  # a duplicate delivery: nothing to do
        try:
            with transaction.atomic():
                account, outcome = _apply(stored)
        except Exception as exc:  # recorded, answered 500, delivered again by Stripe
            log.exception("Stripe event %s could not be processed", stored.stripe_id)
            failure = exc
            stored.error = f"{type(exc).__name__}: {exc}"[:2000]
            stored.save(update_fields=["error"])
        else:
            stored.account = account
            stored.outcome = outcome[:300]
            stored.processed_at = timezone.now()
            stored.error = ""
            stored.save(update_fields=["account", "outcome", "processed_at", "error"])
    if failure is not None:
        raise failure
    return stored, True


# ---------------------------------------------------------------------------- finding the account
def _metadata_account(obj: dict):
    """The account an object's metadata names (Checkout and the subscription carry its id)."""
    raw = (obj.get("metadata") or {}).get("account_id") or obj.get("client_reference_id")
    if raw and str(raw).isdigit():
        return account_model().objects.filter(pk=int(raw)).first()
    return None


def _subscription_for(*, subscription_id: str = "", customer_id: str = "", obj: dict | None = None):
    """The Subscription row an event is about, locked; None if the event is not one of ours."""
    queryset = Subscription.objects.select_for_update().select_related("account", "plan")
    if subscription_id:
        found = queryset.filter(stripe_subscription_id=subscription_id).first()
        if found:
            return found
    account = _metadata_account(obj or {})
    if account is not None:
        found = queryset.filter(account=account).first()
        if found:
            return found
    if customer_id:
        return queryset.filter(stripe_customer_id=customer_id).first()
    return None


def _is_stale(sub: Subscription, created: dt.datetime) -> bool:
    return sub.stripe_state_at is not None and created < sub.stripe_state_at


def _id(value) -> str:
    """An id field that may be expanded into an object."""
    if isinstance(value, dict):
        return value.get("id", "")
    return value or ""


# ---------------------------------------------------------------------------- the handlers
def _apply(stored: BillingEvent) -> tuple[object | None, str]:
    handler = HANDLERS.get(stored.type)
    if handler is None:
        return None, "ignored: not an event Atrium uses"
    obj = (stored.payload.get("data") or {}).get("object") or {}
    return handler(obj, stored.created)


def _checkout_completed(session: dict, created: dt.datetime):
    if session.get("mode") != "subscription":
        return None, "ignored: not a subscription checkout"
    sub = _subscription_for(
        subscription_id=_id(session.get("subscription")),
        customer_id=_id(session.get("customer")),
        obj=session,
    )
    if sub is None:
        return None, "ignored: no account of ours"
    subscriptions.link_checkout(
        sub,
        customer_id=_id(session.get("customer")) or sub.stripe_customer_id,
        subscription_id=_id(session.get("subscription")) or sub.stripe_subscription_id,
    )
    # the subscription's own events (created / updated / invoice.paid) bring its state
    return sub.account, f"linked subscription {sub.stripe_subscription_id}"


def _subscription_changed(obj: dict, created: dt.datetime):
    sub = _subscription_for(subscription_id=obj.get("id", ""), customer_id=_id(obj.get("customer")), obj=obj)
    if sub is None:
        return None, "ignored: no account of ours"
    if sub.stripe_subscription_id and sub.stripe_subscription_id != obj.get("id"):
        if sub.status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.PAST_DUE) and obj.get("status") in (
            "canceled",
            "incomplete_expired",
        ):
            return sub.account, "ignored: an old subscription of an account that has a newer one"
    if _is_stale(sub, created):
        return sub.account, "ignored: older than the state already applied"
    changes = {
        "stripe_subscription_id": obj.get("id", sub.stripe_subscription_id),
        "stripe_customer_id": _id(obj.get("customer")) or sub.stripe_customer_id,
    }
    if obj.get("status") == "incomplete":  # the first payment is pending: nothing is bought yet
        subscriptions.apply_stripe_state(sub, created=created, changes=changes)
        return sub.account, "subscription incomplete: waiting for the first payment"
    status = STATUS_FROM_STRIPE.get(obj.get("status", ""))
    if status is not None:
        payment_failed_at = sub.payment_failed_at
        if status == SubscriptionStatus.PAST_DUE and sub.payment_failed_at is None:
            payment_failed_at = created
        elif status in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
            payment_failed_at = None
        changes.update(status=status, payment_failed_at=payment_failed_at)
    items = ((obj.get("items") or {}).get("data")) or []
    if items:
        item = items[0]
        price = _id(item.get("price"))
        plan = Plan.objects.filter(stripe_price_id=price).first() if price else None
        if plan is not None:
            changes["plan"] = plan
        quantity = item.get("quantity")
        if quantity:
            changes["seats_purchased"] = changes["stripe_quantity"] = int(quantity)
        changes["stripe_item_id"] = item.get("id", sub.stripe_item_id)
        period_end = item.get("current_period_end") or obj.get("current_period_end")
    else:
        period_end = obj.get("current_period_end")
    if period_end:
        changes["current_period_end"] = _ts(period_end)
    if obj.get("trial_end"):
        changes["trial_ends_at"] = _ts(obj["trial_end"])
    subscriptions.apply_stripe_state(sub, created=created, changes=changes)
    return sub.account, f"subscription {obj.get('status')}: {sub.status}, {sub.seats_purchased} seats"


def _subscription_deleted(obj: dict, created: dt.datetime):
    sub = _subscription_for(subscription_id=obj.get("id", ""), customer_id=_id(obj.get("customer")), obj=obj)
    if sub is None:
        return None, "ignored: no account of ours"
    if sub.stripe_subscription_id and sub.stripe_subscription_id != obj.get("id"):
        return sub.account, "ignored: not the account's current subscription"
    if _is_stale(sub, created):
        return sub.account, "ignored: older than the state already applied"
    subscriptions.apply_stripe_state(sub, created=created, changes={"status": SubscriptionStatus.CANCELED})
    return sub.account, "subscription canceled: read-only"


def _invoice_subscription(invoice: dict) -> str:
    parent = (invoice.get("parent") or {}).get("subscription_details") or {}
    return _id(parent.get("subscription")) or _id(invoice.get("subscription"))


def _invoice_paid(invoice: dict, created: dt.datetime):
    sub = _subscription_for(
        subscription_id=_invoice_subscription(invoice), customer_id=_id(invoice.get("customer"))
    )
    if sub is None:
        return None, "ignored: no account of ours"
    if _is_stale(sub, created):
        return sub.account, "ignored: older than the state already applied"
    subscriptions.apply_stripe_state(
        sub, created=created, changes={"status": SubscriptionStatus.ACTIVE, "payment_failed_at": None}
    )
    return sub.account, "invoice paid: active"


def _invoice_payment_failed(invoice: dict, created: dt.datetime):
    sub = _subscription_for(
        subscription_id=_invoice_subscription(invoice), customer_id=_id(invoice.get("customer"))
    )
    if sub is None:
        return None, "ignored: no account of ours"
    if _is_stale(sub, created):
        return sub.account, "ignored: older than the state already applied"
    if sub.status == SubscriptionStatus.CANCELED:
        return sub.account, "ignored: the subscription is canceled"
    subscriptions.apply_stripe_state(
        sub,
        created=created,
        # grace counts from the first failure
        changes={
            "status": SubscriptionStatus.PAST_DUE,
            "payment_failed_at": sub.payment_failed_at or created,
        },
    )
    return sub.account, "payment failed: past due"


def _trial_will_end(obj: dict, created: dt.datetime):
    sub = _subscription_for(subscription_id=obj.get("id", ""), customer_id=_id(obj.get("customer")), obj=obj)
    if sub is None:
        return None, "ignored: no account of ours"
    trial_end = _ts(obj.get("trial_end"))
    enqueue_for_account(
        "billing.mail_trial_ending",
        schema_name=sub.account.schema_name,
        trial_end=trial_end.isoformat() if trial_end else None,
    )
    return sub.account, "trial ends soon: admins will be mailed"


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_deleted,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _invoice_payment_failed,
    "customer.subscription.trial_will_end": _trial_will_end,
}


def mail_admins_trial_ending(*, trial_end: str | None = None) -> int:
    """Mail the current account's admins that the trial ends soon, each in their language. Runs in
    the account's schema (the Celery task `billing.mail_trial_ending`), through notifications."""
    from django.db import connection

    from billing.mail import mail_account_admins

    end = dt.datetime.fromisoformat(trial_end) if trial_end else None
    return mail_account_admins(
        kind="billing.trial_ending",
        context={"account": connection.tenant.name, "date": end.strftime("%Y-%m-%d") if end else ""},
    )
