"""The audit logs name the client's address as the proxies we trust report it, never a forged
X-Forwarded-For: the account's log of an impersonation, the console's log of an operator's
sign-in."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.audit.models import AuditEntry as AccountAuditEntry
from tests.support.clients import redeem_handoff
from tests.support.worlds import start_handoff

pytestmark = pytest.mark.django_db


def started_from(mall) -> list[str]:
    with schema_context(mall.schema):
        rows = AccountAuditEntry.objects.filter(action="impersonation.session_started").order_by("id")
        addresses = [row.details.get("address") for row in rows]
    connection.set_schema_to_public()
    return addresses


def redeem_with(mall, forwarded_for: str):
    _made, handoff = start_handoff(mall)
    client, answer = _redeem_forwarded(mall.host, handoff.token, forwarded_for)
    assert answer.status_code == 200, answer.content


def _redeem_forwarded(host, token, forwarded_for):
    from django.test import Client

    client = Client(HTTP_X_FORWARDED_FOR=forwarded_for)
    return redeem_handoff(host, token, client)


def test_a_forged_forwarded_for_never_reaches_the_audit_log(mall, settings):
    redeem_with(mall, "203.0.113.66")  # from a peer we do not trust: the header is dropped
    settings.ATRIUM_TRUSTED_PROXIES = ["127.0.0.1"]
    redeem_with(mall, "203.0.113.66, 198.51.100.9")  # behind our proxy: the right-most client
    assert started_from(mall) == ["127.0.0.1", "198.51.100.9"]
