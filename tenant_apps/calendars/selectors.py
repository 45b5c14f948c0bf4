"""Reads of business calendars (docs/calendars.md).

`working_time(calendar_id=None)` is what the SLA app and planned maintenance ask: the calendar's
`engine.WorkingTime` (None: the account's default calendar). It is built from the calendar's rows
plus, when the calendar names a country, that country's public holidays from the `holidays`
package for the years `this year - 1 .. this year + 2` (HOLIDAY_YEARS; the admin's own overrides
are taken whatever their date, and win over imported days). Beyond that span only the week and the
admin's overrides apply.

Cache: calendars are configuration. Their tables carry the desk's configuration-version trigger
(migration 0002), so a committed change replaces the version token and the next read builds a new
WorkingTime; the built one lives in the desk's per-process snapshot for the current token
(tenant_apps.desk.configcache). A call costs one primary-key read of the token, and nothing at all
inside `configcache.scope()` (recomputing thousands of tickets: open a scope around the loop).
The WorkingTime itself keeps its per-day windows, so the same days are never computed twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from kernel.errors import NotFound
from kernel.tenancy import current_account

from tenant_apps.desk import configcache

from . import clock
from .engine import END_OF_DAY, WorkingTime, always
from .models import BusinessCalendar, CalendarOverride, OverrideKind

HOLIDAY_YEARS = (-1, 2)  # imported public holidays: this year - 1 .. this year + 2
FULL_DAY = ((time(0, 0), END_OF_DAY),)

Intervals = tuple[tuple[time, time], ...]


@dataclass(frozen=True)
class Day:
    """One day of a calendar as the days endpoint shows it."""

    day: date
    intervals: Intervals
    source: str  # "week" | "holidays" | "override"
    note: str = ""

    @property
    def working(self) -> bool:
        return bool(self.intervals)


# ---------------------------------------------------------------------------- zones
def account_zone_name() -> str:
    name = getattr(current_account(), "time_zone", None) or "UTC"
    return name if name in _zones() else "UTC"


_ZONES: frozenset[str] | None = None


def _zones() -> frozenset[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def is_zone(name: str) -> bool:
    return name in _zones()


def zone_name(calendar: BusinessCalendar, account_zone: str | None = None) -> str:
    """The calendar's own zone, or the account's when it follows the account ("")."""
    return calendar.time_zone or account_zone or account_zone_name()


# ---------------------------------------------------------------------------- lists
def calendars():
    return BusinessCalendar.objects.prefetch_related("intervals").order_by("-is_default", "name", "id")


def calendar(pk) -> BusinessCalendar:
    found = calendars().filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


def default_calendar() -> BusinessCalendar | None:
    return calendars().filter(is_default=True).first()


def override(calendar_obj: BusinessCalendar, pk) -> CalendarOverride:
    found = calendar_obj.overrides.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------------------- the week and its days
def week(calendar_obj: BusinessCalendar) -> dict[int, Intervals]:
    """Weekday -> intervals (ends of 24:00 as 00:00, as stored); every day 00-24 when 24x7."""
    if calendar_obj.is_24x7:
        return {d: ((time(0, 0), time(0, 0)),) for d in range(7)}
    out: dict[int, list] = {}
    for row in calendar_obj.intervals.all():
        out.setdefault(row.weekday, []).append((row.start, row.end))
    return {d: tuple(sorted(v)) for d, v in out.items()}


def normal_day(week_map: dict[int, Intervals]) -> Intervals:
    """The intervals a transferred working day gets (and a "working" override without its own):
    those of the calendar's first working weekday (Monday's, for a Monday-to-Friday week)."""
    for weekday in range(7):
        if week_map.get(weekday):
            return week_map[weekday]
    return ()


def _holiday_language() -> str:
    return "ru" if (get_language() or "").startswith("ru") else "en_US"


def imported_days(country: str, years, week_map: dict[int, Intervals], *, names: bool = False) -> dict:
    """day -> Day(source="holidays") from the `holidays` package: its holidays are days off, its
    working weekend days (a Saturday worked for a transferred day off) get `normal_day`'s
    intervals unless the week already works that weekday."""
    if not country:
        return {}
    import holidays

    table = holidays.country_holidays(
        country, years=list(years), language=_holiday_language() if names else None
    )
    base = normal_day(week_map)
    out: dict[date, Day] = {}
    for day, name in table.items():
        out[day] = Day(day, (), "holidays", str(name) if names else "")
    for day in getattr(table, "weekend_workdays", ()):
        if day in out or week_map.get(day.weekday()):
            continue
        out[day] = Day(day, base, "holidays", _("Working day (transferred day off)") if names else "")
    return out


def override_intervals(row: CalendarOverride, base: Intervals) -> Intervals:
    if row.kind == OverrideKind.HOLIDAY:
        return ()
    pairs = tuple((clock.parse(a), clock.parse(b, end=True)) for a, b in (row.intervals or []))
    if row.kind == OverrideKind.WORKING and not pairs:
        return base
    return pairs


def days(calendar_obj: BusinessCalendar, start: date, end: date) -> list[Day]:
    """Each day of [start, end] (inclusive): its intervals and where they come from."""
    week_map = week(calendar_obj)
    base = normal_day(week_map)
    years = range(start.year, end.year + 1)
    special = imported_days(calendar_obj.holidays_country, years, week_map, names=True)
    for row in calendar_obj.overrides.filter(day__gte=start, day__lte=end):
        special[row.day] = Day(row.day, override_intervals(row, base), "override", row.note)
    out = []
    day = start
    while day <= end:
        out.append(special.get(day) or Day(day, week_map.get(day.weekday(), ()), "week"))
        day += timedelta(days=1)
    return out


# ---------------------------------------------------------------------------- the engine
def build_working_time(calendar_obj: BusinessCalendar, *, account_zone: str, year: int) -> WorkingTime:
    week_map = week(calendar_obj)
    base = normal_day(week_map)
    years = range(year + HOLIDAY_YEARS[0], year + HOLIDAY_YEARS[1] + 1)
    overrides = {
        day: entry.intervals
        for day, entry in imported_days(calendar_obj.holidays_country, years, week_map).items()
    }
    for row in calendar_obj.overrides.all():
        overrides[row.day] = override_intervals(row, base)
    return WorkingTime(
        zone=ZoneInfo(zone_name(calendar_obj, account_zone)), weekly=week_map, overrides=overrides
    )


def working_time(calendar_id: int | None = None) -> WorkingTime:
    """The working time of a calendar of the current account (None: its default calendar).
    Raises NotFound for an id that is not one of its calendars."""
    account_zone = account_zone_name()
    year = timezone.now().year
    snapshot = configcache.current()

    def load() -> WorkingTime:
        found = (
            BusinessCalendar.objects.filter(is_default=True).first()
            if calendar_id is None
            else BusinessCalendar.objects.filter(pk=calendar_id).first()
        )
        if found is None:
            if calendar_id is None:  # an account without a default: around the clock
                return always(account_zone)
            raise NotFound()
        found = calendars().get(pk=found.pk)
        return build_working_time(found, account_zone=account_zone, year=year)

    return snapshot.get(("calendars.working_time", calendar_id, account_zone, year), load)
