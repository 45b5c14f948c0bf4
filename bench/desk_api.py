"""Desk API at scale: a filtered, sorted page of 50 tickets and ticket creation, over real HTTP.

    ./dev bench desk_api [--tickets 100000] [--small 1000] [--requests 200] [--reuse]
                         [--servers daphne,uvicorn] [--workers 1] [--clients 16] [--seconds 10]

Two mall_operator accounts (1,000 and 100,000 tickets, with ~1 comment and ~3 events per ticket,
40 companies, 180 units, 20 agents, 200 requesters) are seeded with set-based SQL. daphne serves
them on 127.0.0.1; a separate client process (persistent keep-alive session, Token auth) times:

  list A   ?category=new&category=open&ordering=-created_at&page_size=50    (dispatcher)
  list B   ?group=<plumbing>&ordering=-updated_at&page_size=50              (dispatcher)
  list q   ?q=escalator&page_size=50                                        (dispatcher)
  create   POST /api/v1/tickets/ leak with a severity and a unit            (key user; routing runs)

Each server of --servers (daphne, uvicorn, granian) serves in turn, with the same client code; then
throughput: --clients concurrent keep-alive clients (4 client processes of threads) for --seconds
on the list and on create, with the web process count (--workers) stated.

Targets (issue 20, quiet 2-core machine): HTTP p95 <= 1.5x the in-process p50 of the same view (the
ratios are printed), /me/ <= 5 ms, list <= 25 ms (flat from 1k to 100k), create <= 20 ms, >= 300 list
requests/s. Prints figures, never pass/fail exits. In-process diagnostics: queries per request and
EXPLAIN (ANALYZE, BUFFERS) summaries. --reuse keeps the seeded database of an earlier run (the
seeding of 100,000 tickets takes minutes); `ATRIUM_ASGI_ONE_HOP=0` measures Django's default handler.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _desk_seed import PASSWORD, SEARCH_WORD, counts, seed_directory, seed_tickets
from _setup import ROOT, percentile, setup_django, summary

LIST_TARGET_MS = 25.0
CREATE_TARGET_MS = 20.0
ME_TARGET_MS = 5.0
RATIO_TARGET = 1.5
LIST_RPS_TARGET = 300.0
SERVERS = ("daphne", "uvicorn", "granian")
DB_NAME = "atrium_bench_desk"


# ---------------------------------------------------------------------------- client process
def run_client(base: str, plans: list[dict]) -> dict:
    """Runs in its own process: times each plan with one keep-alive session per plan. Only
    127.0.0.1 is ever contacted."""
    import requests

    assert base.startswith("http://127.0.0.1:")
    results: dict[str, dict] = {}
    for plan in plans:
        session = requests.Session()
        session.headers.update({"Host": plan["host"], "Authorization": f"Token {plan['token']}"})
        url = base + plan["path"]
        times: list[float] = []
        errors: list[str] = []
        for i in range(plan["warmup"] + plan["count"]):
            t0 = time.perf_counter()
            if plan["method"] == "GET":
                response = session.get(url, params=plan.get("params"), timeout=plan.get("timeout", 30))
            else:
                body = dict(plan["json"], title=f"{plan['json']['title']} #{i}")
                response = session.post(url, json=body, timeout=plan.get("timeout", 30))
            _ = response.content
            elapsed = time.perf_counter() - t0
            if response.status_code != plan["expect"]:
                errors.append(f"{response.status_code}: {response.text[:200]}")
            elif plan["method"] == "GET" and i == 0 and plan.get("rows", plan["path"] == "/api/v1/tickets/"):
                results.setdefault("_first_page_rows", {})[plan["label"]] = len(response.json()["results"])
            if i >= plan["warmup"]:
                times.append(elapsed)
        session.close()
        results[plan["label"]] = {"times": times, "errors": errors}
    return results


def _throughput_process(base: str, plan: dict, threads: int, seconds: float) -> tuple[int, list[str]]:
    """Runs in its own process: `threads` keep-alive sessions hitting one plan until the deadline."""
    import threading

    import requests

    assert base.startswith("http://127.0.0.1:")
    done = [0] * threads
    errors: list[str] = []
    deadline = time.monotonic() + seconds

    def loop(slot: int) -> None:
        session = requests.Session()
        session.headers.update({"Host": plan["host"], "Authorization": f"Token {plan['token']}"})
        url = base + plan["path"]
        i = 0
        while time.monotonic() < deadline:
            i += 1
            if plan["method"] == "GET":
                response = session.get(url, params=plan.get("params"), timeout=30)
            else:
                body = dict(plan["json"], title=f"{plan['json']['title']} t{slot}-{i}")
                response = session.post(url, json=body, timeout=30)
            _ = response.content
            if response.status_code == plan["expect"]:
                done[slot] += 1
            elif len(errors) < 5:
                errors.append(f"{response.status_code}: {response.text[:120]}")
        session.close()

    workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done), errors


def run_throughput(base: str, plan: dict, clients: int, seconds: float) -> tuple[float, list[str]]:
    """Requests/s of one plan at `clients` concurrent keep-alive clients (4 client processes)."""
    processes = min(4, clients)
    per = [clients // processes + (1 if n < clients % processes else 0) for n in range(processes)]
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(processes) as pool:
        t0 = time.perf_counter()
        results = pool.starmap(_throughput_process, [(base, plan, n, seconds) for n in per])
        elapsed = time.perf_counter() - t0
    total = sum(n for n, _ in results)
    return total / max(elapsed, seconds), [e for _, errs in results for e in errs]


# ---------------------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(server: str, port: int, workers: int = 1) -> list[str]:
    """The web process command of each HTTP server measured (the same ASGI application)."""
    bin_dir = Path(sys.executable).parent
    app = "atrium.asgi:application"
    if server == "daphne":
        return [str(bin_dir / "daphne"), "-b", "127.0.0.1", "-p", str(port), app]
    if server == "uvicorn":
        return [
            str(bin_dir / "uvicorn"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--loop", "uvloop", "--http", "httptools", "--lifespan", "off", "--no-access-log"),
            app,
        ]
    if server == "granian":
        return [
            str(bin_dir / "granian"),
            *("--interface", "asgi", "--host", "127.0.0.1", "--port", str(port)),
            *("--workers", str(workers), "--loop", "uvloop", "--no-ws"),
            app,
        ]
    raise ValueError(f"unknown server {server!r} (one of {', '.join(SERVERS)})")


def start_server(
    log_path: Path, server: str = "daphne", workers: int = 1, extra_env: dict | None = None
) -> tuple[subprocess.Popen, str]:
    import requests

    port = free_port()
    env = dict(os.environ)  # DATABASE_URL already points at the bench database (fresh_database)
    env.update(extra_env or {})
    env["ATRIUM_ACCOUNT_CACHE_SECONDS"] = "5"
    env["ATRIUM_REDIS_DB_OFFSET"] = "4"
    env.setdefault("ATRIUM_SIGNUP_RATE", "100000/hour")  # bench/provision.py signs up over HTTP
    paths = [str(ROOT / "platform"), str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    log = log_path.open("w")
    proc = subprocess.Popen(
        server_command(server, port, workers),
        env=env,
        cwd=str(ROOT),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            if requests.get(base + "/healthz", timeout=1).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{server} did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.2)


def start_daphne(log_path: Path) -> tuple[subprocess.Popen, str]:
    return start_server(log_path, "daphne")


def web_pids(proc: subprocess.Popen) -> list[int]:
    """The server process and its children (uvicorn/granian workers): what py-spy attaches to."""
    try:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
    except OSError:
        children = []
    return [proc.pid, *(int(c) for c in children)]


def stop_daphne(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def get_token(base: str, host: str, email: str) -> str:
    import requests

    response = requests.post(
        base + "/api/v1/auth/tokens/",
        json={"email": email, "password": PASSWORD},
        headers={"Host": host},
        timeout=30,
    )
    if response.status_code != 201:
        raise RuntimeError(f"token for {email}: {response.status_code} {response.text[:300]}")
    return response.json()["token"]


# ---------------------------------------------------------------------------- in-process diagnostics
def _plan_lines(sql: str) -> list[str]:
    """Top plan node, the scans of desk_ticket (which index), sorts, buffers, planning/execution."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        lines = [row[0] for row in cur.fetchall()]
    keep = ("Unique", "Sort", "Incremental Sort", "GroupAggregate", "HashAggregate", "Bitmap")
    picked = []
    for raw in lines[1:]:
        node = raw.strip().removeprefix("->").strip()
        if node.startswith("Sort Method"):
            continue
        if (" Scan " in node and ("desk_ticket" in node or "people_user " in node)) or node.startswith(keep):
            picked.append(node)
    planning = next((ln.strip() for ln in lines if ln.startswith("Planning Time")), "")
    execution = next((ln.strip() for ln in lines if ln.startswith("Execution Time")), "")
    buffers = next((ln.strip() for ln in lines if ln.strip().startswith("Buffers")), "")
    out = [f"top: {lines[0].strip()[:170]}"]
    out += [f"  {node[:170]}" for node in picked[:7]]
    out += [f"  {buffers}; {planning}; {execution}"]
    return out


