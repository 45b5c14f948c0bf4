"""SLA at scale: the breaching-soon queue over HTTP and the recompute after a calendar edit.

    ./dev bench sla [--tickets 100000] [--recompute 10000] [--requests 200] [--reuse]

One mall_operator account with --tickets tickets (comments and events: bench/_desk_seed.py,
set-based SQL) and the demo's SLA policy. Every ticket gets its `TicketSla` row set-based too (one
INSERT ... SELECT): open tickets have running timers spread from 3 days late to 5 days ahead, a
share answered or waiting, closed ones stopped. daphne serves the account on 127.0.0.1 and a
client process (keep-alive, Token auth, the dispatcher) times:

  breaching  GET /api/v1/tickets/?sla_breaching_within=60&page_size=50   (target p95 <= 60 ms)
  sla_due    GET /api/v1/tickets/?is_open=true&ordering=sla_due&page_size=50
  breached   GET /api/v1/tickets/?sla_state=breached&page_size=50
  baseline   GET /api/v1/tickets/?is_open=true&page_size=50              (the same page, no SLA filter)

Then the policy's calendar is edited (office hours instead of 24x7, through the calendars
service) and --recompute open tickets are recomputed from their histories with the task's code
(`sla.services.recompute_chunks`: chunks of 500, one query for a chunk's tickets, one for all their
events, one upsert): time and tickets/s. In-process: EXPLAIN of the breaching query. Prints
figures, never asserts. --reuse keeps the seeded database of an earlier run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

from _setup import database_exists, percentile, setup_django, summary

DB_NAME = "atrium_bench_sla"
SLUG = "bench-sla"
TARGET_MS = 60.0


def _saved(tickets: int) -> Path:
    return Path(tempfile.gettempdir()) / f"{DB_NAME}-{tickets}.json"


def seed(tickets: int, reuse: bool):
    saved = _saved(tickets)
    if reuse and saved.exists() and database_exists(DB_NAME):
        data = json.loads(saved.read_text())
        setup_django(DB_NAME, reuse=True)
        from tenants_shared.accounts.models import Account

        print(f"reusing the seeded database {DB_NAME} ({tickets:,} tickets)")
        return SimpleNamespace(account=Account.objects.get(slug=SLUG), host=data["host"]), data["directory"]
    setup_django(DB_NAME)
    from desk_api import seed_account

    from tenants_shared.accounts.template import ensure_template

    ensure_template()
    made, directory = seed_account(SLUG, tickets)
    saved.write_text(json.dumps({"host": made.host, "directory": directory}))
    return made, directory


SLA_ROWS_SQL = """
INSERT INTO sla_ticketsla (ticket_id, policy_id, calendar_id, priority, response_due_at,
    response_warning_at, response_met_at, resolution_due_at, resolution_warning_at, resolved_at,
    paused, next_due_at, states, fired, computed_at)
SELECT t.id, %(policy)s, NULL, t.priority, x.response_due,
       CASE WHEN x.answered OR x.paused THEN NULL ELSE x.response_due - interval '12 minutes' END,
       CASE WHEN x.answered THEN x.response_due - interval '20 minutes' END,
       x.resolution_due,
       CASE WHEN x.paused OR NOT t.is_open THEN NULL ELSE x.resolution_due - interval '2 hours' END,
       CASE WHEN NOT t.is_open THEN x.resolution_due - interval '1 hour' END,
       x.paused,
       CASE WHEN x.paused OR NOT t.is_open THEN NULL
            ELSE LEAST(CASE WHEN NOT x.answered THEN x.response_due - interval '12 minutes' END,
                       x.resolution_due - interval '2 hours') END,
       '{"response": {"minutes": 60, "remaining": 0}, "resolution": {"minutes": 480, "remaining": 0}}'::jsonb,
       ARRAY[]::varchar[], now()
  FROM desk_ticket t
  CROSS JOIN LATERAL (
      -- t.id keeps the subquery correlated: evaluated per ticket, not once
      SELECT now() + (random() * 8 - 3 + 0 * t.id) * interval '1 day' AS resolution_due,
             now() + (random() * 8 - 3 + 0 * t.id) * interval '1 day' AS response_due,
             random() + 0 * t.id < 0.6 AS answered,
             t.category = 'waiting' AS paused
  ) x
