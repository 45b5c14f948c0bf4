"""Materialising occurrences into tickets: lead time, holidays, catch-up, from-completion, a filing
the desk refuses, and the ticket filed through the desk with the schedule as its origin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tenant_apps.desk.models import EventKind, Ticket, TicketEvent
from tenant_apps.people.models import ResponsibilityGroup
from tenant_apps.schedules import services
from tenant_apps.schedules.models import Occurrence
from tests.schedules.conftest import T0, make_schedule
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def tick(now: datetime) -> int:
    return services.materialize_due_occurrences(now=now)


def weekdays_only() -> None:
    """The account's default calendar (24/7 when provisioned) made Monday to Friday, all day: the
    holidays rule asks it which days are working days (tenant_apps/calendars)."""
    from tenant_apps.calendars import services as calendars
    from tenant_apps.calendars.models import BusinessCalendar

    week = [{"weekday": d, "start": "00:00", "end": "24:00"} for d in range(5)]
    default = BusinessCalendar.objects.get(is_default=True)
    calendars.update_calendar(actor=None, calendar=default, data={"is_24x7": False, "week": week})


def test_lead_time_files_each_occurrence_once_ahead_of_its_date(mall):
    with in_account(mall):
        security = ResponsibilityGroup.objects.get(code="security")
        schedule = make_schedule(mall, lead_days=2, group=security)
        assert tick(T0 - timedelta(days=2, seconds=1)) == 0  # not yet: more than two days ahead
        assert tick(T0 - timedelta(days=2)) == 1
        assert tick(T0 - timedelta(days=2)) == 0  # the same tick again files nothing
        assert tick(T0 + timedelta(days=1)) == 0
        assert tick(T0 + timedelta(days=5)) == 1  # 12 Jan, two days ahead
        occurrences = list(Occurrence.objects.filter(schedule=schedule).order_by("due_at"))
        assert [o.due_at for o in occurrences] == [T0, T0 + timedelta(weeks=1)]
        ticket = Ticket.objects.get(pk=occurrences[0].ticket_id)
        assert ticket.title == "Inspect the boiler room"
        assert ticket.planned_start == T0
        assert ticket.location_id == mall.unit.pk
        assert ticket.requester_id == mall.people["admin"].pk
        assert ticket.group_id == security.pk  # the schedule's group, over routing's plumbing
        created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
        assert created.actor_id is None and created.actor_name == "Schedule: Boiler room inspection"
        assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ROUTED).exists()  # routed as any


def test_skip_on_weekends_and_the_catch_up_window(mall):
    with in_account(mall):
        weekdays_only()
        friday = datetime(2026, 1, 2, 9, tzinfo=UTC)
        make_schedule(mall, first_at=friday, period_unit="days", holidays="skip")
        assert tick(datetime(2026, 1, 6, 10, tzinfo=UTC)) == 3  # Fri, Mon, Tue; the weekend skipped
        days = sorted(o.planned_at.date().isoformat() for o in Occurrence.objects.all())
        assert days == ["2026-01-02", "2026-01-05", "2026-01-06"]
        old = make_schedule(
            mall, name="Old", first_at=datetime(2025, 1, 1, 9, tzinfo=UTC), period_unit="days"
        )
        # a first date a year back: only the last 31 days become work (10 Dec .. 10 Jan: 32), and
        # the first schedule's 7, 8, 9 Jan (10 Jan is a Saturday: skipped)
        assert tick(datetime(2026, 1, 10, 9, tzinfo=UTC)) == 32 + 3
        assert Occurrence.objects.filter(schedule=old).count() == 32


def test_moved_to_the_next_working_day(mall):
    with in_account(mall):
        weekdays_only()
        saturday = datetime(2026, 1, 3, 9, tzinfo=UTC)
        make_schedule(mall, first_at=saturday, holidays="next")
        assert tick(datetime(2026, 1, 3, 12, tzinfo=UTC)) == 0  # its planned day is Monday
        assert tick(datetime(2026, 1, 5, 9, tzinfo=UTC)) == 1
        occurrence = Occurrence.objects.get()
        assert (occurrence.due_at, occurrence.planned_at) == (saturday, datetime(2026, 1, 5, 9, tzinfo=UTC))


def test_from_completion_waits_for_the_completion_record(mall):
    with in_account(mall):
        make_schedule(mall, mode="from_completion", period_unit="weeks", interval=1)
        assert tick(T0) == 1
        assert tick(T0 + timedelta(days=30)) == 0  # not done yet: nothing new
        first = Occurrence.objects.get()
        services.complete_occurrence(
            actor=mall.people["engineer"], occurrence=first, completed_at=T0 + timedelta(days=3, hours=5)
        )
        assert tick(T0 + timedelta(days=9)) == 0  # next one is a week after 8 Jan: 15 Jan 09:00
        assert tick(T0 + timedelta(days=10)) == 1
        second = Occurrence.objects.order_by("-due_at").first()
        assert second.due_at == datetime(2026, 1, 15, 9, tzinfo=UTC)
        first.refresh_from_db()
        assert first.completed_by_id == mall.people["engineer"].pk


def test_a_filing_the_desk_refuses_is_kept_as_failed_and_others_go_on(mall):
    with in_account(mall):
        broken = make_schedule(mall, name="Broken", fields={})  # the leak form requires severity
        fine = make_schedule(mall, name="Fine")
        assert tick(T0) == 1
        failed = Occurrence.objects.get(schedule=broken)
        assert failed.state == "failed" and failed.ticket_id is None and "severity" in failed.error
        assert Occurrence.objects.get(schedule=fine).state == "created"
        assert tick(T0) == 0  # a failed one is not retried on every tick
