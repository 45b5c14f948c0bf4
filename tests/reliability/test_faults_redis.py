"""The request path without Redis, with real processes: a daphne and a worker of the test's own on
a Redis of the test's own, which is frozen (SIGSTOP: connections accepted, never answered, the
worst case) and then stopped. Reads and writes keep working; a write that is only work for a
worker answers a clean 503 before writing anything; nothing hangs past the client's timeout and
then happens; queued work is delivered once Redis is back (docs/operations.md, "Redis")."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests
from django_tenants.utils import schema_context

from tenant_apps.desk.models import BulkJob, Ticket
from tests.conftest import PASSWORD, LiveProcess, LiveServer, provision, wait_for
from tests.reliability.faults import OwnRedis, free_port, redis_env, start_worker

pytestmark = pytest.mark.live

CLIENT_TIMEOUT = 10  # what a browser or an API client waits; every answer must come before it


@pytest.fixture
def stack(live_db, tmp_path):
    redis = OwnRedis(tmp_path / "redis")
    port = free_port()
    web = LiveProcess(
        "daphne-redis-faults",
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "atrium.asgi:application",
        ],
        tmp_path,
        env=redis_env(redis),
    )
    server = LiveServer(port)
    wait_for(lambda: _healthy(server) or web.proc.poll() is not None, timeout=60)
    assert web.proc.poll() is None, web.log()
    worker = start_worker("celery-redis-faults", tmp_path, redis)
    yield redis, server, web, worker
    worker.stop()
    web.stop()
    redis.close()


def _healthy(server) -> bool:
    try:
        return requests.get(server.base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _call(server, method, host, path, token=None, **kwargs):
    headers = {"Authorization": f"Token {token}"} if token else {}
    return requests.request(
        method, server.base + path, headers={"Host": host, **headers}, timeout=CLIENT_TIMEOUT, **kwargs
    )


def test_without_redis_reads_and_writes_go_on_and_work_that_needs_it_is_refused_cleanly(stack):
    redis, server, web, worker = stack
    made = provision()
    host = f"{made.account.slug}.atrium.localhost"
    login = {"email": made.admin.email, "password": PASSWORD}
    token = _call(server, "POST", host, "/api/v1/auth/tokens/", json=login).json()["token"]
    leak = {"type": "leak", "title": "Before", "fields": {"severity": "drip"}}
    first = _call(server, "POST", host, "/api/v1/tickets/", token, json=leak).json()["id"]

    for outage in ("frozen", "stopped"):
        redis.freeze() if outage == "frozen" else redis.stop()
        try:
            # signing in: the throttles and the lockout fail open (no 500, no hang)
            signed_in = _call(server, "POST", host, "/api/v1/auth/tokens/", json=login)
            assert signed_in.status_code == 201, (outage, signed_in.text)
            # reading and writing the desk
            assert _call(server, "GET", host, "/api/v1/tickets/", token).status_code == 200
            filed = _call(server, "POST", host, "/api/v1/tickets/", token, json={**leak, "title": outage})
            assert filed.status_code == 201, (outage, filed.text)
            # a bulk change is only work for a worker: refused before anything is written
            with schema_context(made.account.schema_name):
                jobs_before = BulkJob.objects.count()
            bulk = _call(
                server,
                "POST",
                host,
                "/api/v1/tickets/bulk/",
                token,
                json={"ids": [first], "changes": {"priority": 1}},
            )
            assert bulk.status_code == 503, (outage, bulk.text)
            body = bulk.json()
            assert (
                body["code"] == "service_unavailable" and body["request_id"] == bulk.headers["X-Request-ID"]
            )
            assert bulk.headers["Retry-After"]
            with schema_context(made.account.schema_name):
                assert BulkJob.objects.count() == jobs_before
                assert Ticket.objects.filter(title=outage).count() == 1  # filed once, answered 201
        finally:
            redis.thaw() if outage == "frozen" else redis.start()
        assert web.proc.poll() is None and worker.proc.poll() is None

    # Redis is back: the same processes queue and carry out work again
    bulk = _call(
        server,
        "POST",
        host,
        "/api/v1/tickets/bulk/",
        token,
        json={"ids": [first], "changes": {"priority": 1}},
    )
    assert bulk.status_code == 202, bulk.text
    job = bulk.json()["job"]["id"]
    wait_for(
        lambda: _call(server, "GET", host, f"/api/v1/tickets/bulk/{job}/", token).json()["state"] == "done",
        timeout=60,
    )
    assert _call(server, "GET", host, f"/api/v1/tickets/{first}/", token).json()["priority"] == 1