"""


def seed_sla(schema: str) -> int:
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenant_apps.sla import services
    from tenant_apps.sla.models import TicketSla

    with schema_context(schema):
        policy = services.ensure_default_policy(name="Standard service levels")
        t0 = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("TRUNCATE sla_ticketsla")  # due times relative to this run's now
            cur.execute(SLA_ROWS_SQL, {"policy": policy.pk})
            cur.execute("VACUUM ANALYZE sla_ticketsla")
        n = TicketSla.objects.count()
        print(f"SLA rows: {n:,} in {time.perf_counter() - t0:.1f} s (one INSERT ... SELECT)", flush=True)
        return n


def explain(schema: str, label: str, build) -> None:
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenant_apps.desk import selectors
    from tenant_apps.people.models import User
    from tenant_apps.sla import selectors as sla

    with schema_context(schema):
        dispatcher = User.objects.filter(role="dispatcher").first()
        queryset = build(selectors.tickets_for(dispatcher), sla)
        sql, params = queryset[:51].query.sql_with_params()
        with connection.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            lines = [r[0] for r in cur.fetchall()]
    print(f"EXPLAIN {label} (in-process, the rows' query):")
    print("   ", lines[0].strip()[:170])
    for line in lines[1:]:
        node = line.strip().removeprefix("->").strip()
        if " Scan " in node or node.startswith(("Sort", "Bitmap", "BitmapOr", "Nested Loop", "Hash")):
            print("     ", node[:170])
    print("   ", "; ".join(ln.strip() for ln in lines if ln.startswith(("Planning Time", "Execution Time"))))


def recompute_after_calendar_edit(schema: str, count: int) -> None:
    from django.db import connection, transaction
    from django_tenants.utils import schema_context

    from tenant_apps.calendars.models import BusinessCalendar
    from tenant_apps.desk.models import Ticket
    from tenant_apps.sla import services
    from tenant_apps.sla.models import SlaPolicy

    with schema_context(schema):
        from tenants_shared.accounts.models import Account

        connection.tenant = Account.objects.get(schema_name=schema)
        office = BusinessCalendar.objects.filter(name="Bench office hours").first()
        if office is None:
            from tenant_apps.calendars.services import create_calendar

            office = create_calendar(
                actor=None,
                data={
                    "name": "Bench office hours",
                    "time_zone": "Europe/Moscow",
                    "holidays_country": "RU",
                    "is_default": False,
                    "week": [{"weekday": d, "start": "09:00", "end": "18:00"} for d in range(5)],
                },
            )
        with transaction.atomic():  # the policy counts in the office calendar from now on
            SlaPolicy.objects.update(calendar=office)
        # the open tickets first, then closed ones up to --recompute (the seed has ~5,300 open of
        # 100,000): the same chunked code the task runs (`recompute_chunks`), on more tickets
        open_ids = list(
            Ticket.objects.filter(is_open=True).order_by("id").values_list("id", flat=True)[:count]
        )
        more = Ticket.objects.filter(is_open=False).order_by("id").values_list("id", flat=True)
        ids = open_ids + list(more[: max(0, count - len(open_ids))])
        t0 = time.perf_counter()
        done = services.recompute_chunks(ids)
        seconds = time.perf_counter() - t0
        print(
            f"recompute after a calendar edit: {done:,} tickets ({len(open_ids):,} open) in {seconds:.1f} s "
            f"({done / max(seconds, 1e-9):,.0f} tickets/s; chunks of {services.CHUNK}: 3 queries each)"
        )
        with transaction.atomic():
            SlaPolicy.objects.update(calendar=None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--recompute", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    made, directory = seed(args.tickets, args.reuse)
    schema = made.account.schema_name
    seed_sla(schema)
    explain(
        schema,
        "breaching",
        lambda qs, sla: sla.breaching_within(qs, 60).order_by("-created_at", "-id"),
    )
    explain(
        schema,
        "sla_due",
        lambda qs, sla: sla.with_sla_due(qs.filter(is_open=True)).order_by("sla_due", "id"),
    )

    from desk_api import get_token, run_client, start_daphne, stop_daphne

    queries = (
        ("baseline ?is_open=true (no SLA filter)", {"is_open": "true", "page_size": 50}),
        ("breaching ?sla_breaching_within=60", {"sla_breaching_within": 60, "page_size": 50}),
        ("sla_due ?is_open&ordering=sla_due", {"is_open": "true", "ordering": "sla_due", "page_size": 50}),
        ("breached ?sla_state=breached", {"sla_state": "breached", "page_size": 50}),
    )

    log = Path(tempfile.gettempdir()) / "bench-sla-daphne.log"
    proc, base = start_daphne(log)
    try:
        token = get_token(base, made.host, directory["dispatcher_email"])
        plans = [
            {
                "label": label,
                "host": made.host,
                "token": token,
                "method": "GET",
                "path": "/api/v1/tickets/",
                "params": params,
                "warmup": 20,
                "count": args.requests,
                "expect": 200,
            }
            for label, params in queries
        ]
        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(1) as pool:
            results = pool.apply(run_client, (base, plans))
    finally:
        stop_daphne(proc)
    rows = results.pop("_first_page_rows", {})
    for label, result in results.items():
        times = result["times"]
        target = f" (target p95 <= {TARGET_MS:.0f} ms)" if label.startswith("breaching") else ""
        print(f"{summary(label, times)}; rows on the first page {rows.get(label)}{target}")
        if result["errors"]:
            print(f"    errors: {len(result['errors'])}, first: {result['errors'][0]}")
        if label.startswith("breaching"):
            print(f"    p95 {percentile(times, 95) * 1000:.1f} ms")
    in_process(made, directory, queries, args.requests // 2)
    recompute_after_calendar_edit(schema, args.recompute)


def in_process(made, directory: dict, queries, count: int) -> None:
    """The same lists through Django's test client in this process: the view's own cost, without
    the HTTP server and the socket (what HTTP adds is the difference)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tenant_apps.people.models import User

    client = Client()
    with __import__("django_tenants.utils", fromlist=["schema_context"]).schema_context(
        made.account.schema_name
    ):
        client.force_login(User.objects.get(email=directory["dispatcher_email"]))
    connection.set_schema_to_public()
    for label, params in queries:
        times = []
        for i in range(count + 10):
            t0 = time.perf_counter()
            if i == 10:
                with CaptureQueriesContext(connection) as seen:
                    client.get("/api/v1/tickets/", params, HTTP_HOST=made.host)
                n = len(seen.captured_queries)
            else:
                client.get("/api/v1/tickets/", params, HTTP_HOST=made.host)
            if i >= 10:
                times.append(time.perf_counter() - t0)
        print(f"{summary('in-process ' + label, times)}; {n} queries")


if __name__ == "__main__":
    main()
