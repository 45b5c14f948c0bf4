"""Side by side with the Django peer, django-helpdesk, in one run and with the same client code.

    ./dev bench peer_helpdesk [--tickets 100000] [--small 1000] [--requests 100] [--peer-requests 10]
                              [--reuse] [--server uvicorn] [--helpdesk django-helpdesk]

- Ours: the desk bench's two accounts (bench/desk_api.py seeding; --reuse keeps an earlier run's),
  served by --server (one web process), list A (new+open, newest first, 50 a page) and create.
- The peer: django-helpdesk from PyPI installed in a virtualenv of its own under the bench's temp
  folder (never in the project's), a database of its own per size on the same embedded PostgreSQL,
  seeded with the same shape (as many tickets, the same status mix: our new+open -> Open, waiting ->
  Reopened, resolved -> Resolved, closed/cancelled -> Closed; one follow-up per ticket), served by
  gunicorn (one sync worker) with DRF token auth for a staff user. Timed: its ticket list
  `GET /api/tickets/?status=1&page_size=50` (its API can filter by status only: no queue filter, no
  ordering) and `POST /api/tickets/`.
- Both are timed by `desk_api.run_client` (one keep-alive session per plan, a separate process),
  one after the other in this run; then both figures and the ratios are printed.

Only 127.0.0.1 is contacted by the clients; pip reaches PyPI once to build the peer's virtualenv
(kept under the temp folder for later runs).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

from _setup import percentile, summary
from desk_api import free_port, get_token, plans_for, run_client, seed_or_reuse, start_server, stop_daphne

PEER_DIR = Path(tempfile.gettempdir()) / "atrium-bench-peer"
# our category -> the peer's status (helpdesk: OPEN=1, REOPENED=2, RESOLVED=3, CLOSED=4)
STATUS_OF = {"new": 1, "open": 1, "waiting": 2, "resolved": 3, "closed": 4, "cancelled": 4}

PEER_SETTINGS = """
import os
from urllib.parse import parse_qs, urlsplit

BASE_DIR = os.path.dirname(os.path.abspath(__file__))
SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "helpdesk",
    "rest_framework", "rest_framework.authtoken",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_urls"
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request", "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages"]},
}]
_url = urlsplit(os.environ["PEER_DATABASE_URL"])
_query = parse_qs(_url.query)
DATABASES = {"default": {
    "ENGINE": "django.db.backends.postgresql", "NAME": _url.path.lstrip("/"),
    "USER": _url.username or "postgres", "PASSWORD": _url.password or "",
    "HOST": _query.get("host", [_url.hostname or ""])[0], "PORT": str(_url.port or ""),
    "CONN_MAX_AGE": 600,
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
STATIC_URL = "/static/"
USE_TZ = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGIN_URL = "/login/"
HELPDESK_API_ENABLED = True
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
}
CELERY_TASK_ALWAYS_EAGER = True
"""

PEER_URLS = """
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

PEER_WSGI = """
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_settings")
from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
"""

# Runs in the peer's virtualenv: a staff user with a token, a queue, one ticket with one
# follow-up, then set-based copies of both up to the wanted count, with the wanted status mix.
PEER_SEED = """
import json, os, sys
import django

django.setup()
from django.contrib.auth import get_user_model
from django.db import connection
from rest_framework.authtoken.models import Token
from helpdesk.models import FollowUp, Queue, Ticket

total = int(sys.argv[1])
mix = json.loads(sys.argv[2])  # {status: count}
User = get_user_model()
Ticket.objects.filter(title__startswith="Bench leak").delete()  # an earlier run's creates
seeded = {str(s): Ticket.objects.filter(status=s).exclude(title__startswith="Bench leak").count() for s in (1, 2, 3, 4)}
if Ticket.objects.exclude(title__startswith="Bench leak").count() != total or any(
        seeded.get(str(s), 0) != n for s, n in mix.items()):
    FollowUp.objects.all().delete()
    Ticket.objects.all().delete()
    queue = Queue.objects.filter(slug="bench").first() or Queue.objects.create(
        title="Bench", slug="bench", allow_public_submission=False)
    ticket = Ticket.objects.create(title="Bench ticket", queue=queue, submitter_email="req@bench.example",
                                   description="Water under the escalator", status=1, priority=3)
    FollowUp.objects.create(ticket=ticket, title="Comment", comment="Noticed this morning", public=True)
    bounds, lo = [], 0
    for status, count in sorted(mix.items()):
        bounds.append((lo, lo + count, int(status)))
        lo += count
    case = " ".join(f"WHEN mod(g * 7919, {total}) >= {a} AND mod(g * 7919, {total}) < {b} THEN {s}"
                    for a, b, s in bounds)
    with connection.cursor() as cur:
        def columns(table):
            cur.execute("SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                        "AND column_name <> 'id' ORDER BY ordinal_position", [table])
            return [r[0] for r in cur.fetchall()]
        overrides = {
            "title": "'Bench ticket ' || g",
            "status": f"CASE {case} ELSE 4 END",
            "created": "now() - (g || ' minutes')::interval",
            "modified": "now() - (g || ' minutes')::interval",
            "secret_key": "md5(random()::text)",
        }
        cols = columns("helpdesk_ticket")
        exprs = [overrides.get(c, f"t.{c}") for c in cols]
        cur.execute(f"UPDATE helpdesk_ticket SET status = (SELECT CASE {case.replace('g', '0')} ELSE 4 END) "
                    f"WHERE id = %s", [ticket.pk])
        cur.execute(f"INSERT INTO helpdesk_ticket ({', '.join(cols)}) SELECT {', '.join(exprs)} "
                    f"FROM helpdesk_ticket t CROSS JOIN generate_series(1, {total - 1}) g WHERE t.id = %s",
                    [ticket.pk])
        fcols = columns("helpdesk_followup")
        fover = {"ticket_id": "t.id", "date": "t.created"}
        fexprs = [fover.get(c, f"f.{c}") for c in fcols]
        cur.execute(f"INSERT INTO helpdesk_followup ({', '.join(fcols)}) SELECT {', '.join(fexprs)} "
                    f"FROM helpdesk_followup f CROSS JOIN helpdesk_ticket t WHERE f.ticket_id = %s "
                    f"AND t.id <> %s", [ticket.pk, ticket.pk])
        cur.execute("ANALYZE helpdesk_ticket")
        cur.execute("ANALYZE helpdesk_followup")
staff = User.objects.filter(username="bench").first() or User.objects.create_user(
    "bench", "bench@bench.example", "Bench-password-2026", is_staff=True, is_superuser=True)
token, _ = Token.objects.get_or_create(user=staff)
queue = Queue.objects.get(slug="bench")
counts = {str(s): Ticket.objects.filter(status=s).count() for s in (1, 2, 3, 4)}
print(json.dumps({"token": token.key, "queue": queue.pk, "tickets": Ticket.objects.count(),
                  "followups": FollowUp.objects.count(), "status_counts": counts}))
"""


# ---------------------------------------------------------------------------- the peer's virtualenv
def peer_python(package: str) -> Path:
    venv = PEER_DIR / "venv"
    python = venv / "bin" / "python"
    marker = venv / ".bench-installed"
    if not (marker.exists() and marker.read_text() == package):
        if not python.exists():
            subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
        print(f"installing {package}, gunicorn and psycopg into {venv} (PyPI, once)", flush=True)
        clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        subprocess.check_call(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                package,
                "gunicorn",
                "psycopg[binary]",
            ],
            env=clean,
        )
        marker.write_text(package)
    project = PEER_DIR / "project"
    project.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("peer_settings.py", PEER_SETTINGS),
        ("peer_urls.py", PEER_URLS),
        ("peer_wsgi.py", PEER_WSGI),
    ):
        (project / name).write_text(textwrap.dedent(text).lstrip())
    (project / "peer_seed.py").write_text(textwrap.dedent(PEER_SEED).lstrip())
    return python


