"""When a pass lets its holder in: pure functions of the pass and an instant, in the account's zone.

Dates and daily hours are wall-clock values of the account's time zone. A daily window from 22:00
to 06:00 crosses midnight: it opens on each date from `valid_from` to `valid_until` and closes the
next morning, so 02:00 on the day after `valid_until` is still inside the last night. The window
opens at `daily_from` (inclusive) and closes at `daily_until` (exclusive); without daily hours a
pass is valid all day on every date of its range.

Verdict order: state first (not approved, rejected, revoked), then the whole range (not yet valid,
expired), then the daily hours (outside hours).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection

from .models import PassState, Reason

MIDNIGHT = time(0, 0)


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def account_zone() -> ZoneInfo:
    """The time zone of the account whose schema is active (UTC if it cannot be told)."""
    name = getattr(connection.tenant, "time_zone", None) if hasattr(connection, "tenant") else None
    if name is None:
        from kernel.tenancy import Account

        name = (
            Account.objects.filter(schema_name=connection.schema_name)
            .values_list("time_zone", flat=True)
            .first()
        )
    return zone(name or "UTC")


def crosses_midnight(daily_from: time | None, daily_until: time | None) -> bool:
    return daily_from is not None and daily_until is not None and daily_from > daily_until


@dataclass(frozen=True)
class Window:
    valid_from: date
    valid_until: date | None
    daily_from: time | None
    daily_until: time | None

    @classmethod
    def of(cls, p) -> Window:
        return cls(p.valid_from, p.valid_until, p.daily_from, p.daily_until)

    def first_moment(self) -> datetime:
        """The first local wall-clock moment the pass lets anyone in."""
        return datetime.combine(self.valid_from, self.daily_from or MIDNIGHT)

    def end(self) -> datetime | None:
        """The local moment after which the pass never lets anyone in again (exclusive)."""
        if self.valid_until is None:
            return None
        if self.daily_from is None:
            return datetime.combine(self.valid_until + timedelta(days=1), MIDNIGHT)
        if crosses_midnight(self.daily_from, self.daily_until):
            return datetime.combine(self.valid_until + timedelta(days=1), self.daily_until)
        return datetime.combine(self.valid_until, self.daily_until)

    def in_hours(self, local: datetime) -> bool:
        """Inside the daily hours at `local` (the range is checked separately)."""
        if self.daily_from is None:
            return True
        t = local.time()
        if crosses_midnight(self.daily_from, self.daily_until):
            if t >= self.daily_from:
                opened_on = local.date()
            elif t < self.daily_until:
                opened_on = local.date() - timedelta(days=1)  # last night's window
            else:
                return False
            return opened_on >= self.valid_from and (
                self.valid_until is None or opened_on <= self.valid_until
            )
        return self.daily_from <= t < self.daily_until

    def reason_at(self, local: datetime) -> str:
        if local < self.first_moment():
            return Reason.NOT_YET_VALID
        end = self.end()
        if end is not None and local >= end:
            return Reason.EXPIRED
        return Reason.VALID if self.in_hours(local) else Reason.OUTSIDE_HOURS


STATE_REASONS = {
    PassState.REQUESTED: Reason.NOT_APPROVED,
    PassState.REJECTED: Reason.REJECTED,
    PassState.REVOKED: Reason.REVOKED,
}


def local_now(at: datetime, tz: ZoneInfo) -> datetime:
    """`at` (aware) as a naive wall-clock time of `tz`."""
    return at.astimezone(tz).replace(tzinfo=None)


def reason_for(p, at: datetime, tz: ZoneInfo) -> str:
    """Why the pass does (Reason.VALID) or does not let its holder in at the instant `at`."""
    state_reason = STATE_REASONS.get(p.state)
    if state_reason is not None:
        return state_reason
    return Window.of(p).reason_at(local_now(at, tz))


def is_expired(p, at: datetime, tz: ZoneInfo) -> bool:
    end = Window.of(p).end()
    return end is not None and local_now(at, tz) >= end


def display_state(p, at: datetime, tz: ZoneInfo) -> str:
    """The state people see: an approved pass past its last moment shows as "expired"."""
    if p.state == PassState.APPROVED and is_expired(p, at, tz):
        return "expired"
    return p.state
