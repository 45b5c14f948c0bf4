"""Stripe: Checkout, the Customer Portal, webhooks (every type, duplicates, disorder, bad
signatures) and the seat quantity sync, against the local fake Stripe (tests/billing/fake_stripe.py)."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from billing import tasks
from billing.licensing import LicenceState, licence_for
from billing.models import BillingEvent, Subscription, SubscriptionStatus
from tests.billing.conftest import PRICES, deliver
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def _sub(mall) -> Subscription:
    connection.set_schema_to_public()
    return Subscription.objects.select_related("plan", "account").get(account=mall.made.account)


def subscribe(mall, fake, *, plan: str = "business", seats: int = 12) -> str:
    """The admin starts Checkout, pays in the fake Stripe, Stripe's webhooks arrive. Returns the
    Stripe subscription id."""
    started = mall.api("admin", "post", "/billing/checkout/", {"plan": plan, "seats": seats})
    assert started.status_code == 200, started.content
    for event in fake.complete_checkout(started.json()["id"]):
        assert deliver(fake, event).status_code == 200
    return _sub(mall).stripe_subscription_id


# ---------------------------------------------------------------------------- checkout to active
def test_checkout_to_active_story(mall, fake_stripe):
    fake = fake_stripe
    before = mall.api("admin", "get", "/billing/").json()
    assert before["state"] == "trialing" and before["online_payment"] and not before["subscribed"]
    assert before["seats"]["used"] == 7  # the mall fixture's agents

    started = mall.api("admin", "post", "/billing/checkout/", {"plan": "business", "seats": 12})
    assert started.status_code == 200, started.content
    session = started.json()
    assert session["url"].startswith("https://checkout.stripe.com/")

    account = mall.made.account
    (customer_call,) = fake.calls("POST", "/v1/customers")
    assert customer_call.params["metadata"]["account_id"] == str(account.pk)
    assert customer_call.idempotency_key == f"atrium-customer-{account.pk}"
    (session_call,) = fake.calls("POST", "/v1/checkout/sessions")
    params = session_call.params
    assert params["mode"] == "subscription"
    assert params["line_items"] == [{"price": PRICES["business"], "quantity": "12"}]
    assert params["metadata"]["account_id"] == str(account.pk)
    assert params["subscription_data"]["metadata"]["account_id"] == str(account.pk)
    assert params["success_url"].startswith(f"http://{mall.host}/billing/")
    assert params["cancel_url"].startswith(f"http://{mall.host}/billing/")
    assert _sub(mall).stripe_customer_id == params["customer"]
    assert licence_for(account).state == LicenceState.TRIALING  # nothing is paid before Stripe says so

    completed, created = fake.complete_checkout(session["id"])
    assert deliver(fake, completed).status_code == 200
    assert deliver(fake, created).status_code == 200

    sub = _sub(mall)
    licence = licence_for(sub.account)
    assert licence.state == LicenceState.ACTIVE and licence.plan == "business" and licence.seats == 12
    assert sub.stripe_subscription_id == created["data"]["object"]["id"]
    assert sub.stripe_item_id == created["data"]["object"]["items"]["data"][0]["id"]
    assert sub.current_period_end is not None
    assert sub.account.status == "active"
    events = BillingEvent.objects.filter(account=account).order_by("created", "id")
    assert {e.stripe_id for e in events} == {completed["id"], created["id"]}
    assert all(e.processed_at is not None and not e.error for e in events)

    after = mall.api("admin", "get", "/billing/").json()
    assert after["state"] == "active" and after["subscribed"] and after["seats"]["purchased"] == 12
    assert after["plan"] == {"code": "business", "name": "Business"} and "telegram" in after["features"]

    # a second checkout is refused: changes go through the portal, which opens for this customer
    again = mall.api("admin", "post", "/billing/checkout/", {"plan": "start", "seats": 8})
    assert again.status_code == 409 and again.json()["code"] == "subscription_exists"
    portal = mall.api("admin", "post", "/billing/portal/", {})
    assert portal.status_code == 200 and portal.json()["url"].startswith("https://billing.stripe.com/")
    (portal_call,) = fake.calls("POST", "/v1/billing_portal/sessions")
    assert portal_call.params["customer"] == sub.stripe_customer_id
    assert portal_call.params["return_url"] == f"http://{mall.host}/billing/"
    assert len(fake.calls("POST", "/v1/customers")) == 1  # the customer is reused


def test_subscription_created_before_checkout_completed_still_finds_the_account(mall, fake_stripe):
    started = mall.api("admin", "post", "/billing/checkout/", {"plan": "start", "seats": 7}).json()
    completed, created = fake_stripe.complete_checkout(started["id"])
    assert deliver(fake_stripe, created).status_code == 200
    assert deliver(fake_stripe, completed).status_code == 200
    licence = licence_for(_sub(mall).account)
    assert licence.state == LicenceState.ACTIVE and licence.plan == "start" and licence.seats == 7


def test_an_incomplete_subscription_buys_nothing_yet(mall, fake_stripe):
    started = mall.api("admin", "post", "/billing/checkout/", {"plan": "enterprise", "seats": 40}).json()
    _, created = fake_stripe.complete_checkout(started["id"], status="incomplete")
    assert deliver(fake_stripe, created).status_code == 200
    licence = licence_for(_sub(mall).account)
    assert licence.state == LicenceState.TRIALING and licence.plan == "trial" and licence.seats == 10
    active = fake_stripe.event(
        "customer.subscription.updated", {**created["data"]["object"], "status": "active"}
    )
    assert deliver(fake_stripe, active).status_code == 200
    licence = licence_for(_sub(mall).account)
    assert licence.state == LicenceState.ACTIVE and licence.plan == "enterprise" and licence.seats == 40


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"plan": "platinum", "seats": 10}, {"plan"}),
        ({"plan": "trial", "seats": 10}, {"plan"}),
        ({"plan": "business", "seats": 3}, {"seats"}),  # 7 agents hold seats
        ({"plan": "business", "seats": "many"}, {"seats"}),
        ({"plan": "business", "seats": 0}, {"seats"}),
        ({}, {"plan", "seats"}),
    ],
)
def test_checkout_refuses_bad_input_without_calling_stripe(mall, fake_stripe, body, fields):
    refused = mall.api("admin", "post", "/billing/checkout/", body)
    assert refused.status_code == 400, refused.content
    assert set(refused.json()["fields"]) == fields
    assert fake_stripe.requests == []


def test_a_plan_without_a_stripe_price_cannot_be_bought(mall, fake_stripe):
    from billing.models import Plan

    Plan.objects.filter(code="start").update(stripe_price_id="")
    refused = mall.api("admin", "post", "/billing/checkout/", {"plan": "start", "seats": 8})
    assert refused.status_code == 400 and "plan" in refused.json()["fields"]


def test_portal_needs_a_customer_first(mall, fake_stripe):
    refused = mall.api("admin", "post", "/billing/portal/", {})
    assert refused.status_code == 409 and refused.json()["code"] == "no_billing_customer"


def test_without_stripe_keys_billing_answers_not_configured(mall, settings):
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = ""
    assert mall.api("admin", "get", "/billing/").json()["online_payment"] is False
    for path, body in (
        ("/billing/checkout/", {"plan": "business", "seats": 10}),
        ("/billing/portal/", {}),
        ("/billing/seats/", {"seats": 10}),
    ):
        response = mall.api("admin", "post", path, body)
        assert response.status_code == 503 and response.json()["code"] == "billing_not_configured", path
    from django.test import Client

    hook = Client().post(
        "/billing/stripe/webhook/", "{}", content_type="application/json", HTTP_HOST="atrium.localhost"
    )
    assert hook.status_code == 503 and hook.json()["code"] == "billing_not_configured"


def test_stripe_down_is_a_clear_error(mall, fake_stripe, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = mall.api("admin", "post", "/billing/checkout/", {"plan": "business", "seats": 10})
    assert response.status_code == 502 and response.json()["code"] == "payment_provider_unavailable"


@pytest.mark.parametrize("who", ["dispatcher", "engineer", "key_user"])
def test_only_account_admins_reach_billing(mall, fake_stripe, who):
    assert mall.api(who, "get", "/billing/").status_code == 403
    assert mall.api(who, "post", "/billing/checkout/", {"plan": "business", "seats": 10}).status_code == 403
    assert mall.api(who, "post", "/billing/portal/", {}).status_code == 403
    assert mall.api(who, "post", "/billing/seats/", {"seats": 10}).status_code == 403
    assert fake_stripe.requests == []


# ---------------------------------------------------------------------------- webhooks
def _event(fake, type_, obj, *, at: int) -> dict:
    return fake.event(type_, obj, created=at)


def test_bad_signatures_are_refused_and_nothing_is_stored(mall, fake_stripe):
    fake = fake_stripe
    sub_id = subscribe(mall, fake)
    stored = BillingEvent.objects.count()
    event = fake.event("invoice.payment_failed", fake.invoice(sub_id, paid=False))
    payload = json.dumps(event)
    tampered = payload.replace("payment_failed", "paid")
    old = int(time.time()) - 3600
    for signature, body in (
        (fake.sign(payload, secret="whsec_someone_else"), payload),  # wrong secret
        (fake.sign(payload), tampered),  # body changed after signing
        (fake.sign(payload, timestamp=old), payload),  # replayed an hour later
        ("", payload),  # no signature
        ("t=1,v1=deadbeef", payload),
    ):
        from django.test import Client

        response = Client().post(
            "/billing/stripe/webhook/",
            body,
            content_type="application/json",
            HTTP_HOST="atrium.localhost",
            HTTP_STRIPE_SIGNATURE=signature,
        )
        assert response.status_code == 400 and response.json()["code"] == "bad_signature"
    assert BillingEvent.objects.count() == stored
    assert _sub(mall).status == SubscriptionStatus.ACTIVE


def test_the_webhook_lives_on_the_public_host_only(mall, fake_stripe):
    event = fake_stripe.event("invoice.paid", {"id": "in_1", "object": "invoice"})
    payload = json.dumps(event)
    from django.test import Client

    response = Client().post(
        "/billing/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_HOST=mall.host,
        HTTP_STRIPE_SIGNATURE=fake_stripe.sign(payload),
    )
    assert response.status_code == 404
    assert not BillingEvent.objects.filter(stripe_id=event["id"]).exists()


def test_every_event_type_and_its_duplicate(mall, fake_stripe):
    """Each handled type changes what it should, once; the same event again is a stored no-op."""
    fake = fake_stripe
    sub_id = subscribe(mall, fake)
    obj = fake.subscription(sub_id)
    t = int(time.time()) + 10
    steps = [
        ("invoice.payment_failed", fake.invoice(sub_id, paid=False), LicenceState.PAST_DUE),
        ("invoice.paid", fake.invoice(sub_id, paid=True), LicenceState.ACTIVE),
        ("customer.subscription.updated", {**obj, "status": "past_due"}, LicenceState.PAST_DUE),
        (
            "customer.subscription.updated",
            {**obj, "status": "active", "items": _items(obj, price=PRICES["enterprise"], quantity=30)},
            LicenceState.ACTIVE,
        ),
        ("customer.subscription.deleted", {**obj, "status": "canceled"}, LicenceState.READ_ONLY),
    ]
    for n, (type_, payload, expected) in enumerate(steps):
        event = _event(fake, type_, payload, at=t + n)
        first = deliver(fake, event)
        assert first.status_code == 200 and first.content == b"processed", (type_, first.content)
        state_after_first = _sub(mall)
        assert licence_for(state_after_first.account).state == expected, type_
        again = deliver(fake, event)
        assert again.status_code == 200 and again.content == b"duplicate"
        assert BillingEvent.objects.filter(stripe_id=event["id"]).count() == 1
        after_again = _sub(mall)
        assert (after_again.status, after_again.payment_failed_at, after_again.stripe_state_at) == (
            state_after_first.status,
            state_after_first.payment_failed_at,
            state_after_first.stripe_state_at,
        )
        if type_ == "customer.subscription.updated" and expected == LicenceState.ACTIVE:
            licence = licence_for(after_again.account)
            assert licence.plan == "enterprise" and licence.seats == 30  # plan and seats from the portal
    stored = BillingEvent.objects.get(type="customer.subscription.deleted")
    assert stored.account_id == mall.made.account.pk and "canceled" in stored.outcome


def _items(obj: dict, *, price: str, quantity: int) -> dict:
    item = {**obj["items"]["data"][0], "price": {"id": price, "object": "price"}, "quantity": quantity}
    return {**obj["items"], "data": [item]}


def test_events_of_unknown_accounts_and_unused_types_are_stored_and_ignored(mall, fake_stripe):
    fake = fake_stripe
    stranger = fake.event(
        "customer.subscription.updated",
        {"id": "sub_nobody", "object": "subscription", "customer": "cus_nobody", "status": "active"},
    )
    unused = fake.event("charge.refunded", {"id": "ch_1", "object": "charge"})
    for event in (stranger, unused):
        assert deliver(fake, event).status_code == 200
        stored = BillingEvent.objects.get(stripe_id=event["id"])
        assert stored.processed_at and stored.account is None and stored.outcome.startswith("ignored")


@pytest.mark.parametrize(
    ("newer", "older", "expected"),
    [
        # paid later, an older failure arrives after it: stays active
        ("invoice.paid", "invoice.payment_failed", LicenceState.ACTIVE),
        # failed later, an older "paid" arrives after it: stays past due
        ("invoice.payment_failed", "invoice.paid", LicenceState.PAST_DUE),
        # canceled later, an older "active" update arrives after it: stays canceled
        ("customer.subscription.deleted", "customer.subscription.updated", LicenceState.READ_ONLY),
        # reactivated later, an older deletion... of the same subscription arrives after it
        ("customer.subscription.updated", "customer.subscription.deleted", LicenceState.ACTIVE),
    ],
)
def test_an_older_event_never_undoes_a_newer_state(mall, fake_stripe, newer, older, expected):
    fake = fake_stripe
    sub_id = subscribe(mall, fake)
    obj = fake.subscription(sub_id)
    payloads = {
        "invoice.paid": fake.invoice(sub_id, paid=True),
        "invoice.payment_failed": fake.invoice(sub_id, paid=False),
        "customer.subscription.deleted": {**obj, "status": "canceled"},
        "customer.subscription.updated": {**obj, "status": "active"},
    }
    t = int(time.time()) + 100
    assert deliver(fake, _event(fake, newer, payloads[newer], at=t)).status_code == 200
    applied = _sub(mall)
    late = _event(fake, older, payloads[older], at=t - 30)
    assert deliver(fake, late).status_code == 200
    now = _sub(mall)
    assert licence_for(now.account).state == expected
    assert (now.status, now.payment_failed_at, now.stripe_state_at) == (
        applied.status,
        applied.payment_failed_at,
        applied.stripe_state_at,
    )
    assert BillingEvent.objects.get(stripe_id=late["id"]).outcome.startswith("ignored: older")


def test_payment_failed_then_grace_runs_out_then_paid(mall, fake_stripe):
    fake = fake_stripe
    sub_id = subscribe(mall, fake)
    failed = fake.event("invoice.payment_failed", fake.invoice(sub_id, paid=False))
    assert deliver(fake, failed).status_code == 200
    sub = _sub(mall)
    assert licence_for(sub.account).state == LicenceState.PAST_DUE
    overview = mall.api("admin", "get", "/billing/").json()
    assert overview["state"] == "past_due" and overview["grace_until"] and "card" in overview["banner"]
    assert mall.api("admin", "post", "/groups/", {"code": "g1", "name": "Still writable"}).status_code == 201
    # a second failed attempt does not move the start of the grace period
    retry = fake.event(
        "invoice.payment_failed", fake.invoice(sub_id, paid=False), created=failed["created"] + 60
    )
    deliver(fake, retry)
    assert _sub(mall).payment_failed_at == sub.payment_failed_at
    # time passes: eight days after the failure the desk is read-only
    assert licence_for(sub.account, now=sub.payment_failed_at + dt.timedelta(days=8)).state == "read_only"
    Subscription.objects.filter(pk=sub.pk).update(
        payment_failed_at=sub.payment_failed_at - dt.timedelta(days=8)
    )
    refused = mall.api("admin", "post", "/groups/", {"code": "g2", "name": "Paused"})
    assert refused.status_code == 402 and refused.json()["code"] == "licence_read_only"
    assert mall.api("admin", "get", "/billing/").json()["banner"]
    # billing stays open on a paused desk: the admin reaches the portal to fix the card
    assert mall.api("admin", "post", "/billing/portal/", {}).status_code == 200
    paid = fake.event("invoice.paid", fake.invoice(sub_id, paid=True), created=failed["created"] + 120)
    assert deliver(fake, paid).status_code == 200
    assert licence_for(_sub(mall).account).state == LicenceState.ACTIVE
    assert mall.api("admin", "post", "/groups/", {"code": "g3", "name": "Back"}).status_code == 201


# ---------------------------------------------------------------------------- seats
def _run_seat_sync(mall) -> str:
    account = _sub(mall).account
    with tenant_context(account):
        return tasks.sync_seats()


def test_seat_changes_update_the_stripe_quantity_with_an_idempotency_key(
    mall, fake_stripe, django_capture_on_commit_callbacks
):
    fake = fake_stripe
    subscribe(mall, fake, seats=12)
    sub = _sub(mall)
    account = sub.account
    with django_capture_on_commit_callbacks() as queued:
        changed = mall.api("admin", "post", "/billing/seats/", {"seats": 15})
    assert changed.status_code == 200 and changed.json()["seats"]["purchased"] == 15
    assert len(queued) == 1  # the sync task, queued after commit
    assert licence_for(account).seats == 15

    assert _run_seat_sync(mall) == "quantity 15"
    (call,) = fake.calls("POST", "/v1/subscription_items/")
    assert call.path == f"/v1/subscription_items/{sub.stripe_item_id}"
    assert call.params == {"quantity": "15", "proration_behavior": "create_prorations"}
    assert call.idempotency_key == f"atrium-seats-{account.pk}-15-v1"
    assert fake.subscription(sub.stripe_subscription_id)["items"]["data"][0]["quantity"] == 15
    assert _run_seat_sync(mall) == "unchanged"  # nothing to send twice
    assert len(fake.calls("POST", "/v1/subscription_items/")) == 1

    # a crash after Stripe applied the change but before we noted it: the retry sends the same key
    Subscription.objects.filter(pk=sub.pk).update(stripe_quantity=12)
    assert _run_seat_sync(mall) == "quantity 15"
    retried = fake.calls("POST", "/v1/subscription_items/")[-1]
    assert retried.idempotency_key == call.idempotency_key and retried.replayed

    # back to 12 and to 15 again: each is a new change with a new key
    mall.api("admin", "post", "/billing/seats/", {"seats": 12})
    _run_seat_sync(mall)
    mall.api("admin", "post", "/billing/seats/", {"seats": 15})
    _run_seat_sync(mall)
    keys = [c.idempotency_key for c in fake.calls("POST", "/v1/subscription_items/")]
    assert keys[-2:] == [f"atrium-seats-{account.pk}-12-v2", f"atrium-seats-{account.pk}-15-v3"]
    assert fake.subscription(sub.stripe_subscription_id)["items"]["data"][0]["quantity"] == 15


def test_seat_change_refuses_fewer_seats_than_agents_and_needs_a_subscription(mall, fake_stripe):
    none_yet = mall.api("admin", "post", "/billing/seats/", {"seats": 10})
    assert none_yet.status_code == 409 and none_yet.json()["code"] == "no_paid_subscription"
    subscribe(mall, fake_stripe, seats=12)
    too_few = mall.api("admin", "post", "/billing/seats/", {"seats": 5})
    assert too_few.status_code == 400 and "seats" in too_few.json()["fields"]
    assert _sub(mall).seats_purchased == 12
