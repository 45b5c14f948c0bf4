"""SLA timers derived from a ticket's history: pure Python, no database (docs/sla.md).

The input is what happened to the ticket, oldest first (`Happening`: it was created, its status
moved into a category, an agent replied publicly), the targets of the policy that applies now and
the working time of its calendar (`tenant_apps.calendars.engine.WorkingTime`). The output is each
clock's due moment, warning moment, the moment it stopped and whether it is paused.

Rules:
- both clocks start when the ticket is created and only run while its status category is NEW or
  OPEN, and only in working time (`WorkingTime.between` / `add`): WAITING pauses them, and a
  pause over a weekend credits nothing because the weekend was never working time;
- the response clock stops for good at the first public reply by an agent (`reply`), or at the
  first move into RESOLVED, CLOSED or CANCELLED before any reply;
- the resolution clock stops when the ticket enters RESOLVED, CLOSED or CANCELLED and runs again
  when it is reopened (the time it spent stopped is not counted, as a pause);
- the targets are always those of the ticket's current priority and policy, applied to the whole
  history: a priority, policy or calendar change re-runs the history against the new targets,
  so working time already consumed stays consumed and paused time stays excluded.

`due_at` is the moment the clock's running working time reaches the target (for a clock that
stopped in time: the moment it would have been due, had it kept running); it is None while the
clock is paused before reaching it. `warning_at` is the same for `warning_percent` of the target.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

RUNNING_CATEGORIES = frozenset({"new", "open"})
PAUSED_CATEGORIES = frozenset({"waiting"})
STOPPED_CATEGORIES = frozenset({"resolved", "closed", "cancelled"})

RESPONSE = "response"
RESOLUTION = "resolution"
TARGETS = (RESPONSE, RESOLUTION)

# clock states (the payload's `state`; `met` late is `breached` with met_at set)
RUNNING, PAUSED, MET, WARNING, BREACHED = "running", "paused", "met", "warning", "breached"
STATES = (RUNNING, PAUSED, MET, WARNING, BREACHED)


@dataclass(frozen=True)
class Happening:
    """One moment of the ticket's history the timers read."""

    at: datetime
    category: str | None = None  # the status category the ticket entered (creation: its first)
    reply: bool = False  # a public reply by an agent (not the requester, not an internal note)
    priority: int | None = None  # the priority became this


@dataclass(frozen=True)
class Target:
    response_minutes: int | None = None
    resolution_minutes: int | None = None

    def minutes(self, which: str) -> int | None:
        return self.response_minutes if which == RESPONSE else self.resolution_minutes


@dataclass(frozen=True)
class Clock:
    target_minutes: int
    due_at: datetime | None
    warning_at: datetime | None
    met_at: datetime | None  # stopped (reply, resolution); None while running or paused
    paused: bool
    consumed: timedelta  # working time consumed up to the last happening (to met_at if stopped)
    remaining: timedelta  # target - consumed, at the last happening (negative: late)

    def state(self, now: datetime) -> str:
        """running | paused | met | warning | breached, at `now`."""
        if self.met_at is not None:
            return BREACHED if self.due_at is not None and self.met_at > self.due_at else MET
        if self.paused:
            return BREACHED if self.due_at is not None else PAUSED
        if self.due_at is not None and now >= self.due_at:
            return BREACHED
        if self.warning_at is not None and now >= self.warning_at:
            return WARNING
        return RUNNING

    def remaining_seconds(self, now: datetime) -> int:
        """Paused or stopped: the working time left when it stopped; running: until due_at."""
        if self.met_at is None and not self.paused and self.due_at is not None:
            return int((self.due_at - now).total_seconds())
        return int(self.remaining.total_seconds())


@dataclass(frozen=True)
class Timers:
    priority: int | None
    paused: bool
    response: Clock | None  # None: the policy has no response target for the priority
    resolution: Clock | None
    moments: tuple[tuple[str, str, datetime], ...] = field(default=())  # (threshold, target, at)

    def clock(self, which: str) -> Clock | None:
        return self.response if which == RESPONSE else self.resolution


