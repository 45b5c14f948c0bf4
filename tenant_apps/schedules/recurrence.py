"""When a schedule's occurrences fall: pure functions of the schedule and the account's time zone.

Times recur on the account's wall clock (09:00 stays 09:00 across a DST change): the grid is
computed on naive local times and each one is then placed in the zone.

Working days: the account's default business calendar decides (tenant_apps/calendars: its week,
its public holidays and transferred working days, the admin's overrides). The callers pass its
`WorkingTime.is_working_day` to `apply_holidays` (services.working_day()), so this module stays
pure; `is_working_day` (weekends only) is the default for a caller that has no calendar
(docs/schedules.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr

from .models import HolidaysRule, PeriodUnit

MAX_SHIFT_DAYS = 14  # a holidays move never goes further than this (a long holiday run)


@dataclass(frozen=True)
class Slot:
    due_at: datetime  # nominal, on the grid (aware, UTC-comparable)
    planned_at: datetime | None  # after the holidays rule; None: skipped


def is_working_day(day: date) -> bool:
    """Monday to Friday: the rule when no calendar is given."""
    return day.weekday() < 5


def _aware(local: datetime, tz: ZoneInfo) -> datetime:
    return local.replace(tzinfo=tz)


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.astimezone(tz).replace(tzinfo=None)


def parse_rrule(text: str, dtstart: datetime):
    """An RFC 5545 RRULE ("FREQ=MONTHLY;BYDAY=1MO"), with or without the "RRULE:" prefix.
    Raises ValueError when it is not one."""
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    if not text or "DTSTART" in text.upper():
        raise ValueError("empty rule or DTSTART in it")
    rule = rrulestr(text, dtstart=dtstart)
    if not hasattr(rule, "_freq"):
        raise ValueError("not a single rule")
    return rule


def nominal_times(schedule, tz: ZoneInfo, *, after: datetime | None = None) -> Iterator[datetime]:
    """The schedule's grid from its first occurrence (or strictly after `after`), ascending, aware,
    ending at `ends_on` (inclusive, local date). Endless without an end: take what you need."""
    first = _local(schedule.first_at, tz)
    after_local = _local(after, tz) if after is not None else None
    ends = schedule.ends_on
    if schedule.period_unit == PeriodUnit.RRULE:
        rule = parse_rrule(schedule.rrule, first)
        source = iter(rule.xafter(after_local, inc=False) if after_local else rule)
    else:
        source = _steps(schedule, first, after_local)
    for local in source:
        if ends is not None and local.date() > ends:
            return
        yield _aware(local, tz)


def _steps(schedule, first: datetime, after_local: datetime | None) -> Iterator[datetime]:
    interval = max(int(schedule.interval or 1), 1)
    n = 0
    if after_local is not None and schedule.period_unit != PeriodUnit.MONTHS and after_local > first:
        step_days = interval * (7 if schedule.period_unit == PeriodUnit.WEEKS else 1)
        n = max((after_local - first).days // step_days - 1, 0)
    while True:
        if schedule.period_unit == PeriodUnit.MONTHS:
            local = first + relativedelta(months=n * interval)  # the 31st is the month's last day
        elif schedule.period_unit == PeriodUnit.WEEKS:
            local = first + timedelta(weeks=n * interval)
        else:
            local = first + timedelta(days=n * interval)
        n += 1
        if after_local is None or local > after_local:
            yield local


def next_after_completion(schedule, tz: ZoneInfo, completed_at: datetime) -> datetime | None:
    """From-completion mode: the next occurrence one period after the day the last one was done,
    at the schedule's time of day (an rrule: its first occurrence after that moment)."""
    first = _local(schedule.first_at, tz)
    done = _local(completed_at, tz)
    if schedule.period_unit == PeriodUnit.RRULE:
        found = parse_rrule(schedule.rrule, first).after(done, inc=False)
        local = found
    else:
        interval = max(int(schedule.interval or 1), 1)
        base = datetime.combine(done.date(), first.time())
        if schedule.period_unit == PeriodUnit.MONTHS:
            local = base + relativedelta(months=interval)
        elif schedule.period_unit == PeriodUnit.WEEKS:
            local = base + timedelta(weeks=interval)
        else:
            local = base + timedelta(days=interval)
    if local is None or (schedule.ends_on is not None and local.date() > schedule.ends_on):
        return None
    return _aware(local, tz)


def apply_holidays(
    schedule, due_at: datetime, tz: ZoneInfo, working_day: Callable[[date], bool] = is_working_day
) -> Slot:
    """The holidays rule: keep, skip, or move to the previous / next working day (same time).
    `working_day(local date)`: the account's default calendar's (services.working_day())."""
    local = _local(due_at, tz)
    rule = schedule.holidays
    if rule == HolidaysRule.KEEP or working_day(local.date()):
        return Slot(due_at, due_at)
    if rule == HolidaysRule.SKIP:
        return Slot(due_at, None)
    step = timedelta(days=-1 if rule == HolidaysRule.PREVIOUS else 1)
    moved = local
    for _ in range(MAX_SHIFT_DAYS):
        moved += step
        if working_day(moved.date()):
            return Slot(due_at, _aware(moved, tz))
    return Slot(due_at, None)


def create_from(schedule, planned_at: datetime) -> datetime:
    """The moment an occurrence's ticket is filed: `lead_days` before it is planned."""
    return planned_at - timedelta(days=int(schedule.lead_days or 0))
