"""Shared set-up for benchmarks: a fresh database of their own, Django ready, platform row present.

Run benchmarks through `./dev bench <name>` (embedded servers) or with DATABASE_URL/REDIS_URL set.
"""

from __future__ import annotations

import os
import statistics
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
# The project's packages come first, the bench folder last: bench/federation.py shares its name with
# the `federation` package, and a script's own folder would otherwise shadow it.
_BENCH = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_BENCH, "", str(ROOT), str(ROOT / "platform"))]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
sys.path.append(_BENCH)


def fresh_database(name: str) -> str:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    conn = psycopg.connect(admin_url, autocommit=True)
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    url = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = url
    return url


def database_exists(name: str) -> bool:
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        return conn.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = %s)", [name]
        ).fetchone()[0]


def use_database(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    url = urlunsplit(parts._replace(path=f"/{name}"))
    os.environ["DATABASE_URL"] = url
    return url


def setup_django(db_name: str, *, reuse: bool = False) -> None:
    """Django on a fresh database `db_name` (or, with `reuse`, on the one an earlier run left,
    migrated to the code: accounts' schemas included)."""
    if reuse:
        use_database(db_name)
    else:
        fresh_database(db_name)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from tenants_shared.accounts.services import ensure_public_account

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_account()
    if reuse:
        from tenants_shared.accounts.template import ensure_template

        ensure_template()
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


def summary(label: str, seconds: list[float]) -> str:
    ms = [s * 1000 for s in seconds]
    return (
        f"{label:<34} n={len(ms):<4} p50={percentile(ms, 50):8.1f} ms  p95={percentile(ms, 95):8.1f} ms  "
        f"max={max(ms):8.1f} ms"
    )
