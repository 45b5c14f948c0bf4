"""Passes fixtures: the desk's mall account (people in every role, Security group with the guard),
and the one place that stands in for the approvals app until it is merged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenant_apps.desk import events
from tenant_apps.desk.models import Ticket
from tenants_shared.accounts.models import Account
from tenants_shared.accounts.selectors import forget_cached_accounts
from tests.desk.conftest import Mall, make_mall


@pytest.fixture
def mall(db) -> Mall:
    return make_mall()


def complete_approval(
    mall: Mall, ticket_id: int, outcome: str = "approved", round_no: int = 1, who: str = "approver"
):
    """Simulates tenant_apps.approvals finishing a round on the request ticket (the lead switches
    this to real approvals after merging)."""
    with schema_context(mall.schema):
        ticket = Ticket.objects.select_related("ticket_type", "status").get(pk=ticket_id)
        with transaction.atomic():
            events.record(ticket, "approval_completed", mall.people[who], outcome=outcome, round=round_no)
    connection.set_schema_to_public()


def set_time_zone(mall: Mall, name: str) -> None:
    Account.objects.filter(pk=mall.made.account.pk).update(time_zone=name)
    mall.made.account.time_zone = name
    forget_cached_accounts()


def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()  # accounts here run on UTC


def request_body(**overrides) -> dict:
    body = {
        "kind": "temporary",
        "holders": [{"name": "Ivan Petrov", "document": "Passport 4510 123456"}],
        "valid_from": day(0),
        "valid_until": day(5),
        "purpose": "Fitting the new shop window",
        "required_documents": ["Passport"],
    }
    body.update(overrides)
    return body


def file_request(mall: Mall, who: str = "key_user", **overrides) -> dict:
    response = mall.api(who, "post", "/pass-requests/", request_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json()
