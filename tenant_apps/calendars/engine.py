"""Working time of a business calendar: pure Python, no database (docs/calendars.md).

A `WorkingTime` is a week of wall-clock working intervals in one time zone plus per-day
overrides. It answers: which intervals does a day have, is it a working day, which real
windows of working time lie between two moments, how much working time is between them,
and which moment comes `duration` of working time after a start.

Semantics:

- Intervals are local wall-clock times `(start, end)`, `start < end`, sorted, not overlapping.
  An interval ending at 24:00 is written with `END_OF_DAY` (`time.max`); an end of
  `time(0, 0)` is read as 24:00 too (it cannot be an end of the same day). Either way it ends
  exactly at the next day's local 00:00, not at 23:59:59.999999.
- DST: intervals stay on the wall clock. A 09:00-18:00 day is 9 real hours on a DST change
  day too; a 00:00-24:00 day has 23 or 25 real hours then. A wall time that does not exist
  (in the spring gap) is placed at the instant of the change; a wall time that occurs twice
  (autumn) is its first occurrence (fold=0).
- `overrides[day]` replaces that day's weekly intervals; `()` makes it a day off.
- Inputs may be in any zone (aware datetimes only); outputs are in the calendar's zone.
- `windows` yields working windows clipped to `[start, end)`, adjacent ones joined
  (a 24x7 week is one window).
- `add(start, d)` is the earliest moment `t >= start` with `between(start, t) == d`: adding zero
  gives `start` itself, and landing exactly on an interval's end gives that end (not the next
  start). It walks day by day on per-day totals; after `SEARCH_DAYS` consecutive days without
  working time it raises ValueError (a calendar with no working day at all).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

END_OF_DAY = time.max  # an interval's end at 24:00 (the next day's 00:00)
SEARCH_DAYS = 732  # add() gives up after this many consecutive days without working time
_DAY_CACHE_LIMIT = 50_000  # per-instance cache of per-day windows; cleared when it grows past this
_ZERO = timedelta(0)

Interval = tuple[time, time]


def _normalise(intervals, where: str) -> tuple[Interval, ...]:
    out = []
    for pair in intervals:
        start, end = pair
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValueError(f"{where}: intervals are pairs of datetime.time")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{where}: interval times are wall-clock times (no tzinfo)")
        if end == time(0, 0):
            end = END_OF_DAY
        if start == END_OF_DAY or not start < end:
            raise ValueError(f"{where}: an interval's start must be before its end")
        out.append((start, end))
    out.sort()
    for (_, prev_end), (start, _) in zip(out, out[1:], strict=False):
        if start < prev_end:
            raise ValueError(f"{where}: intervals overlap")
    return tuple(out)


def _aware(zone: ZoneInfo, day: date, wall: time) -> datetime:
    """The UTC instant of a wall-clock time on a local day (END_OF_DAY: the next day's 00:00)."""
    if wall == END_OF_DAY:
        day, wall = day + timedelta(days=1), time(0, 0)
    naive = datetime.combine(day, wall)
    moment = naive.replace(tzinfo=zone).astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) == naive:
        return moment
    # In the spring gap: the instant of the change lies between the two readings of the wall time.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = moment
    after = high.astimezone(zone).utcoffset()
    while high - low > timedelta(seconds=1):
        mid = low + (high - low) / 2
        if mid.astimezone(zone).utcoffset() == after:
            high = mid
        else:
            low = mid
    return high.replace(microsecond=0) if high.microsecond else high


def _utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)