def peer_versions(python: Path) -> str:
    out = subprocess.run(
        [
            str(python),
            "-c",
            "import django, helpdesk, rest_framework, sys; from importlib.metadata import version; "
            'print(f\'django-helpdesk {version("django-helpdesk")}, Django {django.get_version()}, '
            "DRF {rest_framework.VERSION}, Python {sys.version.split()[0]}')",
        ],
        capture_output=True,
        text=True,
        cwd=PEER_DIR / "project",
    )
    return (out.stdout or out.stderr).strip()


def peer_env(db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ATRIUM_", "PYTHON"))}
    env.update(
        PEER_DATABASE_URL=db_url, DJANGO_SETTINGS_MODULE="peer_settings", PYTHONPATH=str(PEER_DIR / "project")
    )
    return env


def peer_database(name: str) -> str:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    return parts._replace(path=f"/{name}").geturl()


def seed_peer(python: Path, size: int, mix: dict[int, int]) -> tuple[str, dict]:
    url = peer_database(f"atrium_bench_peer_{size}")
    env = peer_env(url)
    cwd = PEER_DIR / "project"
    subprocess.check_call([str(python), "-m", "django", "migrate", "-v", "0", "--no-input"], env=env, cwd=cwd)
    t0 = time.perf_counter()
    out = subprocess.run(
        [str(python), "peer_seed.py", str(size), json.dumps({str(k): v for k, v in mix.items()})],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise RuntimeError(f"seeding the peer failed:\n{out.stderr[-3000:]}")
    info = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"peer seeded with {size:,} tickets in {time.perf_counter() - t0:.1f} s: {info}", flush=True)
    return url, info


def start_gunicorn(python: Path, url: str, log_path: Path) -> tuple[subprocess.Popen, str]:
    import requests

    port = free_port()
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            str(python),
            "-m",
            "gunicorn",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "peer_wsgi:application",
        ],
        env=peer_env(url),
        cwd=PEER_DIR / "project",
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(base + "/api/", timeout=1)
            return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
        time.sleep(0.3)


