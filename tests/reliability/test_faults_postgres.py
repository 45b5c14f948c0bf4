"""PostgreSQL restarted under load, with real processes: a PostgreSQL cluster of the test's own
(pgserver, never the shared one), a daphne on it, requests all the while. During the restart the
API answers JSON 503s (never an HTML 500); afterwards the same daphne answers again, its pool
having replaced the dead sessions by itself."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from tests.reliability.faults import free_port
from tests.support.clients import LiveServer
from tests.support.processes import ROOT, LiveProcess, child_env, wait_for
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.live

SETUP = """
import django, sys
django.setup()
from django.core.management import call_command
from tenants_shared.accounts.services import ensure_public_account, provision_account
from tenants_shared.accounts.template import ensure_template
call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
ensure_public_account()
ensure_template()
provision_account(name="PG", slug=sys.argv[1], kind="mall_operator", admin_name="A", admin_email=sys.argv[2],
                  admin_password=sys.argv[3], language="en", time_zone="UTC", send_welcome=False)
"""


@pytest.fixture
def own_postgres(tmp_path):
    import pgserver
    import psycopg

    server = pgserver.get_server(tmp_path / "pg", cleanup_mode="stop")
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute('CREATE DATABASE "atrium_fault"')
    yield server
    server.cleanup()
    # pgserver's cleanup leaves the cluster running after a restart through pg_ctl (the postmaster it
    # recorded is gone): stop the test's own cluster by its data folder, as its own system user
    if (Path(server.pgdata) / "postmaster.pid").exists():
        from pgserver._commands import pg_ctl

        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def _restart(server) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=server.pgdata, user=server.system_user, timeout=60)


def test_requests_fail_cleanly_during_a_restart_and_the_pool_recovers(live_db, own_postgres, tmp_path):
    url = own_postgres.get_uri(database="atrium_fault")
    env = {"DATABASE_URL": url, "ATRIUM_DB_POOL_MIN": "2", "ATRIUM_DB_POOL_MAX": "4"}
    slug, email = "pgfault", "admin@pgfault.example"
    setup_env = {**child_env(), **env}
    subprocess.run(
        [sys.executable, "-c", SETUP, slug, email, PASSWORD], env=setup_env, cwd=ROOT, check=True, timeout=300
    )
    port = free_port()
    web = LiveProcess(
        "daphne-pg-fault",
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "atrium.asgi:application",
        ],
        tmp_path,
        env=env,
    )
    server = LiveServer(port)
    host = f"{slug}.atrium.localhost"
    try:
        wait_for(lambda: _up(server), timeout=60)
        token = server.request(
            "POST", host, "/api/v1/auth/tokens/", json={"email": email, "password": PASSWORD}
        ).json()["token"]
        answers: list[tuple[float, int, str]] = []
        stop = threading.Event()

        def load() -> None:
            session = requests.Session()
            session.headers.update({"Host": host, "Authorization": f"Token {token}"})
            while not stop.is_set():
                try:
                    got = session.get(server.base + "/api/v1/tickets/", timeout=10)
                    answers.append((time.monotonic(), got.status_code, got.headers.get("Content-Type", "")))
                except requests.RequestException as exc:
                    answers.append((time.monotonic(), 0, type(exc).__name__))
                time.sleep(0.02)

        thread = threading.Thread(target=load, daemon=True)
        thread.start()
        wait_for(lambda: len(answers) >= 20, timeout=30)
        _restart(own_postgres)
        restarted = time.monotonic()
        wait_for(lambda: any(at > restarted + 1 and status == 200 for at, status, _ in answers), timeout=30)
        time.sleep(1)
        stop.set()
        thread.join(15)
        after = [a for a in answers if a[0] > restarted + 1]
        assert web.proc.poll() is None, web.log()[-3000:]  # the same process, never restarted
        assert all(status in (200, 503) for _, status, _ in answers), sorted({a[1:] for a in answers})
        assert all(ctype.startswith("application/json") for _, _, ctype in answers)
        assert after and after[-1][1] == 200  # recovered by itself
        failed = [a for a in answers if a[1] == 503]
        recovered_at = min(at for at, status, _ in after if status == 200)
        assert all(at <= recovered_at + 1 for at, _, _ in failed)  # failures only around the restart
    finally:
        web.stop()


def _up(server) -> bool:
    try:
        return requests.get(server.base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False