def _intervals(history: Sequence[Happening], which: str) -> tuple[list[list], datetime | None, bool]:
    """The clock's running intervals ([start, end], end None while it runs), the moment it
    stopped (None: it has not, or it was reopened), and whether it is paused now."""
    intervals: list[list] = []
    category = None
    met_at = None
    for h in history:
        was_running = category in RUNNING_CATEGORIES and met_at is None
        if h.category is not None:
            category = h.category
        if which == RESPONSE:
            if met_at is None and (h.reply or category in STOPPED_CATEGORIES):
                met_at = h.at  # for good: the first reply (or resolution) answers the request
        elif category in STOPPED_CATEGORIES:
            met_at = met_at or h.at
        elif h.category is not None:
            met_at = None  # reopened: the clock runs (or waits) again
        running = category in RUNNING_CATEGORIES and met_at is None
        if was_running and not running:
            intervals[-1][1] = h.at
        elif running and not was_running:
            intervals.append([h.at, None])
    paused = met_at is None and category in PAUSED_CATEGORIES
    return intervals, met_at, paused


def _clock(history: Sequence[Happening], which: str, minutes: int, warning_percent: int, wt) -> Clock:
    intervals, met_at, paused = _intervals(history, which)
    target = timedelta(minutes=minutes)
    warn = target * warning_percent / 100
    consumed = timedelta(0)
    due_at = warning_at = None
    for i, (start, end) in enumerate(intervals):
        last = i == len(intervals) - 1
        # the last interval of a clock that stopped (not paused) projects the due moment on
        open_end = end is None or (last and not paused)
        if warning_at is None:
            w = wt.add(start, warn - consumed) if warn > consumed else start
            if open_end or w <= end:
                warning_at = w
        if due_at is None:
            d = wt.add(start, target - consumed) if target > consumed else start
            if open_end or d <= end:
                due_at = d
        if end is not None:
            consumed += wt.between(start, end)
    return Clock(
        target_minutes=minutes,
        due_at=due_at,
        warning_at=warning_at,
        met_at=met_at,
        paused=paused,
        consumed=consumed,
        remaining=target - consumed,
    )


def compute(
    history: Iterable[Happening],
    targets: Mapping[int, Target],
    wt,
    *,
    warning_percent: int = 80,
    priority: int | None = None,
) -> Timers:
    """The ticket's SLA clocks from its history (oldest first) under `targets` (priority ->
    Target) and the calendar's working time `wt`. `priority`: the ticket's priority now (default:
    the last one the history names)."""
    history = sorted(history, key=lambda h: h.at)
    if priority is None:
        for h in history:
            if h.priority is not None:
                priority = h.priority
    target = targets.get(priority) if priority is not None else None
    clocks: dict[str, Clock | None] = {}
    for which in TARGETS:
        minutes = target.minutes(which) if target is not None else None
        clocks[which] = (
            _clock(history, which, minutes, warning_percent, wt) if minutes is not None and history else None
        )
    paused = bool(history) and _category_now(history) in PAUSED_CATEGORIES
    moments = []
    for which in TARGETS:
        c = clocks[which]
        if c is None or c.met_at is not None or c.paused:
            continue
        if c.warning_at is not None:
            moments.append(("warning", which, c.warning_at))
        if c.due_at is not None:
            moments.append(("breach", which, c.due_at))
    return Timers(
        priority=priority,
        paused=paused,
        response=clocks[RESPONSE],
        resolution=clocks[RESOLUTION],
        moments=tuple(sorted(moments, key=lambda m: m[2])),
    )


def _category_now(history: Sequence[Happening]) -> str | None:
    category = None
    for h in history:
        if h.category is not None:
            category = h.category
    return category
