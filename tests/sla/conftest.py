"""SLA fixtures: one mall per test module, a policy made through the service, and the working
time the timers count in chosen by the test (24x7 UTC unless it says otherwise)."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest

from tenant_apps.calendars import selectors as calendar_selectors
from tenant_apps.calendars.engine import WorkingTime, always
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, Ticket, TicketEvent, TicketType
from tenant_apps.sla import services
from tenant_apps.sla.models import TicketSla
from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (re-exported: pytest finds fixtures through a conftest)

OFFICE = WorkingTime(zone="UTC", weekly={d: ((time(9), time(18)),) for d in range(5)})  # Mon-Fri 9-18
DEMO_TARGETS = [  # minutes: urgent 30 min / 4 h, high 1 h / 8 h, normal 4 h / 3 days, low 1 day / 10 days
    {"priority": 4, "response_minutes": 30, "resolution_minutes": 240},
    {"priority": 3, "response_minutes": 60, "resolution_minutes": 480},
    {"priority": 2, "response_minutes": 240, "resolution_minutes": 4320},
    {"priority": 1, "response_minutes": 1440, "resolution_minutes": 14400},
]


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module-scoped mall under the name the tests use
    return module_mall


@pytest.fixture
def calendars(monkeypatch):
    """calendar id -> WorkingTime the SLA counts in (None: the account default); 24x7 by default."""
    chosen: dict = {None: always()}
    monkeypatch.setattr(
        calendar_selectors, "working_time", lambda calendar_id=None: chosen.get(calendar_id, chosen[None])
    )
    return chosen


def make_policy(mall, **data):
    body = {"name": "Standard", "order": 10, "targets": DEMO_TARGETS, **data}
    with in_account(mall):
        return services.save_policy(actor=mall.people["admin"], policy=None, data=body)


def file_leak(mall, *, by="key_user", **extra):
    with in_account(mall):
        values = {
            "title": "Water under the escalator",
            "fields": {"severity": "stream"},
            "location": mall.unit.pk,
            **extra,
        }
        return desk.file_ticket(
            actor=mall.people[by], ticket_type=TicketType.objects.get(code="leak"), **values
        )


def sla_of(mall, ticket) -> TicketSla | None:
    with in_account(mall):
        return TicketSla.objects.filter(ticket_id=ticket.pk).first()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """January 2026: the 5th is a Monday, the 9th a Friday."""
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def replay(mall, ticket, moments: list[datetime]) -> TicketSla | None:
    """Put the ticket's history events (created, status changes, comments; in id order) at the
    given moments and recompute its timers from that history."""
    with in_account(mall):
        ids = list(
            TicketEvent.objects.filter(
                ticket_id=ticket.pk,
                kind__in=[EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.COMMENTED],
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        assert len(ids) == len(moments), ids
        for pk, moment in zip(ids, moments, strict=True):
            TicketEvent.objects.filter(pk=pk).update(at=moment)
        services.recompute([Ticket.objects.get(pk=ticket.pk)], now=moments[-1])
        return TicketSla.objects.filter(ticket_id=ticket.pk).first()