@dataclass(frozen=True, eq=False)
class WorkingTime:
    zone: ZoneInfo
    weekly: Mapping[int, tuple[Interval, ...]]
    overrides: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    _days: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self):
        zone = self.zone if isinstance(self.zone, ZoneInfo) else ZoneInfo(str(self.zone))
        weekly = {}
        for weekday, intervals in dict(self.weekly).items():
            if weekday not in range(7):
                raise ValueError(f"weekday {weekday!r}: 0 (Monday) to 6 (Sunday)")
            weekly[weekday] = _normalise(intervals, f"weekday {weekday}")
        overrides = {
            day: _normalise(intervals, f"override {day}") for day, intervals in dict(self.overrides).items()
        }
        object.__setattr__(self, "zone", zone)
        object.__setattr__(self, "weekly", MappingProxyType(weekly))
        object.__setattr__(self, "overrides", MappingProxyType(overrides))

    # -- days ---------------------------------------------------------------------------------

    def intervals_on(self, day: date) -> tuple[Interval, ...]:
        found = self.overrides.get(day)
        if found is not None:
            return found
        return self.weekly.get(day.weekday(), ())

    def is_working_day(self, day: date) -> bool:
        return bool(self.intervals_on(day))

    def _day(self, day: date) -> tuple[tuple[tuple[datetime, datetime], ...], timedelta]:
        """A local day's working windows as UTC instants (real, non-empty) and their total."""
        cached = self._days.get(day)
        if cached is not None:
            return cached
        windows = []
        total = _ZERO
        for start, end in self.intervals_on(day):
            a, b = _aware(self.zone, day, start), _aware(self.zone, day, end)
            if b > a:
                windows.append((a, b))
                total += b - a
        if len(self._days) >= _DAY_CACHE_LIMIT:
            self._days.clear()
        found = self._days[day] = (tuple(windows), total)
        return found

    def _local_day(self, moment_utc: datetime) -> date:
        return moment_utc.astimezone(self.zone).date()

    # -- spans --------------------------------------------------------------------------------

    def _clipped(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        """UTC windows clipped to [start, end) (both UTC), in order, not joined."""
        day, last = self._local_day(start), self._local_day(end)
        one = timedelta(days=1)
        while day <= last:
            for a, b in self._day(day)[0]:
                a, b = max(a, start), min(b, end)
                if b > a:
                    yield a, b
            day += one

    def windows(self, start: datetime, end: datetime) -> Iterator[tuple[datetime, datetime]]:
        start, end = _utc(start, "start"), _utc(end, "end")
        pending = None
        for a, b in self._clipped(start, end):
            if pending is not None and pending[1] == a:
                pending = (pending[0], b)
                continue
            if pending is not None:
                yield pending[0].astimezone(self.zone), pending[1].astimezone(self.zone)
            pending = (a, b)
        if pending is not None:
            yield pending[0].astimezone(self.zone), pending[1].astimezone(self.zone)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in [start, end); zero when end <= start."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if end <= start:
            return _ZERO
        total = _ZERO
        day, last = self._local_day(start), self._local_day(end)
        one = timedelta(days=1)
        while day <= last:
            windows, day_total = self._day(day)
            if windows and windows[0][0] >= start and windows[-1][1] <= end:
                total += day_total
            else:
                for a, b in windows:
                    a, b = max(a, start), min(b, end)
                    if b > a:
                        total += b - a
            day += one
        return total

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment `duration` of working time after `start` (see the module doc)."""
        start = _utc(start, "start")
        if duration < _ZERO:
            raise ValueError("duration must not be negative")
        if duration == _ZERO:
            return start.astimezone(self.zone)
        remaining = duration
        day = self._local_day(start)
        one = timedelta(days=1)
        idle = 0
        while True:
            windows, day_total = self._day(day)
            if windows and windows[0][0] >= start and remaining > day_total:
                remaining -= day_total  # the whole day is after start: skip it on its total
                idle = 0
            elif windows:
                for a, b in windows:
                    a = max(a, start)
                    if b <= a:
                        continue
                    if remaining <= b - a:
                        return (a + remaining).astimezone(self.zone)
                    remaining -= b - a
                    idle = 0
            if not windows or windows[-1][1] <= start:
                idle += 1
                if idle > SEARCH_DAYS:
                    raise ValueError(f"no working time within {SEARCH_DAYS} days of {start.isoformat()}")
            day += one


def always(zone: str | ZoneInfo = "UTC") -> WorkingTime:
    """24x7: every day 00:00-24:00 in `zone` (23 or 25 real hours on DST change days)."""
    zone = zone if isinstance(zone, ZoneInfo) else ZoneInfo(zone)
    return WorkingTime(zone=zone, weekly={d: ((time(0, 0), END_OF_DAY),) for d in range(7)}, overrides={})
