"""Impersonation: a signed, single-use handoff for one account, a session marked everywhere,
refused credential and billing paths, expiry, and audit rows in both logs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.audit.models import AuditEntry as AccountAuditEntry
from tenants_shared.console.models import AuditEntry, Impersonation
from tests.support.clients import redeem_handoff
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import PASSWORD, make_mall, start_handoff

from .conftest import PUBLIC_HOST, make_operator

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def test_the_console_hands_off_to_the_account_host(operator, mall):
    client, made = operator("support")
    response = client.post(
        f"/console/accounts/{mall.made.account.slug}/impersonate/",
        {"reason": "routing question", "minutes": "30", "person_email": mall.people["dispatcher"].email},
        HTTP_HOST=PUBLIC_HOST,
    )
    assert response.status_code == 200
    handoff = response.context["handoff"]
    assert handoff.url.startswith(f"http://{mall.host}") and handoff.token in response.content.decode()
    browser, redeemed = redeem_handoff(mall.host, handoff.token)
    assert redeemed.status_code == 200 and redeemed.json()["email"] == mall.people["dispatcher"].email
    me = browser.get("/api/v1/me/", HTTP_HOST=mall.host).json()
    assert me["user"]["email"] == mall.people["dispatcher"].email
    assert me["impersonation"]["operator"] == made.user.email


def test_banner_refusals_and_audit_in_both_logs(mall):
    made, handoff = start_handoff(mall)
    browser, response = redeem_handoff(mall.host, handoff.token)
    assert response.status_code == 200 and response.json()["email"] == mall.people["admin"].email
    me = browser.get("/api/v1/me/", HTTP_HOST=mall.host)
    assert me.json()["impersonation"]["operator"] == made.user.email
    assert made.user.email in me["X-Atrium-Impersonation"]
    # ordinary work is possible and marked
    work = browser.post(
        "/api/v1/saved-views/",
        {"name": "op", "filters": {}},
        content_type="application/json",
        HTTP_HOST=mall.host,
    )
    assert work.status_code == 201 and "X-Atrium-Impersonation" in work
    # credentials and billing are not
    refused = [
        (
            "post",
            "/api/v1/auth/password/",
            {"old_password": PASSWORD, "new_password": "New-Horse-88-battery"},
        ),
        ("post", "/api/v1/auth/tokens/", {"email": mall.people["admin"].email, "password": PASSWORD}),
        ("post", "/api/v1/auth/password-reset/", {"email": mall.people["admin"].email}),
        ("post", "/api/v1/billing/checkout/", {"plan": "business", "seats": 5}),
        ("get", "/api/v1/billing/portal/", None),
    ]
    for method, path, body in refused:
        kwargs = {"content_type": "application/json"} if body is not None else {}
        answer = getattr(browser, method)(path, body, HTTP_HOST=mall.host, **kwargs)
        assert answer.status_code == 403 and answer.json()["code"] == "impersonation_forbidden", path
    # the person's own session is not affected: no impersonation, no banner
    own = mall.client("admin").get("/api/v1/me/", HTTP_HOST=mall.host)
    assert own.json()["impersonation"] is None and "X-Atrium-Impersonation" not in own
    # the platform's log and the account's log
    assert AuditEntry.objects.filter(
        operator=made.user, action="impersonation.start", account=mall.made.account
    ).exists()
    log = mall.client("admin").get("/api/v1/audit/", HTTP_HOST=mall.host)
    actions = {(e["action"], e["actor"]) for e in log.json()["results"]}
    assert ("impersonation.granted", made.user.email) in actions
    assert ("impersonation.session_started", made.user.email) in actions
    assert mall.api("dispatcher", "get", "/audit/").status_code == 403


def test_the_session_ends_at_expiry_or_when_the_operator_ends_it(mall):
    _made, handoff = start_handoff(mall, minutes=5)
    browser, _ = redeem_handoff(mall.host, handoff.token)
    assert browser.get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200
    # five minutes later
    Impersonation.objects.filter(pk=handoff.impersonation.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert browser.get("/api/v1/me/", HTTP_HOST=mall.host).status_code in (401, 403)
    assert browser.get("/api/v1/me/", HTTP_HOST=mall.host).status_code in (401, 403)  # and stays ended

    made, second = start_handoff(mall, role="owner")
    browser, _ = redeem_handoff(mall.host, second.token)
    assert browser.get("/api/v1/me/", HTTP_HOST=mall.host).status_code == 200
    from tenants_shared.console.services import end_impersonation

    end_impersonation(operator=made.user, impersonation=second.impersonation)
    assert browser.get("/api/v1/me/", HTTP_HOST=mall.host).status_code in (401, 403)


def test_a_handoff_works_once_and_only_for_its_account(mall):
    other = make_mall()
    _made, handoff = start_handoff(mall)
    # on another account's host: refused, and not used up
    _, wrong_host = redeem_handoff(other.host, handoff.token)
    assert wrong_host.status_code == 400 and wrong_host.json()["code"] == "handoff_invalid"
    assert "token" in wrong_host.json()["fields"]
    with schema_context(other.schema):
        assert not AccountAuditEntry.objects.exists()
    connection.set_schema_to_public()
    # at home: once
    assert redeem_handoff(mall.host, handoff.token)[1].status_code == 200
    assert redeem_handoff(mall.host, handoff.token)[1].status_code == 400
    # a forged or altered token
    assert redeem_handoff(mall.host, handoff.token[:-2] + "xx")[1].status_code == 400
    # a handoff not taken within its two minutes
    _made, late = start_handoff(mall)
    Impersonation.objects.filter(pk=late.impersonation.pk).update(handoff_expires_at=timezone.now())
    assert redeem_handoff(mall.host, late.token)[1].status_code == 400


def test_billing_operators_cannot_impersonate_and_support_cannot_suspend(mall):
    from tenants_shared.console.errors import OperatorForbidden
    from tenants_shared.console.services import suspend_account

    with pytest.raises(OperatorForbidden):
        start_handoff(mall, role="billing")
    support = make_operator("support")
    with pytest.raises(OperatorForbidden):
        suspend_account(operator=support.user, account=mall.made.account, reason="x")
    assert not Impersonation.objects.exists()


def test_changes_made_while_impersonating_name_the_operator_in_the_tickets_history(mall):
    made, handoff = start_handoff(mall)
    browser, _ = redeem_handoff(mall.host, handoff.token)
    ticket = mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).json()
    path = f"/api/v1/tickets/{ticket['id']}/comments/"
    by_operator = browser.post(
        path, {"body": "Checked the routing"}, content_type="application/json", HTTP_HOST=mall.host
    )
    assert by_operator.status_code == 201, by_operator.content
    mall.api("admin", "post", f"/tickets/{ticket['id']}/comments/", {"body": "Thanks"})
    history = mall.api("dispatcher", "get", f"/tickets/{ticket['id']}/events/").json()
    comments = [e for e in history if e["kind"] == "commented"]
    assert [(e["actor"], e["data"].get("impersonated_by")) for e in comments] == [
        (mall.people["admin"].pk, made.user.email),  # the person, and the operator acting as them
        (mall.people["admin"].pk, None),  # the admin's own comment names nobody else
    ]
