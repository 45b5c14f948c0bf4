"""Planned maintenance fixtures: one mall per test module, and schedules made through the service."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tenant_apps.desk.models import TicketType
from tenant_apps.schedules import services
from tests.support.fixtures import module_mall  # noqa: F401  (re-exported: pytest finds fixtures through a conftest)

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module-scoped mall under the name the tests use
    """One mall for the whole test module (tests/support/fixtures.py `module_mall`): each test's
    writes (schedules, occurrences, tickets) are rolled back before the next one starts."""
    return module_mall


def make_schedule(mall, **overrides):
    """A leak inspection schedule made by the mall's admin (inside the account)."""
    data = {
        "name": "Boiler room inspection",
        "ticket_type": TicketType.objects.get(code="leak"),
        "title": "Inspect the boiler room",
        "fields": {"severity": "drip"},
        "location": mall.unit,
        "first_at": T0,
        "period_unit": "weeks",
        "interval": 1,
    }
    data.update(overrides)
    return services.create_schedule(actor=mall.people["admin"], data=data)