WHAT_IF_LEAST_OPEN = """
SELECT u.id, (SELECT count(*) FROM desk_ticket t WHERE t.assignee_id = u.id AND t.is_open) AS open_count
  FROM people_user u JOIN people_responsibilitygroup_members m ON m.user_id = u.id
 WHERE m.responsibilitygroup_id = %s AND u.is_active AND u.blocked_at IS NULL
   AND u.role IN ('account_admin', 'dispatcher', 'engineer', 'guard', 'approver')
   AND (u.access_expires_at IS NULL OR u.access_expires_at > now())
 ORDER BY open_count, u.id LIMIT 1"""


def _timed(view, make_request, *, fresh: bool, n: int, rollback: bool = False):
    """Median ms of n in-process requests; fresh=True closes the DB connection first, as daphne
    effectively does (one new PostgreSQL session per request under ASGI), connect time included."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(n):
        if fresh:
            connection.close()
        request = make_request()
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            if rollback:
                with transaction.atomic():
                    response = view(request)
                    response.render()
                    transaction.set_rollback(True)
            else:
                response = view(request)
                response.render()
        times.append((time.perf_counter() - t0) * 1000)
        if response.status_code >= 300:
            raise RuntimeError(f"in-process request failed: {response.status_code} {response.content[:300]}")
    return percentile(times, 50), captured


def diagnose(schema: str, account, host: str, directory: dict, label: str) -> None:
    """In-process, same view code (no token auth, no HTTP): warm vs new-session cost, queries per
    request, EXPLAIN (ANALYZE, BUFFERS) of the main query, and two what-ifs that need no data change
    (list without the 8-way select_related/DISTINCT; least-open through the partial index).
    Returns the warm in-process p50 (ms) per label: "me", "list A", "list B", "list q", "create"."""
    import django_filters as df
    from django.db import connection
    from django_tenants.utils import schema_context
    from rest_framework.test import APIRequestFactory, force_authenticate

    from tenant_apps import permissions as perms
    from tenant_apps.desk.api.views import TicketFilter, TicketViewSet
    from tenant_apps.desk.models import Category, Ticket
    from tenant_apps.desk.selectors import LIST_RELATED
    from tenant_apps.people.models import User

    class NoDistinctFilter(TicketFilter):
        category = df.MultipleChoiceFilter(choices=Category.choices, distinct=False)

    class PrefetchTicketViewSet(TicketViewSet):  # what-if only: product code is unchanged
        filterset_class = NoDistinctFilter

        def get_queryset(self):
            return perms.visible_tickets(self.request.user, Ticket.objects.prefetch_related(*LIST_RELATED))

    from tenant_apps.people.api.views import MeView

    factory = APIRequestFactory()
    p50s: dict[str, float] = {}
    me_view = MeView.as_view()
    list_view = TicketViewSet.as_view({"get": "list"})
    what_if_view = PrefetchTicketViewSet.as_view({"get": "list"})
    create_view = TicketViewSet.as_view({"post": "create"})
    with schema_context(schema):
        connection.tenant = account
        dispatcher = User.objects.get(email=directory["dispatcher_email"])
        key_user = User.objects.get(email=directory["key_user_email"])

        def as_user(request, user):
            user.__dict__.pop("_atrium_group_ids", None)
            force_authenticate(request, user=user)
            return request

        def make_me():
            request = factory.get("/api/v1/me/", HTTP_HOST=host)
            request.tenant = account  # AccountMiddleware's
            return as_user(request, dispatcher)

        p50s["me"], captured = _timed(me_view, make_me, fresh=False, n=15)
        print(f"  [{label}] GET /me/: {len(captured)} queries, in-process p50 {p50s['me']:.1f} ms warm")

        lists = {
            "list A": {"category": ["new", "open"], "ordering": "-created_at", "page_size": 50},
            "list B": {"group": directory["plumbing_id"], "ordering": "-updated_at", "page_size": 50},
            "list q": {"q": SEARCH_WORD, "page_size": 50},
        }
        for name, params in lists.items():

            def make(params=params):
                return as_user(factory.get("/api/v1/tickets/", params, HTTP_HOST=host), dispatcher)

            warm, captured = _timed(list_view, make, fresh=False, n=7)
            p50s[name] = warm
            cold, _ = _timed(list_view, make, fresh=True, n=5)
            alt_warm, alt_captured = _timed(what_if_view, make, fresh=False, n=7)
            alt_cold, _ = _timed(what_if_view, make, fresh=True, n=5)
            main = max(
                (q for q in captured.captured_queries if 'FROM "desk_ticket"' in q["sql"]),
                key=lambda q: float(q["time"]),
            )
            print(
                f"  [{label}] {name}: {len(captured)} queries, in-process p50 {warm:.1f} ms warm / "
                f"{cold:.1f} ms on a new DB session; what-if prefetch_related + no DISTINCT: "
                f"{len(alt_captured)} queries, {alt_warm:.1f} ms warm / {alt_cold:.1f} ms new session"
            )
            for line in _plan_lines(main["sql"]):
                print(f"      {line}")

        def make_create():
            return as_user(
                factory.post(
                    "/api/v1/tickets/",
                    {
                        "type": "leak",
                        "title": "Diagnostic leak",
                        "fields": {"severity": "drip"},
                        "location": directory["unit_of_key_user"],
                    },
                    format="json",
                    HTTP_HOST=host,
                ),
                key_user,
            )

        warm, captured = _timed(create_view, make_create, fresh=False, n=5, rollback=True)
        p50s["create"] = warm
        cold, _ = _timed(create_view, make_create, fresh=True, n=5, rollback=True)
        total_db = sum(float(q["time"]) for q in captured.captured_queries) * 1000
        print(
            f"  [{label}] create (rolled back): {len(captured)} queries ({total_db:.1f} ms in SQL, last run), "
            f"in-process p50 {warm:.1f} ms warm / {cold:.1f} ms on a new DB session"
        )
        for q in sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]:
            print(f"      {float(q['time']) * 1000:6.1f} ms  {' '.join(q['sql'].split())[:140]}")
        routing_sql = next((q["sql"] for q in captured.captured_queries if '"open_count"' in q["sql"]), None)
        if routing_sql:
            print("      routing least_open (Count over assigned_tickets with FILTER):")
            for line in _plan_lines(routing_sql):
                print(f"        {line}")
            with connection.cursor() as cur:
                what_if = cur.mogrify(WHAT_IF_LEAST_OPEN, [directory["plumbing_id"]])
            what_if = what_if.decode() if isinstance(what_if, bytes) else what_if
            print(
                "      what-if least_open as a correlated count on the partial index desk_ticket_open_assignee:"
            )
            for line in _plan_lines(what_if):
                print(f"        {line}")
    connection.set_schema_to_public()
    return p50s


def pg_sessions() -> int:
    """Sessions ever opened on the bench database (pg_stat_database.sessions, PostgreSQL 14+)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_force_next_flush()")
        cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cur.fetchone()[0]


