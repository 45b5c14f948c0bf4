"""Shared fixtures: real PostgreSQL schemas (created through provision_account), real Redis,
and, for `live` tests, a real daphne process and a real Celery worker against the test database.
"""

from __future__ import annotations

import os
import sys
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
    """
    from django.test.utils import setup_databases, teardown_databases

    from tenants_shared.accounts.services import ensure_public_account
    from tenants_shared.accounts.template import ensure_template

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        assert connection.settings_dict["NAME"].startswith("test_"), connection.settings_dict["NAME"]
        ensure_public_account()
        ensure_template()
        connection.set_schema_to_public()
    yield
    with django_db_blocker.unblock():
        from django.db import connections

        connections.close_all()
        _end_other_sessions(connection.settings_dict["NAME"])
        teardown_databases(config, verbosity=0)


def _end_other_sessions(database: str) -> None:
    """Sessions some thread or context of this process still holds (Playwright's sync API runs an
    event loop, under which Django keeps connections per context) must not keep the test database
    from being dropped."""
    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
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
