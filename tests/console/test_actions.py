"""The roles matrix, every operator action through the console's pages, and its audit row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from billing.licensing import LicenceState, licence_for
from billing.models import BillingEvent, Subscription
from tenants_shared.accounts.models import Account, AccountStatus
from tenants_shared.console.models import AuditEntry
from tests.support.worlds import PASSWORD

from .conftest import PUBLIC_HOST

pytestmark = pytest.mark.django_db

# action: (POST data, roles allowed)
ACTIONS = {
    "plan": ({"plan": "business", "reason": "upgrade agreed on the phone"}, {"billing", "owner"}),
    "limits": ({"seats": "42", "features": ["telegram"], "reason": "pilot"}, {"billing", "owner"}),
    "trial": ({"days": "10", "reason": "evaluation takes longer"}, {"billing", "owner"}),
    "suspend": ({"reason": "abuse report"}, {"owner"}),
    "close": ({"reason": "asked to leave"}, {"owner"}),
    "impersonate": ({"reason": "ticket #77", "minutes": "30", "person_email": ""}, {"support", "owner"}),
}


def _post(client, slug, action, data):
    path = f"/console/accounts/{slug}/{action}/"
    return client.post(path, data, HTTP_HOST=PUBLIC_HOST)


@pytest.mark.parametrize("role", ["support", "billing", "owner"])
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_roles_matrix_and_audit(operator, mall, role, action):
    client, made = operator(role)
    account = mall.made.account
    data, allowed = ACTIONS[action]
    before = AuditEntry.objects.filter(account=account).count()
    response = _post(client, account.slug, action, data)
    if role in allowed:
        assert response.status_code in (200, 302), response.content
        entry = AuditEntry.objects.filter(account=account).exclude(action="operator.sign_in").first()
        assert AuditEntry.objects.filter(account=account).count() == before + 1
        assert entry.operator == made.user and entry.role == role and entry.reason == data["reason"]
        assert entry.action.split(".")[0] in {"plan", "limits", "trial", "account", "impersonation"}
    else:
        assert response.status_code == 403
        assert AuditEntry.objects.filter(account=account).count() == before
    # everyone may look
    assert client.get(f"/console/accounts/{account.slug}/", HTTP_HOST=PUBLIC_HOST).status_code == 200


def test_actions_change_the_licence(operator, mall):
    client, made = operator("owner")
    account = mall.made.account
    slug = account.slug
    _post(client, slug, "plan", ACTIONS["plan"][0])
    assert licence_for(account).plan == "business"
    _post(client, slug, "limits", ACTIONS["limits"][0])
    licence = licence_for(account)
    assert licence.seats == 42 and licence.has("telegram")
    sub = Subscription.objects.get(account=account)
    assert sub.override_reason == "pilot"
    trial_end = sub.trial_ends_at
    _post(client, slug, "trial", ACTIONS["trial"][0])
    assert Subscription.objects.get(account=account).trial_ends_at - trial_end == dt.timedelta(days=10)

    # suspend: only admins sign in, they see why; resume restores the status
    _post(client, slug, "suspend", {"reason": "abuse report"})
    account.refresh_from_db()
    assert account.status == AccountStatus.SUSPENDED and licence_for(account).reason == "abuse report"
    denied = Client().post(
        "/api/v1/auth/session/",
        {"email": mall.people["dispatcher"].email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert denied.status_code == 401
    assert mall.api("admin", "post", "/saved-views/", {"name": "x", "filters": {}}).status_code == 403
    _post(client, slug, "resume", {"reason": "resolved"})
    account.refresh_from_db()
    assert account.status == AccountStatus.TRIALING and licence_for(account).state == LicenceState.TRIALING
    assert mall.api("dispatcher", "get", "/me/").status_code == 200

    _post(client, slug, "close", {"reason": "asked to leave"})
    assert Account.objects.get(pk=account.pk).status == AccountStatus.CLOSED
    actions = list(
        AuditEntry.objects.filter(account=account).order_by("at", "id").values_list("action", flat=True)
    )
    assert actions == [
        "plan.change",
        "limits.override",
        "trial.extend",
        "account.suspend",
        "account.resume",
        "account.close",
    ]


def test_bad_input_is_refused_with_a_message_and_nothing_written(operator, mall):
    client, _made = operator("owner")
    slug = mall.made.account.slug
    before = AuditEntry.objects.count()
    for action, data in (
        ("plan", {"plan": "no-such-plan", "reason": "x"}),
        ("plan", {"plan": "start", "reason": "  "}),
        ("limits", {"seats": "-3", "reason": "x"}),
        ("trial", {"days": "500", "reason": "x"}),
        ("resume", {"reason": "not suspended"}),
        ("impersonate", {"reason": "x", "minutes": "30", "person_email": "nobody@nowhere.example"}),
    ):
        response = _post(client, slug, action, data)
        assert response.status_code == 302, (action, response.status_code)
        page = client.get(response["Location"], HTTP_HOST=PUBLIC_HOST)
        assert b'class="error"' in page.content, action
    assert AuditEntry.objects.count() == before
    assert licence_for(mall.made.account).plan == "trial"


def test_accounts_list_searches_filters_and_counts(operator, mall, make_account):
    other = make_account(kind="contractor")
    client, _made = operator("support")
    mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"})
    page = client.get("/console/", {"q": mall.made.account.slug}, HTTP_HOST=PUBLIC_HOST)
    assert page.status_code == 200
    html = page.content.decode()
    assert mall.made.account.name in html and other.account.name not in html
    row = page.context["page"].object_list[0]
    assert row.figures.seats_used == 7  # admin, dispatcher, 3 engineers, guard, approver
    assert row.figures.tickets_30d == 1 and row.figures.last_activity is not None
    assert row.licence.seats == 10
    by_kind = client.get("/console/", {"kind": "contractor"}, HTTP_HOST=PUBLIC_HOST).context["page"]
    assert other.account.slug in [r.account.slug for r in by_kind.object_list]
    assert mall.made.account.slug not in [r.account.slug for r in by_kind.object_list]
    Account.objects.filter(pk=other.account.pk).update(status=AccountStatus.SUSPENDED)
    suspended = client.get("/console/", {"licence": "suspended"}, HTTP_HOST=PUBLIC_HOST).context["page"]
    assert [r.account.slug for r in suspended.object_list] == [other.account.slug]
    business = client.get("/console/", {"plan": "business"}, HTTP_HOST=PUBLIC_HOST).context["page"]
    assert mall.made.account.slug not in [r.account.slug for r in business.object_list]


def test_account_page_shows_its_billing_events_only(operator, mall, make_account):
    other = make_account()
    now = timezone.now()
    BillingEvent.objects.create(
        stripe_id="evt_mine", type="invoice.paid", created=now, account=mall.made.account, payload={}
    )
    BillingEvent.objects.create(
        stripe_id="evt_other", type="invoice.paid", created=now, account=other.account, payload={}
    )
    client, _made = operator("billing")
    page = client.get(f"/console/accounts/{mall.made.account.slug}/", HTTP_HOST=PUBLIC_HOST).content.decode()
    assert "evt_mine" in page and "evt_other" not in page
    # federation health, read in the account's schema: no partnerships, nothing queued
    assert "outbox backlog" in page and "inbox parked" in page
