"""The working-time engine at SLA scale: N tickets' due moments (`WorkingTime.add`) and elapsed
working time (`between`) on a Monday-Friday 09-13 + 14-18 Moscow calendar with the RU production
calendar (2026-2028 from the `holidays` package), and on a 24x7 Europe/Berlin calendar (DST).
Pure Python, no database; prints figures, never asserts a time.

    ./dev bench calendars [--tickets 10000] [--max-days 21] [--db]

Each ticket starts at a random moment of 2026-2027 and needs a random 1 minute .. `--max-days`
days of working time (`add`), then the working time from its start to a random later moment is
counted (`between`). "cold" is a fresh WorkingTime (no per-day cache), "warm" the same instance
again (what the SLA recompute gets from `selectors.working_time` within one process).

With --db: one account on a database of its own (atrium_bench_calendars); the cost of
`selectors.working_time(id)` called once per ticket, outside and inside `configcache.scope()`, and
of the first call after a change (a rebuild: rows plus the holidays package, three years).
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


def bench_selector(tickets: int) -> None:
    from _setup import setup_django

    setup_django("atrium_bench_calendars")
    from django_tenants.utils import tenant_context

    from tenant_apps.calendars import selectors, services
    from tenant_apps.desk import configcache
    from tenants_shared.accounts.services import provision_account

    account = provision_account(
        name="Bench calendars",
        slug="bench-calendars",
        kind="mall_operator",
        admin_name="Bench Admin",
        admin_email="admin@bench-calendars.example",
        admin_password="Bench-password-2026",
        language="en",
        time_zone="Europe/Moscow",
        send_welcome=False,
    ).account
    with tenant_context(account):
        week = [
            {"weekday": d, "start": a, "end": b}
            for d in range(5)
            for a, b in (("09:00", "13:00"), ("14:00", "18:00"))
        ]
        calendar = services.create_calendar(
            actor=None,
            data={"name": "Mall hours", "time_zone": "Europe/Moscow", "holidays_country": "RU", "week": week},
        )
        rebuilds = []
        for n in range(5):
            services.update_calendar(actor=None, calendar=calendar, data={"name": f"Mall hours {n}"})
            t0 = clock.perf_counter()
            selectors.working_time(calendar.pk)
            rebuilds.append(clock.perf_counter() - t0)
        print(
            f"working_time after a change (rebuild), 5 runs: {', '.join(f'{s * 1000:.1f}' for s in rebuilds)} ms"
        )
        t0 = clock.perf_counter()
        for _ in range(tickets):
            selectors.working_time(calendar.pk)
        outside = clock.perf_counter() - t0
        t0 = clock.perf_counter()
        with configcache.scope():
            for _ in range(tickets):
                selectors.working_time(calendar.pk)
        inside = clock.perf_counter() - t0
        print(
            f"working_time x {tickets}: outside a scope {outside:.3f} s ({outside / tickets * 1e6:.0f} us each: "
            f"the version token read), inside configcache.scope() {inside:.3f} s ({inside / tickets * 1e6:.1f} us each)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--max-days", type=int, default=21)
    parser.add_argument("--db", action="store_true", help="also time selectors.working_time on a database")
    args = parser.parse_args()
    t0 = clock.perf_counter()
    mall_hours()
    print(
        f"building the RU mall-hours WorkingTime (holidays package, 3 years): {clock.perf_counter() - t0:.3f} s"
    )
    run("mall hours (RU, MSK)", mall_hours, args.tickets, args.max_days)
    run("24x7 (Europe/Berlin)", lambda: always("Europe/Berlin"), args.tickets, args.max_days)
    if args.db:
        bench_selector(args.tickets)


if __name__ == "__main__":
    main()
