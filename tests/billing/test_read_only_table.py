"""Read-only enforcement, table-driven over the account URLconf: every unsafe method of every
api/v1 route answers 402 `licence_read_only` when the licence is read-only. The table is built from
the URL resolver, so a new endpoint is covered the day it is added. Signing in and out (and the
rest of /auth/) and Billing (how a paused desk pays) stay open; that list is written out here, so
widening it is a visible decision."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver

from billing.models import Subscription, SubscriptionStatus
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


UNSAFE = {"post", "put", "patch", "delete"}
OPEN_ON_A_PAUSED_DESK = {
    "auth-session",
    "auth-tokens",
    "auth-token-current",
    "auth-token-detail",  # revoking a (possibly leaked) token is signing out: never held back by the licence
    "auth-impersonation",  # an operator's support sign-in (console)
    "auth-welcome",  # the sign-up's sign-in link
    "invitation-accept",
    "password-reset",
    "password-reset-confirm",
    "password-change",
    "billing-checkout",
    "billing-portal",
    "billing-seats",
}


def _unsafe_endpoints() -> list[tuple[str, str, str]]:
    """(route name, method, a concrete path) of every unsafe api/v1 endpoint."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    found = []
    for route, pattern in walk(get_resolver("atrium.urls_account").url_patterns):
        if not route.startswith("api/v1/"):
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        if actions:
            methods = set(actions)
        else:
            view = callback.view_class
            methods = {m for m in view.http_method_names if hasattr(view, m)}
        path = route
        for name, converter in pattern.pattern.converters.items():
            value = "1" if type(converter).__name__ == "IntConverter" else "x"
            path = (
                path.replace(f"<int:{name}>", value)
                .replace(f"<{name}>", value)
                .replace(f"<str:{name}>", value)
            )
        path = "/" + path.replace("^", "").replace("$", "")
        found += [(pattern.name, m, path) for m in sorted(methods & UNSAFE)]
    return found


ENDPOINTS = _unsafe_endpoints()


def test_the_table_covers_the_api():
    names = {name for name, _, _ in ENDPOINTS}
    assert {"ticket-list", "person-block", "billing-checkout", "auth-session"} <= names
    assert OPEN_ON_A_PAUSED_DESK <= names, "an exempt route no longer exists: update the list"
    assert len(ENDPOINTS) > 40


@pytest.fixture
def paused_mall(mall):
    Subscription.objects.filter(account=mall.made.account).update(status=SubscriptionStatus.CANCELED)
    return mall


def test_every_write_endpoint_is_refused_on_a_read_only_desk(paused_mall):
    mall = paused_mall
    admin = mall.client("admin")  # signing in works on a paused desk
    problems = []
    for name, method, path in ENDPOINTS:
        if name in OPEN_ON_A_PAUSED_DESK:
            continue
        response = getattr(admin, method)(path, {}, content_type="application/json", HTTP_HOST=mall.host)
        body = response.json() if response.get("Content-Type", "").startswith("application/json") else {}
        if response.status_code != 402 or body.get("code") != "licence_read_only":
            problems.append(f"{method.upper()} {path} ({name}): {response.status_code} {body}")
    assert problems == []
    assert admin.get("/api/v1/tickets/", HTTP_HOST=mall.host).status_code == 200  # reading goes on


def test_sign_in_sign_out_and_billing_stay_open_on_a_read_only_desk(paused_mall):
    mall = paused_mall
    client = Client()
    signed_in = client.post(
        "/api/v1/auth/session/",
        {"email": mall.people["dispatcher"].email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert signed_in.status_code == 200
    assert client.delete("/api/v1/auth/session/", HTTP_HOST=mall.host).status_code == 204
    admin = mall.client("admin")
    for name, method, path in ENDPOINTS:
        if name not in OPEN_ON_A_PAUSED_DESK:
            continue
        response = getattr(admin, method)(path, {}, content_type="application/json", HTTP_HOST=mall.host)
        assert response.status_code != 402, (name, method, response.content)


def test_a_suspended_account_cannot_use_billing_either(mall):
    from tenants_shared.accounts.models import Account, AccountStatus
    from tenants_shared.accounts.selectors import forget_cached_accounts

    Account.objects.filter(pk=mall.made.account.pk).update(status=AccountStatus.SUSPENDED)
    forget_cached_accounts()
    admin = mall.client("admin")
    response = admin.post("/api/v1/billing/portal/", {}, content_type="application/json", HTTP_HOST=mall.host)
    assert response.status_code == 403 and response.json()["code"] == "account_suspended"
