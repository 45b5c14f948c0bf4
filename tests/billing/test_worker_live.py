"""Billing's work that runs in the worker, run by a real Celery worker: the seat sync after people's
access changes, the mail before a trial ends. The worker of this module talks to the tests' fake
Stripe, and billing's tasks are routed to its own queue, so no other worker of the session (which
knows no Stripe) takes them."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from atrium.celery import app
from billing.models import Plan, Subscription
from tests.billing.conftest import PRICES, deliver
from tests.billing.fake_stripe import FakeStripe
from tests.billing.test_stripe import _sub, subscribe
from tests.e2e.conftest import mails
from tests.support.processes import LiveProcess, wait_for
from tests.support.worlds import make_mall

pytestmark = pytest.mark.live

QUEUE = "billing-live-tests"
SECRET = "sk_test_atrium_fake"


@pytest.fixture(scope="module")
def stripe_worker(live_db, tmp_path_factory):
    """The fake Stripe and a worker on QUEUE whose settings point at it."""
    fake = FakeStripe()
    worker = LiveProcess(
        "celery-billing",
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "atrium",
            "worker",
            "-Q",
            QUEUE,
            "--pool",
            "threads",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"billing-live-{time.monotonic_ns()}@%h",
            "-l",
            "info",
        ],
        tmp_path_factory.mktemp("celery-billing"),
        env={
            "STRIPE_SECRET_KEY": SECRET,
            "STRIPE_API_BASE": fake.base,
            "STRIPE_WEBHOOK_SECRET": fake.webhook_secret,
        },
    )
    deadline = time.monotonic() + 60
    while "ready" not in worker.log():
        if worker.proc.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            pytest.fail(f"billing worker did not start:\n{worker.log()}")
        time.sleep(0.2)
    for code, price in PRICES.items():
        Plan.objects.filter(code=code).update(stripe_price_id=price)
    yield fake
    worker.stop()
    fake.close()


@pytest.fixture
def fake(stripe_worker, settings, monkeypatch):
    """This process talks to the same fake Stripe, and queues billing's tasks to QUEUE."""
    settings.STRIPE_SECRET_KEY = SECRET
    settings.STRIPE_API_BASE = stripe_worker.base
    settings.STRIPE_WEBHOOK_SECRET = stripe_worker.webhook_secret
    monkeypatch.setitem(app.conf, "task_routes", {"billing.*": {"queue": QUEUE}})
    app.amqp.flush_routes()  # the router caches its table: build both again from the new routes
    app.amqp.router = app.amqp.Router()
    yield stripe_worker
    monkeypatch.undo()
    app.amqp.flush_routes()
    app.amqp.router = app.amqp.Router()


@pytest.fixture
def mall(live_db):
    made = make_mall()
    connection.set_schema_to_public()
    return made


def test_people_changes_sync_the_billed_seats_through_the_worker(fake, mall):
    """With an operator's seat override an account may run more agents than it bought: Stripe then
    bills the agents who hold seats. Requesters need no seat."""
    subscribe(mall, fake, seats=8)
    Subscription.objects.filter(pk=_sub(mall).pk).update(seats_override=20)

    def quantities() -> list[str]:
        return [
            c.params["quantity"]
            for c in fake.calls("POST", "/v1/subscription_items/")
            if c.params.get("quantity")
        ]

    before = len(quantities())
    for n in range(3):
        body = {"email": f"eng{n}@x.example", "full_name": f"Engineer {n}", "role": "engineer"}
        assert mall.api("admin", "post", "/people/", body).status_code == 201
    # 7 agents of the mall and 3 new ones, 8 bought: the worker sets the quantity to 10
    wait_for(lambda: quantities()[before:] and quantities()[-1] == "10", timeout=30)
    blocked = mall.api("admin", "post", f"/people/{mall.people['engineer2'].pk}/block/", {"reason": "left"})
    assert blocked.status_code == 200
    wait_for(lambda: quantities()[-1] == "9", timeout=30)
    assert _sub(mall).stripe_quantity == 9
    # requesters hold no seat: an employee and then one more agent make 10, not 11
    employee = {
        "email": "emp@x.example",
        "full_name": "Employee",
        "role": "employee",
        "company": mall.company.pk,
    }
    assert mall.api("admin", "post", "/people/", employee).status_code == 201
    agent = {"email": "eng9@x.example", "full_name": "Engineer 9", "role": "engineer"}
    assert mall.api("admin", "post", "/people/", agent).status_code == 201
    wait_for(lambda: quantities()[-1] == "10", timeout=30)
    assert "11" not in quantities()


def test_a_trial_that_will_end_mails_the_admins_through_the_worker(fake, mall):
    sub_id = subscribe(mall, fake)
    trial_end = int(time.time()) + 3 * 86400
    event = fake.event(
        "customer.subscription.trial_will_end", {**fake.subscription(sub_id), "trial_end": trial_end}
    )
    assert deliver(fake, event).status_code == 200
    assert deliver(fake, event).content == b"duplicate"
    admin = mall.people["admin"].email

    def mails_to_admin() -> list[str]:
        separator = "\n-------------------------------------------------------------------------------\n"
        return [m for m in mails().split(separator) if f"To: {admin}" in m and "trial" in m.lower()]

    (message,) = wait_for(mails_to_admin, timeout=30)
    assert time.strftime("%Y-%m-%d", time.gmtime(trial_end)) in message
