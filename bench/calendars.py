"""The working-time engine at SLA scale: N tickets' due moments (`WorkingTime.add`) and elapsed
working time (`between`) on a Monday-Friday 09-13 + 14-18 Moscow calendar with the RU production
calendar (2026-2028 from the `holidays` package), and on a 24x7 Europe/Berlin calendar (DST).
Pure Python, no database; prints figures, never asserts a time.

    ./dev bench calendars [--tickets 10000] [--max-days 21]

Each ticket starts at a random moment of 2026-2027 and needs a random 1 minute .. `--max-days`
days of working time (`add`), then the working time from its start to a random later moment is
counted (`between`). "cold" is a fresh WorkingTime (no per-day cache), "warm" the same instance
again (what the SLA recompute gets from `selectors.working_time` within one process).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tenant_apps.calendars.engine import WorkingTime, always  # noqa: E402


def mall_hours() -> WorkingTime:
    import holidays

    day = ((time(9), time(13)), (time(14), time(18)))
    table = holidays.country_holidays("RU", years=[2026, 2027, 2028])
    overrides = {d: () for d in table}
    overrides.update({d: day for d in table.weekend_workdays})
    return WorkingTime(zone=ZoneInfo("Europe/Moscow"), weekly={d: day for d in range(5)}, overrides=overrides)


def run(name: str, make, tickets: int, max_days: int) -> None:
    rng = random.Random(19)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    cases = [
        (
            base + timedelta(seconds=rng.randrange(2 * 365 * 86400)),
            timedelta(minutes=rng.randrange(1, max_days * 24 * 60)),
            timedelta(minutes=rng.randrange(1, 60 * 24 * 60)),
        )
        for _ in range(tickets)
    ]
    wt = make()
    for label in ("cold", "warm"):
        per_add, per_between = [], []
        started = clock.perf_counter()
        for start, need, span in cases:
            t0 = clock.perf_counter()
            wt.add(start, need)
            t1 = clock.perf_counter()
            wt.between(start, start + span)
            per_add.append(t1 - t0)
            per_between.append(clock.perf_counter() - t1)
        total = clock.perf_counter() - started
        q = statistics.quantiles
        print(
            f"{name:<22} {label}: {tickets} tickets in {total:.3f} s; "
            f"add p50 {q(per_add, n=100)[49] * 1e6:.0f} us p95 {q(per_add, n=100)[94] * 1e6:.0f} us; "
            f"between p50 {q(per_between, n=100)[49] * 1e6:.0f} us p95 {q(per_between, n=100)[94] * 1e6:.0f} us",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--max-days", type=int, default=21)
    args = parser.parse_args()
    t0 = clock.perf_counter()
    mall_hours()
    print(
        f"building the RU mall-hours WorkingTime (holidays package, 3 years): {clock.perf_counter() - t0:.3f} s"
    )
    run("mall hours (RU, MSK)", mall_hours, args.tickets, args.max_days)
    run("24x7 (Europe/Berlin)", lambda: always("Europe/Berlin"), args.tickets, args.max_days)


if __name__ == "__main__":
    main()