# ---------------------------------------------------------------------------- main
def seed_account(slug: str, tickets: int):
    from django.db import connection
    from django_tenants.utils import schema_context

    from tenants_shared.accounts.services import provision_account

    t0 = time.perf_counter()
    made = provision_account(
        name=f"Bench {slug}",
        slug=slug,
        kind="mall_operator",
        admin_name="Bench Admin",
        admin_email=f"admin@{slug}.example",
        admin_password=PASSWORD,
        send_welcome=False,
    )
    schema = made.account.schema_name
    with schema_context(schema):
        connection.tenant = made.account
        directory = seed_directory(schema)
        provisioned = time.perf_counter() - t0
        t1 = time.perf_counter()
        timings = seed_tickets(schema, directory, tickets)
        seeded = time.perf_counter() - t1
        sizes = counts(schema)
    connection.set_schema_to_public()
    print(
        f"seeded {slug}: account + directory {provisioned:.1f} s; {sizes['desk_ticket']} tickets, "
        f"{sizes['desk_comment']} comments, {sizes['desk_ticketevent']} events in {seeded:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in timings.items())}); "
        f"new+open {sizes['new_or_open']}, desk_ticket {sizes['desk_ticket_size']}",
        flush=True,
    )
    return made, directory


def plans_for(made, directory: dict, tokens: dict, count: int) -> list[dict]:
    host = made.host
    lists = [
        (
            "list A new+open -created_at",
            {"category": ["new", "open"], "ordering": "-created_at", "page_size": 50},
            count,
        ),
        (
            "list B group -updated_at",
            {"group": directory["plumbing_id"], "ordering": "-updated_at", "page_size": 50},
            count,
        ),
        (f"list q={SEARCH_WORD}", {"q": SEARCH_WORD, "page_size": 50}, max(count // 2, 1)),
    ]
    plans = [
        {
            "label": "GET /me/ (auth + routing floor)",
            "host": host,
            "token": tokens["dispatcher"],
            "method": "GET",
            "path": "/api/v1/me/",
            "warmup": 10,
            "count": max(count // 4, 1),
            "expect": 200,
        },
    ]
    plans += [
        {
            "label": label,
            "host": host,
            "token": tokens["dispatcher"],
            "method": "GET",
            "path": "/api/v1/tickets/",
            "params": params,
            "warmup": 20,
            "count": n,
            "expect": 200,
        }
        for label, params, n in lists
    ]
    plans.append(
        {
            "label": "create leak (key user)",
            "host": host,
            "token": tokens["key_user"],
            "method": "POST",
            "path": "/api/v1/tickets/",
            "warmup": 5,
            "count": count,
            "expect": 201,
            "json": {
                "type": "leak",
                "title": "Bench leak",
                "fields": {"severity": "drip"},
                "location": directory["unit_of_key_user"],
            },
        }
    )
    return plans


def _db_name(sizes: dict[str, int]) -> str:
    default = sizes == {"small": 1_000, "large": 100_000}
    return DB_NAME if default else f"{DB_NAME}_{sizes['large']}_{sizes['small']}"


def _directory_file(name: str) -> Path:
    return Path(tempfile.gettempdir()) / f"{name}-directory.json"


def seed_or_reuse(sizes: dict[str, int], reuse: bool) -> dict:
    """{key: (made, directory)}; with `reuse`, the accounts of an earlier run of the same sizes."""
    import json
    from types import SimpleNamespace

    from _setup import database_exists

    name = _db_name(sizes)
    saved = _directory_file(name)
    if reuse and saved.exists() and database_exists(name):
        data = json.loads(saved.read_text())
        if data.get("sizes") == sizes:
            setup_django(name, reuse=True)
            from tenants_shared.accounts.models import Account

            accounts = {}
            for key, entry in data["accounts"].items():
                account = Account.objects.get(slug=entry["slug"])
                accounts[key] = (SimpleNamespace(account=account, host=entry["host"]), entry["directory"])
            print(
                f"reusing the seeded database {name} ({', '.join(f'{n:,}' for n in sizes.values())} tickets)"
            )
            return accounts
    setup_django(name)
    from tenants_shared.accounts.template import ensure_template

    ensure_template()
    accounts = {key: seed_account(f"bench-desk-{n}", n) for key, n in sizes.items()}
    saved.write_text(
        json.dumps(
            {
                "sizes": sizes,
                "accounts": {
                    key: {"slug": made.account.slug, "host": made.host, "directory": directory}
                    for key, (made, directory) in accounts.items()
                },
            }
        )
    )
    return accounts


HANDLERS = {"one-hop": "1", "django": "0"}  # ATRIUM_ASGI_ONE_HOP (atrium/asgi.py)


def time_server(
    server: str, workers: int, accounts: dict, count: int, log_dir: Path, handler: str = "one-hop"
) -> dict:
    """Latency plans for every account over one server; {key: results, "_sessions", "_loads"}."""
    proc = None
    out: dict = {"_sessions": {}, "_loads": {}, "_tokens": {}}
    try:
        proc, base = start_server(
            log_dir / f"{server}-{handler}.log", server, workers, {"ATRIUM_ASGI_ONE_HOP": HANDLERS[handler]}
        )
        out["_base"] = base
        print(
            f"\n{server} on {base} ({workers} web process(es); log {log_dir / (server + '.log')})", flush=True
        )
        ctx = multiprocessing.get_context("spawn")
        for key in ("large", "small"):
            made, directory = accounts[key]
            tokens = {
                "dispatcher": get_token(base, made.host, directory["dispatcher_email"]),
                "key_user": get_token(base, made.host, directory["key_user_email"]),
            }
            out["_tokens"][key] = tokens
            plans = plans_for(made, directory, tokens, count)
            before = pg_sessions()
            load_before = os.getloadavg()[0]
            with ctx.Pool(1) as pool:
                out[key] = pool.apply(run_client, (base, plans))
            requests_made = sum(p["warmup"] + p["count"] for p in plans)
            out["_sessions"][key] = (pg_sessions() - before) / requests_made
            out["_loads"][key] = (load_before, os.getloadavg()[0])
    finally:
        stop_daphne(proc)
    return out


def _profile_top(raw: Path, top: int = 12) -> list[str]:
    """Top frames of a py-spy raw (collapsed) profile: by own samples and by inclusive samples."""
    own: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in raw.read_text().splitlines() if raw.exists() else []:
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            incl[frame] = incl.get(frame, 0) + n
    if not total:
        return ["(no samples)"]

    def short(frame: str) -> str:
        return frame.replace(str(ROOT) + "/", "").replace(".venv/lib/python3.11/site-packages/", "")[:150]

    keep = (
        "tenant_apps/",
        "tenants_shared/",
        "platform/",
        "billing/",
        "django/",
        "rest_framework/",
        "asgiref/",
    )
    out = [f"{total} samples; own time:"]
    out += [
        f"  {n * 100 / total:5.1f}%  {short(f)}" for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]
    ]
    out.append("inclusive (project, Django, DRF, asgiref frames):")
    picked = [(f, n) for f, n in sorted(incl.items(), key=lambda kv: -kv[1]) if any(k in f for k in keep)]
    out += [f"  {n * 100 / total:5.1f}%  {short(f)}" for f, n in picked[:top]]
    return out


def throughput(
    server: str,
    workers: int,
    accounts: dict,
    clients: int,
    seconds: float,
    log_dir: Path,
    profile: bool = False,
) -> dict:
    proc = None
    figures: dict[str, float] = {}
    try:
        proc, base = start_server(log_dir / f"{server}-throughput.log", server, workers)
        made, directory = accounts["large"]
        tokens = {
            "dispatcher": get_token(base, made.host, directory["dispatcher_email"]),
            "key_user": get_token(base, made.host, directory["key_user_email"]),
        }
        plans = {p["label"]: p for p in plans_for(made, directory, tokens, 1)}
        for label in ("list A new+open -created_at", "create leak (key user)"):
            load_before = os.getloadavg()[0]
            spy = None
            if profile:
                raw = log_dir / f"{server}-{label.split()[0]}.pyspy"
                pids = web_pids(proc)
                spy = subprocess.Popen(
                    [
                        str(Path(sys.executable).parent / "py-spy"),
                        *("record", "--pid", str(pids[-1]), "--duration", str(int(seconds))),
                        *("--rate", "200", "--format", "raw", "--output", str(raw), "--nonblocking"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.STDOUT,
                )
            rps, errors = run_throughput(base, plans[label], clients, seconds)
            if spy is not None:
                spy.wait(60)
                print(f"  py-spy of {server} pid {pids[-1]} during '{label}':")
                for line in _profile_top(raw):
                    print(f"    {line}")
            figures[label] = rps
            note = f"; {len(errors)} errors, first: {errors[0]}" if errors else ""
            print(
                f"  {server}, {workers} web process(es), {clients} keep-alive clients, {seconds:.0f} s: "
                f"{label}: {rps:.0f} requests/s (load {load_before:.1f} -> {os.getloadavg()[0]:.1f}){note}",
                flush=True,
            )
    finally:
        stop_daphne(proc)
    return figures


def report_latency(server: str, sizes: dict, accounts: dict, timed: dict) -> dict:
    for key in ("large", "small"):
        n = sizes[key]
        loads = timed["_loads"][key]
        print(
            f"\n== {server}: account with {n:,} tickets ({accounts[key][0].host}); 1-min load average "
            f"{loads[0]:.1f} -> {loads[1]:.1f} on {os.cpu_count()} CPUs =="
        )
        res = timed[key]
        rows = res.pop("_first_page_rows", {})
        all_lists: list[float] = []
        for label, data in res.items():
            if data["errors"]:
                print(f"  {label}: {len(data['errors'])} errors, first: {data['errors'][0]}")
            if not data["times"]:
                continue
            extra = f"  rows={rows[label]}" if label in rows else ""
            print("  " + summary(label, data["times"]) + extra)
            if label.startswith("list "):
                all_lists += data["times"]
        print("  " + summary("all lists", all_lists))
        print(f"  PostgreSQL sessions opened per HTTP request: {timed['_sessions'][key]:.2f}")
        res["_all_lists"] = {"times": all_lists, "errors": []}

    def p95(key: str, label: str) -> float:
        return percentile([t * 1000 for t in timed[key][label]["times"]], 95)

    create_label = "create leak (key user)"
    list_large, list_small = p95("large", "_all_lists"), p95("small", "_all_lists")
    print(
        f"\n{server}: list p95 at {sizes['large']:,} / at {sizes['small']:,}: {list_large:.1f} / {list_small:.1f} ms "
        f"= x{list_large / list_small:.2f}"
    )
    for label in [k for k in timed["large"] if k.startswith("list")]:
        print(f"  {label:<34} x{p95('large', label) / p95('small', label):.2f}")
    create_large, create_small = p95("large", create_label), p95("small", create_label)
    print(
        f"{server}: create p95 at {sizes['large']:,} / at {sizes['small']:,}: {create_large:.1f} / "
        f"{create_small:.1f} ms = x{create_large / create_small:.2f}"
    )
    return {key: {label: p95(key, label) for label in timed[key]} for key in ("large", "small")}


HTTP_TO_INPROCESS = {
    "GET /me/ (auth + routing floor)": "me",
    "list A new+open -created_at": "list A",
    "list B group -updated_at": "list B",
    f"list q={SEARCH_WORD}": "list q",
    "create leak (key user)": "create",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database of an earlier run")
    parser.add_argument(
        "--servers", default="daphne,uvicorn", help=f"comma-separated, of {', '.join(SERVERS)}"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="web processes (uvicorn/granian; daphne has one)"
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent keep-alive clients (throughput)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per throughput figure; 0 skips them")
    parser.add_argument(
        "--profile", action="store_true", help="py-spy the web process during the throughput runs"
    )
    parser.add_argument(
        "--handlers",
        default="one-hop",
        help="comma-separated: one-hop (atrium/asgi.py), django (Django's own)",
    )
    args = parser.parse_args()
    servers = [name.strip() for name in args.servers.split(",") if name.strip()]

    started = time.perf_counter()
    sizes = {"small": args.small, "large": args.tickets}
    accounts = seed_or_reuse(sizes, args.reuse)
    from django.db import connections

    print(f"seeding total: {time.perf_counter() - started:.1f} s", flush=True)
    connections.close_all()
    print(f"load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")

    log_dir = Path(tempfile.mkdtemp(prefix="atrium-bench-desk-"))
    p95s: dict[str, dict] = {}
    rps: dict[str, dict] = {}
    handlers = [name.strip() for name in args.handlers.split(",") if name.strip()]
    for server in servers:
        for handler in handlers:
            name = server if len(handlers) == 1 else f"{server}/{handler}"
            workers = args.workers if server != "daphne" else 1
            timed = time_server(server, workers, accounts, args.requests, log_dir, handler)
            p95s[name] = report_latency(name, sizes, accounts, timed)
    if args.seconds > 0:
        print("\nthroughput (client: 4 processes of threads, keep-alive; 100,000-ticket account):")
        for server in servers:
            workers = args.workers if server != "daphne" else 1
            rps[server] = throughput(
                server, workers, accounts, args.clients, args.seconds, log_dir, args.profile
            )

    print("\nin-process diagnostics (same view code, RequestFactory; EXPLAIN ANALYZE of the heaviest query):")
    inproc: dict[str, dict] = {}
    for key in ("large", "small"):
        made, directory = accounts[key]
        inproc[key] = diagnose(
            made.account.schema_name, made.account, made.host, directory, f"{sizes[key]:,}"
        )

    print(f"\nHTTP p95 / in-process p50 of the same view (target <= x{RATIO_TARGET}):")
    for server in p95s:
        for key in ("large", "small"):
            parts = []
            for label, short in HTTP_TO_INPROCESS.items():
                http, local = p95s[server][key].get(label), inproc[key].get(short)
                if http and local:
                    parts.append(f"{short} {http:.1f}/{local:.1f} = x{http / local:.1f}")
            print(f"  {server:<8} {sizes[key]:>7,}: " + "; ".join(parts))

    print("\ntargets (quiet 2-core machine):")
    for server in p95s:
        me = max(p95s[server][k]["GET /me/ (auth + routing floor)"] for k in p95s[server])
        worst_list = max(p95s[server][k]["_all_lists"] for k in p95s[server])
        worst_create = max(p95s[server][k]["create leak (key user)"] for k in p95s[server])
        line = (
            f"  {server}: /me/ p95 {me:.1f} ms (<= {ME_TARGET_MS:.0f}: {'met' if me <= ME_TARGET_MS else 'NOT met'}); "
            f"list p95 {worst_list:.1f} ms (<= {LIST_TARGET_MS:.0f}: {'met' if worst_list <= LIST_TARGET_MS else 'NOT met'}); "
            f"create p95 {worst_create:.1f} ms (<= {CREATE_TARGET_MS:.0f}: "
            f"{'met' if worst_create <= CREATE_TARGET_MS else 'NOT met'})"
        )
        if server.split("/")[0] in rps and server.endswith(("/one-hop", server.split("/")[0])):
            lr = rps[server.split("/")[0]]["list A new+open -created_at"]
            line += f"; list {lr:.0f} req/s (>= {LIST_RPS_TARGET:.0f}: {'met' if lr >= LIST_RPS_TARGET else 'NOT met'})"
        print(line)
    print(f"total bench time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
