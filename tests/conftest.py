"""Shared fixtures: real PostgreSQL schemas (created through provision_account), real Redis,
and, for `live` tests, a real daphne process and a real Celery worker against the test database.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

# The helpers live in tests/support (new code imports them from there); these names stay importable
# from here only for tests written before the move.
from tests.support.clients import LiveServer
from tests.support.processes import (
    LIVE_PORT,
    ROOT,
    LiveProcess,
    child_env,
    free_port,
    start_daphne,
    test_database_url,
    wait_for,
)
from tests.support.worlds import PASSWORD, provision, unique_slug

__all__ = ["PASSWORD", "ROOT", "LiveProcess", "LiveServer", "provision", "unique_slug", "wait_for"]
_child_env, _free_port, _test_database_url = child_env, free_port, test_database_url


@pytest.fixture(scope="session")
def django_db_setup(django_test_environment, django_db_modify_db_settings, django_db_blocker):
    """Create the test database, the platform row and a migrated account template, always.

    pytest-django only creates the databases that `django_db`-marked tests ask for; live tests use
    committed data instead of that marker, and run on their own they would otherwise reach the
    development database. So the test database is set up here for every run, and dropped after.
    `django_db_modify_db_settings` gives each xdist worker a database of its own (`test_atrium_gw0`,
    ...; tests/workers.py isolates the rest).

    Under xdist the first worker migrates its database and copies it to `<name>_base` (the
    migrations and the template are the same for every worker); the others make theirs from that
    copy (`CREATE DATABASE ... TEMPLATE`) instead of migrating again. The controlling process drops
    the copy before and after the run (`pytest_sessionstart`, `pytest_sessionfinish`).
    """
    from django.test.utils import setup_databases, teardown_databases

    from tenants_shared.accounts.services import ensure_public_account
    from tenants_shared.accounts.template import ensure_template

    with django_db_blocker.unblock():
        with _worker_database_lock() as base:
            cloned = base is not None and _clone_database(base, connection.settings_dict["TEST"]["NAME"])
            # keepdb: a cloned database is kept and only checked for migrations to apply (none)
            config = setup_databases(verbosity=0, interactive=False, keepdb=cloned, aliases={"default"})
            assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
            ensure_public_account()
            ensure_template()
            connection.set_schema_to_public()
            if base is not None and not cloned:
                _copy_database(connection.settings_dict["NAME"], base)
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        _end_other_sessions(connection.settings_dict["NAME"])
        teardown_databases(config, verbosity=0)


def _base_database() -> str:
    """The copy of a migrated test database the xdist workers of one run start from."""
    from django.conf import settings

    name = settings.DATABASES["default"]["TEST"]["NAME"]  # `_gw<N>` appended in a worker
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    return f"{name.removesuffix(f'_{worker}') if worker else name}_base"


def _admin_connection():
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def _database_exists(admin, name: str) -> bool:
    return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


@contextlib.contextmanager
def _worker_database_lock():
    """In an xdist worker: the base database's name, held under a file lock so that one worker at a
    time builds or copies it. Elsewhere: None (the database is migrated as before)."""
    from tests.workers import worker_index

    if worker_index() is None:
        yield None
        return
    base = _base_database()
    with open(Path(tempfile.gettempdir()) / f"atrium-{base}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield base
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _clone_database(base: str, name: str) -> bool:
    """Make `name` a copy of `base` when a worker before this one has made `base`."""
    with _admin_connection() as admin:
        if not _database_exists(admin, base):
            return False
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
    return True


def _copy_database(name: str, base: str) -> None:
    """Copy the freshly migrated `name` to `base` (a template database may have no sessions: the
    pool's too are closed, so that none of them is handed out afterwards)."""
    from django.db import connections

    connections.close_all()
    for each in connections.all(initialized_only=True):
        if hasattr(each, "close_pool"):
            each.close_pool()
    _end_other_sessions(name)
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{base}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{base}" TEMPLATE "{name}"')


def _drop_base_database(session) -> None:
    """In the controlling process of an xdist run: no base database of an earlier (broken-off) run
    is copied, and none is left behind."""
    from tests.workers import worker_index

    if worker_index() is not None or not getattr(session.config.option, "numprocesses", None):
        return
    if "DATABASE_URL" not in os.environ:  # `./dev test` sets it; no run of ours without it
        return
    with _admin_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_base_database()}" WITH (FORCE)')