# ---------------------------------------------------------------------------- ours
def our_mix(schema: str) -> dict[int, int]:
    from django.db import connection

    with connection.cursor() as cur:
        # tickets the benches filed (create plans) are not part of the seeded shape
        cur.execute(
            f'SELECT category, count(*) FROM "{schema}".desk_ticket WHERE title NOT LIKE %s GROUP BY category',
            ["Bench leak%"],
        )
        mix: dict[int, int] = {}
        for category, count in cur.fetchall():
            status = STATUS_OF.get(category, 4)
            mix[status] = mix.get(status, 0) + count
    return mix


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=100, help="ours, per plan")
    parser.add_argument("--peer-requests", type=int, default=10, help="the peer's list at the large size")
    parser.add_argument("--reuse", action="store_true", help="keep the desk bench's seeded database")
    parser.add_argument("--server", default="uvicorn", help="our HTTP server (daphne, uvicorn, granian)")
    parser.add_argument("--helpdesk", default="django-helpdesk", help="pip requirement of the peer")
    args = parser.parse_args()
    started = time.perf_counter()
    sizes = {"small": args.small, "large": args.tickets}

    python = peer_python(args.helpdesk)
    print(f"peer: {peer_versions(python)}", flush=True)
    accounts = seed_or_reuse(sizes, args.reuse)
    mixes = {key: our_mix(made.account.schema_name) for key, (made, _d) in accounts.items()}
    from django.db import connections

    connections.close_all()
    peers = {key: seed_peer(python, sizes[key], mixes[key]) for key in sizes}

    log_dir = Path(tempfile.mkdtemp(prefix="atrium-bench-peer-"))
    ctx = multiprocessing.get_context("spawn")
    results: dict[str, dict] = {}
    loads: dict[str, tuple[float, float]] = {}

    # ours
    proc = None
    try:
        proc, base = start_server(log_dir / f"{args.server}.log", args.server)
        for key in ("large", "small"):
            made, directory = accounts[key]
            tokens = {
                "dispatcher": get_token(base, made.host, directory["dispatcher_email"]),
                "key_user": get_token(base, made.host, directory["key_user_email"]),
            }
            plans = [
                p
                for p in plans_for(made, directory, tokens, args.requests)
                if p["label"] in ("list A new+open -created_at", "create leak (key user)")
            ]
            load = os.getloadavg()[0]
            with ctx.Pool(1) as pool:
                results[f"ours {key}"] = pool.apply(run_client, (base, plans))
            loads[f"ours {key}"] = (load, os.getloadavg()[0])
    finally:
        stop_daphne(proc)

    # the peer
    for key in ("large", "small"):
        url, info = peers[key]
        proc = None
        try:
            proc, base = start_gunicorn(python, url, log_dir / f"gunicorn-{key}.log")
            n_list = args.peer_requests if key == "large" else args.requests
            plans = [
                {
                    "label": "list A new+open -created_at",
                    "host": "127.0.0.1",
                    "token": info["token"],
                    "method": "GET",
                    "path": "/api/tickets/",
                    "params": {"status": "1", "page_size": 50},
                    "warmup": 1 if key == "large" else 10,
                    "count": n_list,
                    "expect": 200,
                    "rows": True,
                    "timeout": 600,
                },
                {
                    "label": "create leak (key user)",
                    "host": "127.0.0.1",
                    "token": info["token"],
                    "method": "POST",
                    "path": "/api/tickets/",
                    "warmup": 5,
                    "count": args.requests,
                    "expect": 201,
                    "json": {
                        "queue": info["queue"],
                        "title": "Bench leak",
                        "description": "Water under the escalator",
                        "submitter_email": "key@bench.example",
                        "priority": 3,
                    },
                },
            ]
            load = os.getloadavg()[0]
            with ctx.Pool(1) as pool:
                results[f"peer {key}"] = pool.apply(run_client, (base, plans))
            loads[f"peer {key}"] = (load, os.getloadavg()[0])
        finally:
            stop_daphne(proc)

    print(f"\nours: {args.server}, one web process; peer: gunicorn, one sync worker; same client code")
    p95: dict[tuple[str, str], float] = {}
    for who in ("ours", "peer"):
        for key in ("large", "small"):
            res = results[f"{who} {key}"]
            rows = res.pop("_first_page_rows", {})
            lo, hi = loads[f"{who} {key}"]
            print(f"== {who}, {sizes[key]:,} tickets (load {lo:.1f} -> {hi:.1f} on {os.cpu_count()} CPUs)")
            for label, data in res.items():
                if data["errors"]:
                    print(f"  {label}: {len(data['errors'])} errors, first: {data['errors'][0]}")
                if data["times"]:
                    extra = f"  rows={rows[label]}" if label in rows else ""
                    print("  " + summary(label, data["times"]) + extra)
                    p95[(f"{who} {key}", label)] = percentile([t * 1000 for t in data["times"]], 95)
    print("\nratios peer / ours (p95):")
    for key in ("large", "small"):
        for label in ("list A new+open -created_at", "create leak (key user)"):
            ours, peer = p95.get((f"ours {key}", label)), p95.get((f"peer {key}", label))
            if ours and peer:
                print(
                    f"  {sizes[key]:>7,} {label:<30} peer {peer:9.1f} ms / ours {ours:7.1f} ms = x{peer / ours:.1f}"
                )
    print(f"total bench time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
