"""migrate_schemas that skips account schemas already up to date (DESIGN.md pitfalls).

django-tenants migrates every schema it is given, which costs a full migration-loader pass per
schema even when nothing is pending. Here one query per schema reads its django_migrations rows;
schemas holding every tenant migration on disk are skipped, and only the rest go to the chosen
executor (standard or multiprocessing). Installed with GET_EXECUTOR_FUNCTION; set
ATRIUM_MIGRATE_SKIP_CURRENT=0 to migrate every schema regardless (benchmarks compare both).
"""

from __future__ import annotations

import logging
import os

from django.db import connection
from django_tenants.migration_executors import get_executor as tenants_get_executor
from django_tenants.utils import get_public_schema_name

log = logging.getLogger(__name__)


def pending_schemas(schema_names: list[str]) -> list[str]:
    from .template import expected_migrations

    expected = expected_migrations()
    expected_apps = {app for app, _ in expected}
    pending = []
    with connection.cursor() as cur:
        for schema in schema_names:
            cur.execute("SELECT to_regclass(%s)", [f'"{schema}".django_migrations'])
            if cur.fetchone()[0] is None:
                pending.append(schema)
                continue
            cur.execute(f'SELECT app, name FROM "{schema}".django_migrations')
            applied = {(app, name) for app, name in cur.fetchall() if app in expected_apps}
            if not expected <= applied:
                pending.append(schema)
    return pending


def _release_pools_before_fork() -> None:
    """The multiprocessing executor forks. A psycopg pool (its connections and worker threads)
    cannot cross a fork: the children would wait for ever on a pool whose threads do not exist.
    Close it first; every process then opens its own."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        conn.close()
        if hasattr(conn, "close_pool"):
            conn.close_pool()


def get_executor(codename: str | None = None):
    base_cls = tenants_get_executor(codename=codename)
    skip = os.environ.get("ATRIUM_MIGRATE_SKIP_CURRENT", "1") != "0"

    class SkipCurrentExecutor(base_cls):
        def run_migrations(self, tenants=None):
            tenants = list(tenants or [])
            public = get_public_schema_name()
            if skip and self.options.get("app_label") is None:
                accounts = [t for t in tenants if t != public]
                todo = set(pending_schemas(accounts))
                kept = [t for t in tenants if t == public or t in todo]
                if len(kept) != len(tenants):
                    log.info("migrate_schemas: %d schemas up to date, skipped", len(tenants) - len(kept))
                tenants = kept
            if tenants:
                if self.codename == "multiprocessing":
                    _release_pools_before_fork()
                super().run_migrations(tenants=tenants)

    return SkipCurrentExecutor
