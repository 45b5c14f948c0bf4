"""Soak: N minutes of mixed load on one daphne and one Celery worker, figures every minute.

    ./dev bench soak [--minutes 20] [--sockets 200] [--plot bench/out/soak.png]

A mall and its contractor (one deployment, a partnership between them) on a fresh database of
their own. Load, from this process and one websocket process, all to 127.0.0.1:
- portal reads: tenants' key users list their tickets and announcements, read one ticket;
- agents: dispatchers list open tickets and read them, change priorities, comment, file tickets;
- federation: the mall files and forwards a ticket now and then and comments on forwarded ones
  (the worker drains them into the contractor's account);
- `--sockets` websockets of agents subscribed to the open-tickets queue, counting frames.
Each minute it prints HTTP latency percentiles, requests, errors (5xx, refused connections,
timeouts; 4xx are counted apart), websocket frames and drops, and the RSS of every process of
the platform (daphne, worker and its pool, PostgreSQL's backends, Redis, the load itself). At the
end a PNG plots latency and memory over time. It never passes or fails: it prints figures.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from _setup import ROOT, percentile, setup_django

PASSWORD = "Correct-Horse-42-battery"
TERMS = {
    "type_map": {"leak": "work_order", "breakdown": "work_order"},
    "status_to_provider": {"closed": "closed", "in_progress": "in_progress", "cancelled": "declined"},
    "status_to_requester": {"done": "resolved", "in_progress": "in_progress", "declined": "cancelled"},
    "attachments": True,
}


# ---------------------------------------------------------------------------- processes
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "platform"), str(ROOT), env.get("PYTHONPATH", "")])
    env["ATRIUM_REDIS_DB_OFFSET"] = env.get("ATRIUM_REDIS_DB_OFFSET", "4")
    return env


def start(name: str, command: list[str], log_dir: Path) -> subprocess.Popen:
    log = (log_dir / f"{name}.log").open("w")
    return subprocess.Popen(command, env=_env(), cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages split among the processes that map them. PostgreSQL's
    backends all map the shared buffers, and each page a backend touches counts in full in its
    RSS, so their summed RSS climbs as they touch more of the buffers even when nothing leaks."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def postgres_pids(database: str) -> list[int]:
    out = subprocess.run(["ps", "-eo", "pid=,args="], capture_output=True, text=True).stdout
    return [int(line.split()[0]) for line in out.splitlines() if f"postgres: postgres {database}" in line]


def redis_pid() -> int | None:
    info = Path(os.environ.get("ATRIUM_STATE_DIR", ROOT / ".atrium")) / "redis" / "server.json"
    try:
        return json.loads(info.read_text())["pid"]
    except (OSError, ValueError, KeyError):
        return None


# ---------------------------------------------------------------------------- set-up
def seed(database: str) -> dict:
    from django.db import connection
    from django_tenants.utils import schema_context

    from federation import services as federation
    from tenant_apps.people.models import Company, Role
    from tenant_apps.people.services import create_person
    from tenants_shared.accounts.services import provision_account
    from tenants_shared.accounts.template import ensure_template

    ensure_template()
    stamp = f"{os.getpid()}"
    made = {}
    for kind, slug in (("mall_operator", f"soak-mall-{stamp}"), ("contractor", f"soak-fix-{stamp}")):
        made[kind] = provision_account(
            name=f"Soak {kind}",
            slug=slug,
            kind=kind,
            admin_name="Soak Admin",
            admin_email=f"admin@{slug}.example",
            admin_password=PASSWORD,
            language="en",
            time_zone="UTC",
            send_welcome=False,
        )
    mall, fix = made["mall_operator"], made["contractor"]
    people = {"agents": [], "key_users": []}
    with schema_context(mall.account.schema_name):
        connection.tenant = mall.account
        for n in range(4):
            shop = Company.objects.create(name=f"Shop {n}", kind="tenant")
            key = create_person(
                email=f"shop{n}@{mall.account.slug}.example",
                full_name=f"Shop {n}",
                password=PASSWORD,
                role=Role.KEY_USER,
                validate=False,
            )
            key.company = shop
            key.save(update_fields=["company"])
            people["key_users"].append(key.email)
        for n in range(4):
            agent = create_person(
                email=f"agent{n}@{mall.account.slug}.example",
                full_name=f"Agent {n}",
                password=PASSWORD,
                role=Role.DISPATCHER,
                validate=False,
            )
            people["agents"].append(agent.email)
        partnership = federation.invite_partner(
            actor=mall.admin, partner=fix.account.slug, terms=TERMS, note="Soak"
        )
    with schema_context(fix.account.schema_name):
        connection.tenant = fix.account
        federation.accept_partnership(actor=fix.admin, partnership=partnership, terms={})
    connection.set_schema_to_public()
    return {
        "host": f"{mall.account.slug}.atrium.localhost",
        "admin": mall.admin.email,
        "partnership": str(partnership.pk),
        **people,
    }


# ---------------------------------------------------------------------------- load
class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: list[tuple[float, str, float, int]] = []  # (at, kind, seconds, status)

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.samples.append((time.time(), kind, seconds, status))

    def take(self) -> list[tuple[float, str, float, int]]:
        with self.lock:
            out, self.samples = self.samples, []
        return out


def http_loop(base: str, host: str, token: str, plan, rec: Recorder, stop_at: float, pause: float) -> None:
    import requests

    session = requests.Session()
    session.headers.update({"Host": host, "Authorization": f"Token {token}"})
    state: dict = {"tickets": []}
    while time.time() < stop_at:
        kind, method, path, body = plan(state)
        t0 = time.perf_counter()
        try:
            answer = session.request(method, base + path, json=body, timeout=30)
            status = answer.status_code
            if status < 300 and method == "GET" and path.startswith("/api/v1/tickets/?"):
                state["tickets"] = [t["id"] for t in answer.json()["results"]][:20] or state["tickets"]
            if status == 201 and path == "/api/v1/tickets/":
                state["tickets"].append(answer.json()["id"])
        except requests.RequestException:
            status = 599
        rec.add(kind, time.perf_counter() - t0, status)
        time.sleep(pause * random.uniform(0.5, 1.5))


def portal_plan(state):
    pick = random.random()
    if pick < 0.5 or not state["tickets"]:
        return "portal list", "GET", "/api/v1/tickets/?page_size=20", None
    if pick < 0.8:
        return "portal read", "GET", f"/api/v1/tickets/{random.choice(state['tickets'])}/", None
    return "portal announcements", "GET", "/api/v1/announcements/", None


def agent_plan(state):
    pick = random.random()
    tickets = state["tickets"]
    if pick < 0.4 or not tickets:
        return "agent list", "GET", "/api/v1/tickets/?is_open=true&page_size=50", None
    if pick < 0.7:
        return "agent read", "GET", f"/api/v1/tickets/{random.choice(tickets)}/", None
    if pick < 0.8:
        return (
            "agent priority",
            "PATCH",
            f"/api/v1/tickets/{random.choice(tickets)}/",
            {"priority": random.randint(1, 4)},
        )
    if pick < 0.9:
        return (
            "agent comment",
            "POST",
            f"/api/v1/tickets/{random.choice(tickets)}/comments/",
            {"body": "On it."},
        )
    return (
        "agent file",
        "POST",
        "/api/v1/tickets/",
        {"type": "leak", "title": "Soak leak", "fields": {"severity": "drip"}},
    )


def federation_loop(
    base: str, host: str, token: str, partnership: str, rec: Recorder, stop_at: float
) -> None:
    import requests

    session = requests.Session()
    session.headers.update({"Host": host, "Authorization": f"Token {token}"})
    forwarded: list[int] = []
    while time.time() < stop_at:
        t0 = time.perf_counter()
        try:
            if not forwarded or random.random() < 0.25:
                made = session.post(
                    base + "/api/v1/tickets/",
                    json={"type": "leak", "title": "Soak forwarded", "fields": {"severity": "stream"}},
                    timeout=30,
                )
                status = made.status_code
                if status == 201:
                    tid = made.json()["id"]
                    fwd = session.post(
                        base + f"/api/v1/tickets/{tid}/forward/",
                        json={"partnership": partnership},
                        timeout=30,
                    )
                    status = fwd.status_code
                    if status < 300:
                        forwarded.append(tid)
                kind = "federation forward"
            else:
                answer = session.post(
                    base + f"/api/v1/tickets/{random.choice(forwarded)}/comments/",
                    json={"body": "For the contractor."},
                    timeout=30,
                )
                status, kind = answer.status_code, "federation comment"
        except requests.RequestException:
            status, kind = 599, "federation"
        rec.add(kind, time.perf_counter() - t0, status)
        time.sleep(random.uniform(1.0, 3.0))


def sockets_process(conn, port: int, host: str, tokens: list[str], count: int, stop_at: float) -> None:
    """Holds `count` agent websockets subscribed to the open-tickets queue; reports frames."""
    import asyncio

    from websockets.asyncio.client import connect

    stats = {"open": 0, "frames": 0, "dropped": 0, "failed": 0}  # failed: never subscribed

    async def one(i: int, sem) -> None:
        while time.time() < stop_at:
            subscribed = False
            await sem.acquire()  # connect a few at a time, as browsers opening the desk do
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                sock.setblocking(False)
                async with connect(
                    f"ws://{host}:{port}/ws/",
                    sock=sock,
                    open_timeout=60,
                    ping_interval=None,
                    additional_headers={"Authorization": f"Token {tokens[i % len(tokens)]}"},
                ) as ws:
                    await ws.recv()  # hello
                    await ws.send(
                        json.dumps({"type": "subscribe", "topic": "queue", "filters": {"is_open": "true"}})
                    )
                    stats["open"] += 1
                    subscribed = True
                    sem.release()
                    try:
                        while time.time() < stop_at:
                            try:
                                await asyncio.wait_for(ws.recv(), timeout=1)
                                stats["frames"] += 1
                            except TimeoutError:
                                pass
                    finally:
                        stats["open"] -= 1
                return
            except Exception:  # noqa: BLE001 - a soak counts what fails and goes on
                if not subscribed:
                    sem.release()
                stats["dropped" if subscribed else "failed"] += 1
                await asyncio.sleep(1)

    async def report() -> None:
        while time.time() < stop_at + 2:
            if conn.poll():
                conn.recv()
                conn.send(dict(stats))
            await asyncio.sleep(0.1)

    async def main() -> None:
        sem = asyncio.Semaphore(20)
        await asyncio.gather(report(), *(one(i, sem) for i in range(count)))

    asyncio.run(main())


# ---------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--plot", default="")
    args = parser.parse_args()

    database = "atrium_bench_soak"
    setup_django(database)
    import requests
    from django.db import connections

    info = seed(database)
    connections.close_all()
    log_dir = Path(tempfile.mkdtemp(prefix="atrium-soak-"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    daphne = start(
        "daphne",
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "atrium.asgi:application",
        ],
        log_dir,
    )
    worker = start(
        "celery",
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "atrium",
            "worker",
            "--concurrency",
            "2",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        log_dir,
    )
    sockets = None
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError((log_dir / "daphne.log").read_text()[-3000:])
            time.sleep(0.2)

        def token(email: str) -> str:
            answer = requests.post(
                base + "/api/v1/auth/tokens/",
                json={"email": email, "password": PASSWORD},
                headers={"Host": info["host"]},
                timeout=30,
            )
            answer.raise_for_status()
            return answer.json()["token"]

        agent_tokens = [token(e) for e in info["agents"]]
        portal_tokens = [token(e) for e in info["key_users"]]
        admin_token = token(info["admin"])
        stop_at = time.time() + args.minutes * 60
        rec = Recorder()
        threads = (
            [
                threading.Thread(
                    target=http_loop,
                    args=(base, info["host"], t, portal_plan, rec, stop_at, 0.4),
                    daemon=True,
                )
                for t in portal_tokens
            ]
            + [
                threading.Thread(
                    target=http_loop, args=(base, info["host"], t, agent_plan, rec, stop_at, 0.4), daemon=True
                )
                for t in agent_tokens
            ]
            + [
                threading.Thread(
                    target=federation_loop,
                    args=(base, info["host"], admin_token, info["partnership"], rec, stop_at),
                    daemon=True,
                )
            ]
        )
        parent, child = multiprocessing.Pipe()
        sockets = multiprocessing.get_context("spawn").Process(
            target=sockets_process,
            args=(child, port, info["host"], agent_tokens, args.sockets, stop_at),
            daemon=True,
        )
        sockets.start()
        for thread in threads:
            thread.start()
        print(
            f"soak: {args.minutes:g} min, {len(threads)} HTTP clients, {args.sockets} websockets; logs in {log_dir}",
            flush=True,
        )
        print(
            f"{'min':>3} {'reqs':>6} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'5xx':>4} {'4xx':>4} {'ws':>4} {'frames':>7} {'drops':>5}  RSS MB (daphne, worker+pool, postgres, redis, load; postgres PSS)",
            flush=True,
        )
        rows, totals = [], defaultdict(int)
        started = time.time()
        for minute in range(1, math.ceil(args.minutes) + 1):
            time.sleep(max(0.0, min(started + 60 * minute, stop_at) - time.time()))
            samples = rec.take()
            parent.send("stats")
            ws = parent.recv() if parent.poll(5) else {"open": -1, "frames": -1, "dropped": -1, "failed": -1}
            ms = [s[2] * 1000 for s in samples] or [0.0]
            errors = sum(1 for s in samples if s[3] >= 500)
            refused = sum(1 for s in samples if 400 <= s[3] < 500)
            memory = {
                "daphne": rss_mb(daphne.pid),
                "worker": rss_mb(worker.pid) + sum(rss_mb(p) for p in children(worker.pid)),
                "postgres": sum(rss_mb(p) for p in postgres_pids(database)),
                "postgres_pss": sum(pss_mb(p) for p in postgres_pids(database)),
                "redis": rss_mb(redis_pid()) if redis_pid() else 0.0,
                "load": rss_mb(os.getpid()) + (rss_mb(sockets.pid) if sockets.pid else 0.0),
            }
            row = {
                "minute": minute,
                "requests": len(samples),
                "p50": percentile(ms, 50),
                "p95": percentile(ms, 95),
                "p99": percentile(ms, 99),
                "max": max(ms),
                "errors": errors,
                "refused": refused,
                "ws_open": ws["open"],
                "frames": ws["frames"],
                "drops": ws["dropped"],
                **memory,
            }
            rows.append(row)
            totals["requests"] += len(samples)
            totals["errors"] += errors
            totals["refused"] += refused
            print(
                f"{minute:>3} {len(samples):>6} {row['p50']:>7.1f} {row['p95']:>7.1f} {row['p99']:>7.1f} {row['max']:>7.1f} "
                f"{errors:>4} {refused:>4} {ws['open']:>4} {ws['frames']:>7} {ws['dropped']:>5}  "
                + ", ".join(f"{memory[k]:.0f}" for k in ("daphne", "worker", "postgres", "redis", "load"))
                + f"; {memory['postgres_pss']:.0f}",
                flush=True,
            )
        print(
            f"total: {totals['requests']} requests, {totals['errors']} errors (5xx, refused, timeouts), "
            f"{totals['refused']} 4xx; websockets that never got subscribed (retried): {ws['failed']}, "
            f"dropped after subscribing: {ws['dropped']}; daphne alive: {daphne.poll() is None}, "
            f"worker alive: {worker.poll() is None}",
            flush=True,
        )
        path = Path(args.plot) if args.plot else ROOT / "bench" / "out" / "soak.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        plot(rows, path)
    finally:
        if sockets is not None:
            sockets.terminate()
        stop(daphne)
        stop(worker)


def plot(rows: list[dict], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    minutes = [r["minute"] for r in rows]
    fig, (lat, mem) = plt.subplots(2, 1, figsize=(10, 7), sharex=True)
    for key in ("p50", "p95", "p99"):
        lat.plot(minutes, [r[key] for r in rows], marker="o", label=key)
    lat.set_ylabel("HTTP latency, ms")
    lat.set_title("Atrium soak: latency and memory per minute")
    lat.legend()
    lat.grid(alpha=0.3)
    for key in ("daphne", "worker", "postgres", "postgres_pss", "redis", "load"):
        label = "postgres (PSS)" if key == "postgres_pss" else key
        mem.plot(
            minutes,
            [r[key] for r in rows],
            marker=".",
            label=label,
            linestyle=":" if key == "postgres_pss" else "-",
        )
    mem.set_ylabel("RSS (PostgreSQL also PSS), MB")
    mem.set_xlabel("minute")
    mem.legend()
    mem.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    print(f"plot: {path}", flush=True)


if __name__ == "__main__":
    main()
