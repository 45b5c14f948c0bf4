"""Planned maintenance fixtures: the desk's mall, and schedules made through the service."""

from __future__ import annotations

from datetime import UTC, datetime

from tenant_apps.desk.models import TicketType
from tenant_apps.schedules import services

T0 = datetime(2026, 1, 5, 9, tzinfo=UTC)  # a Monday


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


from tests.support.fixtures import module_mall  # noqa: E402, F401  (one mall per test module)
