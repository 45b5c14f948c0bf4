"""Live processes for tests that need other processes to see committed data (daphne, a Celery
worker, a second deployment) and waiting for their effects."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_database_url() -> str:
    """DATABASE_URL of the test database pytest-django created, for child processes."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


test_database_url.__test__ = False  # a helper, not a test

# The port the live daphne listens on, chosen once: the worker builds mailed links with it too.
LIVE_PORT = free_port()


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = test_database_url()
    env["ATRIUM_ACCOUNT_BASE_URL"] = f"http://{{domain}}:{LIVE_PORT}"
    env["ATRIUM_ACCOUNT_CACHE_SECONDS"] = "0"  # live tests change accounts and expect it at once
    env.pop("DJANGO_EMAIL_BACKEND", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # the browser fixture's, for this process alone
    return env


class LiveProcess:
    def __init__(self, name: str, command: list[str], log_dir: Path, env: dict[str, str] | None = None):
        """`env`: variables over the child environment (e.g. another deployment's database)."""
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            command, env={**child_env(), **(env or {})}, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._log.close()


def wait_for(predicate, timeout: float = 15.0, interval: float = 0.1):
    """Poll until predicate() is truthy (for effects of other processes); fail with its last value."""
    deadline = time.monotonic() + timeout
    value = predicate()
    while not value and time.monotonic() < deadline:
        time.sleep(interval)
        value = predicate()
    assert value, f"condition not met within {timeout}s"
    return value


def start_daphne(name: str, port: int, log_dir: Path, env: dict[str, str] | None = None) -> LiveProcess:
    """A daphne serving the project on `port`, once its /healthz answers (fails the test with its
    log when it does not start within a minute)."""
    import sys

    import pytest
    import requests

    daphne = LiveProcess(
        name,
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "atrium.asgi:application",
        ],
        log_dir,
        env=env,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return daphne
        except requests.ConnectionError:
            pass
        if daphne.proc.poll() is not None or time.monotonic() > deadline:
            daphne.stop()
            pytest.fail(f"daphne did not start:\n{daphne.log()}")
        time.sleep(0.2)
