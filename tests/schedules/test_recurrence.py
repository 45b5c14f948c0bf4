"""When occurrences fall: each period kind, an rrule, the holidays rule, the end date, lead time
and from-completion, on the account's wall clock. Expected dates worked out by hand (calendar of
2026: 2 Jan is a Friday, 5 Jan a Monday, 28 Mar... DST in Europe/Berlin starts on 29 Mar)."""

from __future__ import annotations

from datetime import date, datetime
from itertools import islice
from zoneinfo import ZoneInfo

import pytest

from tenant_apps.schedules import recurrence
from tenant_apps.schedules.models import HolidaysRule, Mode, PeriodUnit, Schedule

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")


def schedule(first: datetime, unit=PeriodUnit.DAYS, interval=1, **extra) -> Schedule:
    return Schedule(first_at=first, period_unit=unit, interval=interval, **extra)


def local_list(s: Schedule, tz: ZoneInfo, n: int, **kw) -> list[str]:
    return [
        t.astimezone(tz).strftime("%Y-%m-%d %H:%M") for t in islice(recurrence.nominal_times(s, tz, **kw), n)
    ]


def test_every_three_days():
    s = schedule(datetime(2026, 1, 30, 9, tzinfo=UTC), PeriodUnit.DAYS, 3)
    assert local_list(s, UTC, 4) == [
        "2026-01-30 09:00",
        "2026-02-02 09:00",
        "2026-02-05 09:00",
        "2026-02-08 09:00",
    ]


def test_every_two_weeks_keeps_the_wall_clock_across_dst():
    s = schedule(datetime(2026, 3, 16, 8, tzinfo=UTC), PeriodUnit.WEEKS, 2)  # 09:00 in Berlin (CET)
    got = list(islice(recurrence.nominal_times(s, BERLIN), 3))
    assert [t.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M") for t in got] == [
        "2026-03-16 09:00",
        "2026-03-30 09:00",  # after the change to CEST: still 09:00 local...
        "2026-04-13 09:00",
    ]
    assert got[1].astimezone(UTC).hour == 7  # ...which is 07:00 UTC, not 08:00


def test_monthly_on_the_31st_falls_on_each_months_last_day():
    s = schedule(datetime(2026, 1, 31, 10, tzinfo=UTC), PeriodUnit.MONTHS, 1)
    assert local_list(s, UTC, 4) == [
        "2026-01-31 10:00",
        "2026-02-28 10:00",
        "2026-03-31 10:00",
        "2026-04-30 10:00",
    ]


def test_quarterly():
    s = schedule(datetime(2026, 1, 15, 10, tzinfo=UTC), PeriodUnit.MONTHS, 3)
    assert local_list(s, UTC, 3) == ["2026-01-15 10:00", "2026-04-15 10:00", "2026-07-15 10:00"]


def test_rrule_first_monday_of_the_month():
    s = schedule(datetime(2026, 1, 1, 9, tzinfo=UTC), PeriodUnit.RRULE, rrule="FREQ=MONTHLY;BYDAY=1MO")
    assert local_list(s, UTC, 3) == ["2026-01-05 09:00", "2026-02-02 09:00", "2026-03-02 09:00"]
    # the RRULE: prefix is accepted, garbage is not
    assert recurrence.parse_rrule("RRULE:FREQ=WEEKLY", datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        recurrence.parse_rrule("every monday", datetime(2026, 1, 1))


def test_the_grid_ends_on_its_end_date_inclusive():
    s = schedule(datetime(2026, 1, 1, 9, tzinfo=UTC), PeriodUnit.WEEKS, 1, ends_on=date(2026, 1, 15))
    assert local_list(s, UTC, 10) == ["2026-01-01 09:00", "2026-01-08 09:00", "2026-01-15 09:00"]


def test_after_skips_to_the_grid_past_a_moment():
    s = schedule(datetime(2026, 1, 1, 9, tzinfo=UTC), PeriodUnit.DAYS, 7)
    assert local_list(s, UTC, 2, after=datetime(2026, 1, 15, 9, tzinfo=UTC)) == [
        "2026-01-22 09:00",
        "2026-01-29 09:00",
    ]


@pytest.mark.parametrize(
    ("rule", "planned"),
    [
        (HolidaysRule.KEEP, "2026-01-03 09:00"),
        (HolidaysRule.SKIP, None),
        (HolidaysRule.PREVIOUS, "2026-01-02 09:00"),  # Saturday -> Friday
        (HolidaysRule.NEXT, "2026-01-05 09:00"),  # Saturday -> Monday
    ],
)
def test_holidays_rule_on_a_saturday(rule, planned):
    saturday = datetime(2026, 1, 3, 9, tzinfo=UTC)
    slot = recurrence.apply_holidays(schedule(saturday, holidays=rule), saturday, UTC)
    assert slot.due_at == saturday
    got = slot.planned_at.strftime("%Y-%m-%d %H:%M") if slot.planned_at else None
    assert got == planned


def test_a_working_day_is_never_moved():
    monday = datetime(2026, 1, 5, 9, tzinfo=UTC)
    assert (
        recurrence.apply_holidays(schedule(monday, holidays=HolidaysRule.NEXT), monday, UTC).planned_at
        == monday
    )


def test_lead_time():
    s = schedule(datetime(2026, 1, 5, 9, tzinfo=UTC), lead_days=3)
    assert recurrence.create_from(s, datetime(2026, 1, 10, 9, tzinfo=UTC)) == datetime(
        2026, 1, 7, 9, tzinfo=UTC
    )


def test_from_completion_counts_from_the_day_it_was_done_at_the_schedules_time():
    s = schedule(datetime(2026, 1, 5, 9, tzinfo=UTC), PeriodUnit.WEEKS, 2, mode=Mode.FROM_COMPLETION)
    done = datetime(2026, 1, 8, 16, 30, tzinfo=UTC)  # three days late
    assert recurrence.next_after_completion(s, UTC, done) == datetime(2026, 1, 22, 9, tzinfo=UTC)
    monthly = schedule(datetime(2026, 1, 5, 9, tzinfo=UTC), PeriodUnit.MONTHS, 1, mode=Mode.FROM_COMPLETION)
    assert recurrence.next_after_completion(monthly, UTC, done) == datetime(2026, 2, 8, 9, tzinfo=UTC)
    ended = schedule(datetime(2026, 1, 5, 9, tzinfo=UTC), ends_on=date(2026, 1, 8), mode=Mode.FROM_COMPLETION)
    assert recurrence.next_after_completion(ended, UTC, done) is None
