"""Licences: every state, the one enforcement point for writes, seats and plan features."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from billing.licensing import LicenceState, licence_for
from billing.models import Plan, Subscription, SubscriptionStatus
from tenants_shared.accounts.models import AccountStatus
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def set_subscription(mall, **fields):
    Subscription.objects.filter(account=mall.made.account).update(**fields)
    connection.set_schema_to_public()


def test_a_new_account_is_on_a_14_day_trial():
    from tests.support.worlds import provision

    made = provision()
    licence = licence_for(made.account)
    assert licence.state == LicenceState.TRIALING and licence.plan == "trial"
    assert licence.trial_ends_at - timezone.now() > dt.timedelta(days=13, hours=23)
    assert licence.has("api") and licence.seats == 10


def test_an_account_without_a_subscription_gets_the_trial_plans_terms():
    """An account made before billing existed (no subscription row) is on the trial its creation
    date gives it, with the trial plan's seats and features: no number of its own."""
    from tests.support.worlds import provision

    made = provision()
    Subscription.objects.filter(account=made.account).delete()
    trial = Plan.objects.filter(is_trial=True).order_by("-is_active", "order", "id").first()
    Plan.objects.filter(pk=trial.pk).update(seats=7, features=["api", "sla"])
    licence = licence_for(made.account)
    assert licence.state == LicenceState.TRIALING and licence.plan == "none"
    assert licence.seats == 7 and licence.has("api") and licence.has("sla") and not licence.has("federation")
    Plan.objects.filter(is_trial=True).update(is_trial=False)
    assert licence_for(made.account).seats == 0  # no trial plan at all: no seats, rather than a guess


@pytest.mark.parametrize(
    ("subscription", "account_status", "days_later", "expected"),
    [
        ({"status": SubscriptionStatus.TRIALING}, AccountStatus.TRIALING, 1, LicenceState.TRIALING),
        ({"status": SubscriptionStatus.TRIALING}, AccountStatus.TRIALING, 15, LicenceState.READ_ONLY),
        ({"status": SubscriptionStatus.ACTIVE}, AccountStatus.ACTIVE, 400, LicenceState.ACTIVE),
        (
            {"status": SubscriptionStatus.PAST_DUE, "payment_failed_at": "now"},
            AccountStatus.ACTIVE,
            6,
            LicenceState.PAST_DUE,
        ),
        (
            {"status": SubscriptionStatus.PAST_DUE, "payment_failed_at": "now"},
            AccountStatus.ACTIVE,
            8,
            LicenceState.READ_ONLY,
        ),
        ({"status": SubscriptionStatus.CANCELED}, AccountStatus.ACTIVE, 0, LicenceState.READ_ONLY),
        ({"status": SubscriptionStatus.ACTIVE}, AccountStatus.SUSPENDED, 0, LicenceState.SUSPENDED),
        ({"status": SubscriptionStatus.ACTIVE}, AccountStatus.CLOSED, 0, LicenceState.CLOSED),
    ],
)
def test_licence_states(mall, subscription, account_status, days_later, expected):
    now = timezone.now()
    fields = {k: (now if v == "now" else v) for k, v in subscription.items()}
    set_subscription(mall, **fields)
    account = mall.made.account
    account.status = account_status
    assert licence_for(account, now=now + dt.timedelta(days=days_later)).state == expected


WRITES = [
    ("post", "/tickets/", {"type": "dirt", "title": "Spill"}),
    ("post", "/people/", {"email": "n@x.example", "full_name": "N", "role": "guard"}),
    ("post", "/companies/", {"name": "New shop"}),
    ("post", "/locations/", {"kind": "site", "name": "Annex"}),
    ("post", "/groups/", {"code": "night", "name": "Night shift"}),
    ("post", "/saved-views/", {"name": "Mine", "filters": {}}),
    ("post", "/tickets/bulk/", {"ids": [1], "changes": {"priority": 4}}),
]


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_read_only_desk_refuses_every_write_but_lets_people_read_and_sign_in(mall, method, path, body):
    ticket = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Before the pause"}).json()
    set_subscription(mall, status=SubscriptionStatus.CANCELED)
    refused = mall.api("admin", method, path, body)
    assert refused.status_code == 402 and refused.json()["code"] == "licence_read_only"
    comment = mall.api("key_user", "post", f"/tickets/{ticket['id']}/comments/", {"body": "Any news?"})
    assert comment.status_code == 402
    assert mall.api("key_user", "get", f"/tickets/{ticket['id']}/").status_code == 200
    assert mall.api("admin", "get", "/tickets/").status_code == 200


def test_suspended_account_lets_only_its_admins_in_and_refuses_writes(mall):
    account = mall.made.account
    account.status = AccountStatus.SUSPENDED
    account.save(update_fields=["status"])
    from tenants_shared.accounts.selectors import forget_cached_accounts

    forget_cached_accounts()

    def login(who):
        body = {"email": mall.people[who].email, "password": PASSWORD}
        return Client().post(
            "/api/v1/auth/session/", body, content_type="application/json", HTTP_HOST=mall.host
        )

    assert login("admin").status_code == 200
    assert login("dispatcher").status_code == 401
    refused = mall.api("admin", "post", "/locations/", {"kind": "site", "name": "Annex"})
    assert refused.status_code == 403 and refused.json()["code"] == "account_suspended"


def test_seats_count_active_agents_only(mall):
    # the mall fixture has 7 agents; give the plan exactly 8 seats
    set_subscription(mall, seats_override=8)

    def invite(role, n, **extra):
        body = {"email": f"{role}{n}@x.example", "full_name": f"{role} {n}", "role": role, **extra}
        return mall.api("admin", "post", "/people/", body)

    assert invite("engineer", 1).status_code == 201  # 8 of 8
    full = invite("engineer", 2)
    assert full.status_code == 409 and full.json()["code"] == "seat_limit_reached"
    assert "Billing" in full.json()["detail"]
    assert invite("employee", 3, company=mall.company.pk).status_code == 201  # requesters need no seat
    promote = mall.api("admin", "patch", f"/people/{mall.people['employee'].pk}/", {"role": "engineer"})
    assert promote.status_code == 409
    # blocking an agent frees a seat; unblocking needs one again
    assert (
        mall.api(
            "admin", "post", f"/people/{mall.people['engineer2'].pk}/block/", {"reason": "left"}
        ).status_code
        == 200
    )
    assert invite("engineer", 4).status_code == 201
    again = mall.api("admin", "post", f"/people/{mall.people['engineer2'].pk}/unblock/", {})
    assert again.status_code == 409


def test_plan_features_gate_api_tokens(mall):
    start = Plan.objects.get(code="start")
    set_subscription(mall, plan=start, status=SubscriptionStatus.ACTIVE)
    refused = Client().post(
        "/api/v1/auth/tokens/",
        {"email": mall.people["admin"].email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert refused.status_code == 403 and refused.json()["code"] == "feature_not_in_plan"
    assert (
        mall.client("admin").get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200
    )  # browsers still work