def pytest_sessionstart(session):
    _drop_base_database(session)


def pytest_sessionfinish(session):
    _drop_base_database(session)


def _end_other_sessions(database: str) -> None:
    """Sessions some thread or context of this process still holds (Playwright's sync API runs an
    event loop, under which Django keeps connections per context) must not keep the test database
    from being dropped."""
    with _admin_connection() as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database],
        )


@pytest.fixture(autouse=True)
def _public_schema_after_test():
    yield
    from tenants_shared.accounts.selectors import forget_cached_accounts

    connection.set_schema_to_public()
    forget_cached_accounts()


@pytest.fixture
def make_account(db):
    """Provision an account inside the test's transaction (rolled back afterwards)."""
    return provision


# ---------------------------------------------------------------------------- live processes
@pytest.fixture(scope="session")
def live_db(django_db_setup, django_db_blocker):
    """Database access outside any test transaction: what the test writes is committed, so daphne and
    the worker see it. Test accounts carry unique slugs; the test database is dropped afterwards."""
    with django_db_blocker.unblock():
        yield
        connection.set_schema_to_public()


@pytest.fixture(scope="session")
def atrium_server(live_db, tmp_path_factory):
    daphne = start_daphne("daphne", LIVE_PORT, tmp_path_factory.mktemp("daphne"))
    server = LiveServer(LIVE_PORT)
    yield server
    daphne.stop()


@pytest.fixture(scope="session")
def celery_worker(live_db, tmp_path_factory):
    from atrium.celery import app

    worker = LiveProcess(
        "celery",
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "atrium",
            "worker",
            "--pool",
            "threads",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "info",
        ],
        tmp_path_factory.mktemp("celery"),
    )
    deadline = time.monotonic() + 60
    while not app.control.ping(timeout=0.5):
        if worker.proc.poll() is not None or time.monotonic() > deadline:
            worker.stop()
            pytest.fail(f"celery worker did not start:\n{worker.log()}")
    yield worker
    worker.stop()


@pytest.fixture
def queued_tasks(monkeypatch) -> list[tuple[str, str, dict]]:
    """The broker is the outside world for in-transaction tests: note what would be queued, as
    (task name, account schema, kwargs), instead of queueing it."""
    from atrium.celery import app

    sent: list[tuple[str, str, dict]] = []
    monkeypatch.setattr(
        app,
        "send_task",
        lambda name, kwargs=None, headers=None, **_: sent.append(
            (name, headers["_schema_name"], kwargs or {})
        ),
    )
    return sent


# ---------------------------------------------------------------------------- the browser (tests/e2e)
# Defined here, once: a fixture imported into two areas' conftests would start Playwright twice,
# and its sync API refuses to start inside the first one's event loop.
@pytest.hookimpl(tryfirst=True, hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.support.browser import CHROMIUM_ARGS, chromium_path

    if not (ROOT / "frontend" / "dist" / "app" / "index.html").exists():
        pytest.fail("the web app is not built: ./dev test builds it (or ./dev frontend)")
    # Playwright's sync API keeps an event loop running in this thread; the tests' own database
    # work stays synchronous, so Django's guard against ORM calls from async code does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


@pytest.fixture
def web(atrium_server, celery_worker, browser, request):
    from tests.support.browser import Web

    helper = Web(atrium_server, browser, request)
    yield helper
    report = getattr(request.node, "report_call", None)
    helper.close(failed=bool(report and report.failed))
