"""`selectors.working_time` from the rows and the `holidays` package, its cache, the
calendar_changed signal (after commit only), and planned maintenance asking the default calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from tenant_apps.calendars import selectors, services
from tenant_apps.calendars.models import BusinessCalendar
from tenant_apps.calendars.signals import calendar_changed
from tenant_apps.desk.models import TicketType
from tenant_apps.schedules import selectors as schedule_selectors
from tenant_apps.schedules import services as schedule_services
from tests.calendars.conftest import MALL_WEEK, mall_hours
from tests.support.context import in_account

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)


def make(mall, **extra) -> BusinessCalendar:
    return services.create_calendar(actor=mall.people["admin"], data=mall_hours(**extra))


def test_the_default_is_24x7_in_the_account_zone(mall):
    with in_account(mall):
        wt = selectors.working_time()
        assert wt.zone == ZoneInfo(mall.made.account.time_zone)
        saturday = datetime(2027, 1, 2, tzinfo=wt.zone)
        assert wt.between(saturday, saturday + timedelta(days=1)) == 24 * H
        assert wt.add(saturday, 30 * H) == saturday + 30 * H


def test_ru_new_year_holidays(mall):
    with in_account(mall):
        wt = selectors.working_time(make(mall).pk)
        assert wt.zone == MSK
        # Wed 2026-12-30 17:00 MSK + 2 h: 17-18 on Wednesday; 31 Dec (a day off moved from 4 Jan),
        # 1-8 Jan holidays, 9-10 Jan the weekend; Monday 2027-01-11 09:00-10:00.
        assert wt.add(datetime(2026, 12, 30, 17, tzinfo=MSK), 2 * H) == datetime(2027, 1, 11, 10, tzinfo=MSK)
        assert not any(wt.is_working_day(date(2027, 1, d)) for d in range(1, 9))
        # the same span counted the other way: 1 h + 1 h
        assert (
            wt.between(datetime(2026, 12, 30, 14, 0, tzinfo=UTC), datetime(2027, 1, 11, 7, tzinfo=UTC))
            == 2 * H
        )


def test_a_transferred_working_saturday_from_the_package(mall):
    with in_account(mall):
        wt = selectors.working_time(make(mall).pk)
        # the package: Monday 2027-02-22 is a day off moved from Saturday 2027-02-20, which is worked
        # with the calendar's normal (Monday's) hours; Tuesday the 23rd is a holiday.
        assert wt.intervals_on(date(2027, 2, 20)) == wt.intervals_on(date(2027, 2, 15))
        assert not wt.is_working_day(date(2027, 2, 22)) and not wt.is_working_day(date(2027, 2, 23))
        # Fri 2027-02-19 17:30 MSK + 4 h: 30 min Friday, Saturday 09:00-12:30.
        assert wt.add(datetime(2027, 2, 19, 17, 30, tzinfo=MSK), 4 * H) == datetime(
            2027, 2, 20, 12, 30, tzinfo=MSK
        )
        # + 8 h: Saturday's 8 h end at 18:00 (an interval's end, not Wednesday's start)
        assert wt.add(datetime(2027, 2, 20, 9, tzinfo=MSK), 8 * H) == datetime(2027, 2, 20, 18, tzinfo=MSK)


def test_a_shortened_override_and_overrides_winning_over_the_package(mall):
    with in_account(mall):
        admin = mall.people["admin"]
        calendar = make(mall)
        services.add_override(
            actor=admin,
            calendar=calendar,
            data={
                "day": "2027-02-19",
                "kind": "shortened",
                "intervals": [["09:00", "13:00"], ["14:00", "17:00"]],
            },
        )
        services.add_override(actor=admin, calendar=calendar, data={"day": "2027-02-22", "kind": "working"})
        wt = selectors.working_time(calendar.pk)
        # Fri 2027-02-19 16:00 + 2 h: 16-17 Friday (shortened), Saturday 09-10 (transferred).
        assert wt.add(datetime(2027, 2, 19, 16, tzinfo=MSK), 2 * H) == datetime(2027, 2, 20, 10, tzinfo=MSK)
        friday = datetime(2027, 2, 19, tzinfo=MSK)
        assert wt.between(friday, friday + timedelta(days=1)) == 7 * H
        # the admin made Monday the 22nd a working day with the normal hours: 8 h
        monday = datetime(2027, 2, 22, tzinfo=MSK)
        assert wt.between(monday, monday + timedelta(days=1)) == 8 * H


def test_cached_until_a_change_then_rebuilt(mall, django_assert_num_queries):
    with in_account(mall):
        calendar = make(mall)
        first = selectors.working_time(calendar.pk)
        with django_assert_num_queries(1):  # the configuration version only
            assert selectors.working_time(calendar.pk) is first
        services.set_week(actor=mall.people["admin"], calendar=calendar, week=MALL_WEEK[:2])  # Monday only
        second = selectors.working_time(calendar.pk)
        assert second is not first
        assert second.is_working_day(date(2027, 3, 1)) and not second.is_working_day(date(2027, 3, 2))


def test_unknown_calendar_is_not_found(mall):
    from kernel.errors import NotFound

    with in_account(mall), pytest.raises(NotFound):
        selectors.working_time(987654)


def test_calendar_changed_is_sent_after_commit_only(mall, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, calendar_id, **kwargs):
        received.append(calendar_id)

    calendar_changed.connect(receiver)
    try:
        with in_account(mall):
            admin = mall.people["admin"]
            with django_capture_on_commit_callbacks(execute=True):
                calendar = make(mall)
                services.set_week(actor=admin, calendar=calendar, week=MALL_WEEK)
                assert received == []  # not before the commit
            assert received == [calendar.pk, calendar.pk]

            received.clear()
            with django_capture_on_commit_callbacks(execute=True) as callbacks:
                with pytest.raises(RuntimeError), transaction.atomic():
                    services.update_calendar(actor=admin, calendar=calendar, data={"name": "Rolled back"})
                    raise RuntimeError("the surrounding work fails")
            assert callbacks == [] and received == []  # a change rolled back is never announced

            with django_capture_on_commit_callbacks(execute=True):
                services.add_override(
                    actor=admin, calendar=calendar, data={"day": "2027-03-01", "kind": "holiday"}
                )
                services.delete_calendar(actor=admin, calendar=calendar)
            assert received == [calendar.pk, calendar.pk]
    finally:
        calendar_changed.disconnect(receiver)


def _schedule(mall, first_at, holidays="next"):
    return schedule_services.create_schedule(
        actor=mall.people["admin"],
        data={
            "name": "Escalator check",
            "ticket_type": TicketType.objects.get(code="leak"),
            "title": "Check the escalators",
            "fields": {"severity": "drip"},
            "location": mall.unit,
            "first_at": first_at,
            "period_unit": "weeks",
            "interval": 1,
            "holidays": holidays,
        },
    )


def test_schedules_move_to_the_next_working_day_of_the_default_calendar(mall):
    with in_account(mall):
        admin = mall.people["admin"]
        zone = ZoneInfo(mall.made.account.time_zone)
        friday = datetime(2027, 1, 1, 10, tzinfo=zone)  # 1 January 2027, a Friday
        _schedule(mall, friday)
        window = {"start": datetime(2026, 12, 28, tzinfo=zone), "end": datetime(2027, 1, 14, tzinfo=zone)}

        # the default 24/7 calendar: every day works, nothing moves
        plan = schedule_selectors.plan(**window)
        assert [(i["due_at"], i["planned_at"]) for i in plan] == [
            (friday, friday),
            (friday + timedelta(weeks=1), friday + timedelta(weeks=1)),
        ]

        # the default becomes Monday-Friday with the RU holidays: 1 Jan and 8 Jan are holidays,
        # 9-10 Jan the weekend, so both move to Monday 11 January at the same time
        default = BusinessCalendar.objects.get(is_default=True)
        services.update_calendar(
            actor=admin,
            calendar=default,
            data={"is_24x7": False, "holidays_country": "RU", "week": MALL_WEEK},
        )
        monday = datetime(2027, 1, 11, 10, tzinfo=zone)
        plan = schedule_selectors.plan(**window)
        assert [(i["due_at"], i["planned_at"], i["moved"]) for i in plan] == [
            (friday, monday, True),
            (friday + timedelta(weeks=1), monday, True),
        ]
        # and materialising files at that moment too (the same rule)
        schedule_services.insert_due_occurrences(now=datetime(2027, 1, 11, 10, tzinfo=zone))
        from tenant_apps.schedules.models import Occurrence

        assert sorted(o.planned_at for o in Occurrence.objects.all()) == [monday, monday]


def test_the_demo_mall_hours_calendar(mall):
    from tenant_apps.calendars.demo import MALL_HOURS, fill_demo_calendars

    with in_account(mall):
        fill_demo_calendars()
        fill_demo_calendars()  # once: a second run adds nothing
        (calendar,) = BusinessCalendar.objects.filter(name=MALL_HOURS)
        assert (calendar.is_default, calendar.time_zone, calendar.holidays_country) == (
            False,
            "Europe/Moscow",
            "RU",
        )
        assert BusinessCalendar.objects.get(is_default=True).name == "24/7"
        wt = selectors.working_time(calendar.pk)
        # Monday 2027-01-11 12:30 MSK + 1 h: 30 min before the lunch hour, 30 min after it
        assert wt.add(datetime(2027, 1, 11, 12, 30, tzinfo=MSK), H) == datetime(
            2027, 1, 11, 14, 30, tzinfo=MSK
        )
        assert not wt.is_working_day(date(2027, 1, 4))  # a New Year holiday, a Monday
