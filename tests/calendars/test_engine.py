"""The working-time engine (tenant_apps/calendars/engine.py): pure, no database.

Every expected moment is worked out by hand in the comment next to it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.calendars.engine import END_OF_DAY, SEARCH_DAYS, WorkingTime, always

BERLIN = ZoneInfo("Europe/Berlin")
MOSCOW = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
M = timedelta(minutes=1)

MALL_DAY = ((time(9), time(13)), (time(14), time(18)))


def mall(zone=MOSCOW, overrides=None):
    return WorkingTime(zone=zone, weekly={d: MALL_DAY for d in range(5)}, overrides=overrides or {})


def every_day(intervals, zone=BERLIN):
    return WorkingTime(zone=zone, weekly={d: intervals for d in range(7)}, overrides={})


# -- DST ----------------------------------------------------------------------------------------


def test_berlin_wall_clock_day_is_nine_hours_on_both_dst_days():
    cal = every_day(((time(9), time(18)),))
    for day in (date(2026, 3, 29), date(2026, 10, 25)):  # both Sundays of a change
        start = datetime.combine(day, time(0), tzinfo=BERLIN)
        assert cal.between(start, start + timedelta(days=1)) == 9 * H
    # 2026-03-29 09:00 is CEST (+02:00) = 07:00 UTC; 18:00 CEST = 16:00 UTC.
    (window,) = cal.windows(datetime(2026, 3, 29, tzinfo=UTC), datetime(2026, 3, 30, tzinfo=UTC))
    assert window == (datetime(2026, 3, 29, 7, tzinfo=UTC), datetime(2026, 3, 29, 16, tzinfo=UTC))


def test_berlin_24x7_dst_days_have_23_and_25_hours():
    cal = always("Europe/Berlin")
    # 2026-03-29 00:00 CET = 03-28 23:00 UTC; 03-30 00:00 CEST = 03-29 22:00 UTC: 23 h.
    spring = datetime(2026, 3, 29, tzinfo=BERLIN)
    assert cal.between(spring, datetime(2026, 3, 30, tzinfo=BERLIN)) == 23 * H
    # 2026-10-25 00:00 CEST = 10-24 22:00 UTC; 10-26 00:00 CET = 10-25 23:00 UTC: 25 h.
    autumn = datetime(2026, 10, 25, tzinfo=BERLIN)
    assert cal.between(autumn, datetime(2026, 10, 26, tzinfo=BERLIN)) == 25 * H
    # 01:00 CET (00:00 UTC) + 2 h = 02:00 UTC = 04:00 CEST (02:00-03:00 never happened).
    assert cal.add(datetime(2026, 3, 29, 1, tzinfo=BERLIN), 2 * H) == datetime(2026, 3, 29, 4, tzinfo=BERLIN)
    # 2026-10-25 01:00 CEST (23:00 UTC on the 24th) + 3 h = 02:00 UTC = 03:00 CET.
    assert cal.add(datetime(2026, 10, 25, 1, tzinfo=BERLIN), 3 * H) == datetime(2026, 10, 25, 2, tzinfo=UTC)
    # One week of 24x7 around the spring change is one joined window.
    windows = list(cal.windows(datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC)))
    assert windows == [(datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 4, 2, tzinfo=UTC))]


def test_intervals_inside_the_dst_changes():
    # Sunday 02:00-04:00 on 2026-03-29: 02:00 does not exist, it is placed at the change (01:00
    # UTC = 03:00 CEST); 04:00 CEST = 02:00 UTC: one real hour.
    spring = WorkingTime(zone=BERLIN, weekly={6: ((time(2), time(4)),)})
    day = datetime(2026, 3, 29, tzinfo=BERLIN)
    assert spring.between(day, day + timedelta(days=1)) == H
    assert list(spring.windows(day, day + timedelta(days=1))) == [
        (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 2, tzinfo=UTC))
    ]
    # Sunday 01:00-04:00 on 2026-10-25: 01:00 CEST = 23:00 UTC (24th), 04:00 CET = 03:00 UTC: 4 h.
    autumn = WorkingTime(zone=BERLIN, weekly={6: ((time(1), time(4)),)})
    day = datetime(2026, 10, 25, tzinfo=BERLIN)
    assert autumn.between(day, day + timedelta(days=1)) == 4 * H


# -- Moscow (no DST), lunch break, interval ends ---------------------------------------------------


def test_moscow_lunch_break_and_weekend():
    cal = mall()
    # Friday 2026-12-04 17:30 MSK (14:30 UTC) + 1 h: 30 min on Friday, then Monday 12-07 09:30 MSK.
    assert cal.add(datetime(2026, 12, 4, 14, 30, tzinfo=UTC), H) == datetime(
        2026, 12, 7, 9, 30, tzinfo=MOSCOW
    )
    # Monday 12:30 MSK + 1 h: 30 min before lunch, 30 min after: 14:30 MSK.
    assert cal.add(datetime(2026, 12, 7, 12, 30, tzinfo=MOSCOW), H) == datetime(
        2026, 12, 7, 14, 30, tzinfo=MOSCOW
    )
    # The same in Berlin time (CET, +01:00): 10:30 CET = 12:30 MSK.
    assert cal.add(datetime(2026, 12, 7, 10, 30, tzinfo=BERLIN), H) == datetime(
        2026, 12, 7, 11, 30, tzinfo=UTC
    )
    # One full week Monday 00:00 to the next Monday 00:00: 5 days x 8 h.
    monday = datetime(2026, 12, 7, tzinfo=MOSCOW)
    assert cal.between(monday, monday + timedelta(days=7)) == 40 * H
    # Lunch hour is not working time; Saturday is not either.
    assert (
        cal.between(datetime(2026, 12, 7, 13, tzinfo=MOSCOW), datetime(2026, 12, 7, 14, tzinfo=MOSCOW))
        == 0 * H
    )
    assert not cal.is_working_day(date(2026, 12, 5))
    assert cal.intervals_on(date(2026, 12, 7)) == MALL_DAY


def test_add_landing_exactly_on_an_interval_end_returns_the_end():
    cal = mall()
    nine = datetime(2026, 12, 7, 9, tzinfo=MOSCOW)
    assert cal.add(nine, 4 * H) == datetime(2026, 12, 7, 13, tzinfo=MOSCOW)  # not 14:00
    assert cal.add(nine, 8 * H) == datetime(2026, 12, 7, 18, tzinfo=MOSCOW)  # not Tuesday 09:00
    # From Saturday, 40 h is the whole next week: Friday 12-11 18:00, not Monday 12-14 09:00.
    saturday = datetime(2026, 12, 5, 10, tzinfo=MOSCOW)
    assert cal.add(saturday, 40 * H) == datetime(2026, 12, 11, 18, tzinfo=MOSCOW)


def test_add_zero_is_the_start_itself():
    cal = mall()
    saturday = datetime(2026, 12, 5, 10, tzinfo=MOSCOW)
    assert cal.add(saturday, timedelta(0)) == saturday
    assert cal.add(datetime(2026, 12, 7, 10, tzinfo=MOSCOW), timedelta(0)) == datetime(
        2026, 12, 7, 7, tzinfo=UTC
    )


def test_midnight_crossing_night_shift_and_24_00():
    # 22:00-24:00 written both ways (END_OF_DAY and 00:00 as an end), then 00:00-06:00.
    a = every_day(((time(0), time(6)), (time(22), END_OF_DAY)), zone=UTC)
    b = every_day(((time(0), time(6)), (time(22), time(0))), zone=UTC)
    assert a.weekly == b.weekly
    start = datetime(2026, 12, 2, 23, tzinfo=UTC)
    # 23:00 + 3 h: one hour to midnight, two after: 02:00 on the 3rd.
    assert a.add(start, 3 * H) == datetime(2026, 12, 3, 2, tzinfo=UTC)
    # 1 h lands exactly at 24:00: midnight itself.
    assert a.add(start, H) == datetime(2026, 12, 3, tzinfo=UTC)
    # The night is one window 22:00-06:00 (joined over midnight).
    night = list(a.windows(datetime(2026, 12, 2, 20, tzinfo=UTC), datetime(2026, 12, 3, 8, tzinfo=UTC)))
    assert night == [(datetime(2026, 12, 2, 22, tzinfo=UTC), datetime(2026, 12, 3, 6, tzinfo=UTC))]
    assert a.between(datetime(2026, 12, 2, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC)) == 8 * H


def test_windows_are_clipped_to_the_span():
    cal = mall()
    got = list(
        cal.windows(datetime(2026, 12, 7, 10, tzinfo=MOSCOW), datetime(2026, 12, 7, 15, tzinfo=MOSCOW))
    )
    assert got == [
        (datetime(2026, 12, 7, 10, tzinfo=MOSCOW), datetime(2026, 12, 7, 13, tzinfo=MOSCOW)),
        (datetime(2026, 12, 7, 14, tzinfo=MOSCOW), datetime(2026, 12, 7, 15, tzinfo=MOSCOW)),
    ]
    assert got[0][0].tzinfo == MOSCOW  # outputs in the calendar's zone


# -- overrides --------------------------------------------------------------------------------------


def test_overrides_replace_a_day():
    shortened = date(2026, 12, 30)  # a Wednesday, pre-holiday: 09:00-13:00, 14:00-17:00
    day_off = date(2026, 12, 31)  # a Thursday off
    working_saturday = date(2026, 12, 26)
    cal = mall(
        overrides={
            shortened: ((time(9), time(13)), (time(14), time(17))),
            day_off: (),
            working_saturday: MALL_DAY,
        }
    )
    assert not cal.is_working_day(day_off)
    assert cal.is_working_day(working_saturday)
    # Wednesday 16:00 + 2 h: 1 h to 17:00, Thursday off, Friday 2027-01-01 09:00 + 1 h = 10:00.
    assert cal.add(datetime(2026, 12, 30, 16, tzinfo=MOSCOW), 2 * H) == datetime(
        2027, 1, 1, 10, tzinfo=MOSCOW
    )
    # Saturday 12-26 is 8 h.
    sat = datetime(2026, 12, 26, tzinfo=MOSCOW)
    assert cal.between(sat, sat + timedelta(days=1)) == 8 * H


# -- validation and the search bound -------------------------------------------------------------------


def test_no_working_time_at_all_raises_instead_of_looping():
    nothing = WorkingTime(zone=UTC, weekly={}, overrides={})
    with pytest.raises(ValueError, match=str(SEARCH_DAYS)):
        nothing.add(datetime(2026, 1, 1, tzinfo=UTC), M)
    # Every weekday empty, one working override far beyond the bound: still raises.
    far = WorkingTime(zone=UTC, weekly={}, overrides={date(2030, 1, 1): ((time(9), time(10)),)})
    with pytest.raises(ValueError):
        far.add(datetime(2026, 1, 1, tzinfo=UTC), M)
    # ... and within it, found.
    near = WorkingTime(zone=UTC, weekly={}, overrides={date(2026, 6, 1): ((time(9), time(10)),)})
    assert near.add(datetime(2026, 1, 1, tzinfo=UTC), M) == datetime(2026, 6, 1, 9, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "intervals",
    [
        ((time(10), time(9)),),  # start after end
        ((time(9), time(9)),),  # empty
        ((time(9), time(13)), (time(12), time(18))),  # overlap
    ],
)
def test_bad_intervals_are_refused(intervals):
    with pytest.raises(ValueError):
        WorkingTime(zone=UTC, weekly={0: intervals}, overrides={})


def test_naive_datetimes_and_negative_durations_are_refused():
    cal = always()
    with pytest.raises(ValueError):
        cal.between(datetime(2026, 1, 1), datetime(2026, 1, 2, tzinfo=UTC))
    with pytest.raises(ValueError):
        cal.add(datetime(2026, 1, 1, tzinfo=UTC), -M)
    assert cal.between(datetime(2026, 1, 2, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)) == timedelta(0)


def test_add_over_weeks_is_exact():
    cal = mall()
    # 3 weeks = 120 working hours from Monday 2026-12-07 09:00 MSK ends Friday 12-25 18:00 MSK.
    assert cal.add(datetime(2026, 12, 7, 9, tzinfo=MOSCOW), 120 * H) == datetime(
        2026, 12, 25, 18, tzinfo=MOSCOW
    )
    assert cal.add(datetime(2026, 12, 7, 9, tzinfo=MOSCOW), 120 * H + M) == datetime(
        2026, 12, 28, 9, 1, tzinfo=MOSCOW
    )


# -- add / between are inverse ---------------------------------------------------------------------------------

_BERLIN_MALL = WorkingTime(
    zone=BERLIN,
    weekly={**{d: MALL_DAY for d in range(5)}, 5: ((time(1), time(3)),), 6: ((time(22), END_OF_DAY),)},
    overrides={date(2026, 10, 26): (), date(2026, 3, 28): ((time(0), END_OF_DAY),)},
)
_MOMENTS = st.datetimes(
    min_value=datetime(2026, 3, 1), max_value=datetime(2026, 11, 30), timezones=st.just(UTC)
)
_DURATIONS = st.integers(min_value=0, max_value=60 * 24 * 30).map(lambda m: timedelta(minutes=m))


@settings(max_examples=300, deadline=None)
@given(start=_MOMENTS, duration=_DURATIONS)
def test_between_of_add_is_the_duration(start, duration):
    end = _BERLIN_MALL.add(start, duration)
    assert end >= start
    assert _BERLIN_MALL.between(start, end) == duration
    # the earliest such moment: a microsecond earlier is a microsecond short
    if duration:
        tick = timedelta(microseconds=1)
        assert _BERLIN_MALL.between(start, end - tick) == duration - tick


@settings(max_examples=300, deadline=None)
@given(start=_MOMENTS, span=_DURATIONS)
def test_add_of_between_comes_back_no_later(start, span):
    end = start + span
    worked = _BERLIN_MALL.between(start, end)
    back = _BERLIN_MALL.add(start, worked)
    assert back <= end
    assert _BERLIN_MALL.between(back, end) == timedelta(0)
    assert sum((b - a for a, b in _BERLIN_MALL.windows(start, end)), timedelta(0)) == worked
