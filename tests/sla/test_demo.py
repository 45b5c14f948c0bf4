"""The demo accounts' SLA policy: the four targets on the default calendar, the tickets filed
before it timed from their histories, and loading it twice adds nothing."""

from __future__ import annotations

import pytest

from tenant_apps.sla.demo import DEMO_POLICY, fill_demo_sla
from tenant_apps.sla.models import SlaPolicy
from tests.sla.conftest import DEMO_TARGETS, file_leak, sla_of
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def test_demo_policy(mall, calendars):
    ticket = file_leak(mall)  # filed before any policy: no timers yet
    assert sla_of(mall, ticket) is None
    with in_account(mall):
        fill_demo_sla()
        fill_demo_sla()
        [policy] = SlaPolicy.objects.filter(name=DEMO_POLICY)
        targets = [
            {
                "priority": t.priority,
                "response_minutes": t.response_minutes,
                "resolution_minutes": t.resolution_minutes,
            }
            for t in policy.targets.order_by("-priority")
        ]
        escalations = sorted(policy.escalations.values_list("threshold", "target", "action"))
    assert policy.calendar_id is None and policy.is_active
    assert targets == DEMO_TARGETS
    assert escalations == [("breach", "resolution", "notify"), ("breach", "response", "notify")]
    assert sla_of(mall, ticket).policy_id == policy.pk
