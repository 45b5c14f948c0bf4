"""Passes fixtures: the desk's mall account (people in every role, Security group with the guard),
and the approvals of pass requests, decided for real."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.approvals.models import ApprovalStep
from tenant_apps.approvals.services import decide
from tenant_apps.desk.models import Ticket
from tenant_apps.people.models import AGENT_ROLES
from tenants_shared.accounts.models import Account
from tenants_shared.accounts.selectors import forget_cached_accounts
from tests.desk.conftest import Mall, make_mall


@pytest.fixture
def mall(db) -> Mall:
    return make_mall()


def complete_approval(mall: Mall, ticket_id: int, outcome: str = "approved") -> None:
    """Everyone owed a decision in the request's open approval round decides (tenant_apps.approvals,
    for real): "approved", "approved_with_remarks" (the first with a remark), "needs_rework" or
    "rejected" (the first decider ends the round)."""
    with schema_context(mall.schema):
        connection.tenant = mall.made.account
        ticket = Ticket.objects.get(pk=ticket_id)
        steps = ApprovalStep.objects.filter(round__ticket=ticket, round__outcome="", decision="")
        deciders = [
            step.approver or step.group.members.filter(role__in=AGENT_ROLES).order_by("id").first()
            for step in steps.select_related("approver", "group")
        ]
        assert deciders and all(deciders), "the request has no open round with someone to decide"
        for i, person in enumerate(deciders):
            decision = outcome if (i == 0 or outcome == "approved") else "approved"
            comment = "" if decision == "approved" else f"{decision} by {person.full_name}"
            decide(actor=person, ticket=ticket, decision=decision, comment=comment)
            if decision in ("needs_rework", "rejected"):
                break
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
