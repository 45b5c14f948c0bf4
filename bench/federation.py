"""Federation on one deployment: change-to-partner latency and drain throughput, real worker.

    ./dev bench federation [--links 1000] [--per-link 5] [--changes 150] [--workers 2]

A mall account and a contractor account (provisioned as users sign up) in an active partnership.
Everything moves the production way: services write the change and its outbox row in one
transaction, the outbox listener queues `federation.drain_link` after commit, and a real Celery
worker (prefork, `--workers` processes, as in the Procfile) drains the link into the contractor's
inbox and applies it there. PostgreSQL and Redis are the embedded (or configured) servers; the
bench has its own database (`atrium_bench_federation`) and Redis databases (offset 10).

1. Latency: --changes changes committed one at a time on the mall's forwarded tickets (public
   comments and planned-date changes, round robin over 20 tickets); from the commit returning to
   the contractor's ticket showing the change (polled every 5 ms from this process).
2. Throughput: --links tickets filed and forwarded (each link established: the contractor answered
   with its number). The worker stops consuming; --per-link public comments are committed on every
   link (their drain tasks wait in the broker); the worker resumes, and the clock runs from then
   until the contractor has applied every message. Messages applied per second, end to end.

Targets (issue): p95 <= 1 s; >= 200 messages/s on this 2-core machine. Prints figures, never
pass/fail exits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This file's name is also the `federation` package's: the bench folder goes last on the path, so
# `import federation` finds the package (the project root comes first).
_HERE = str(Path(__file__).resolve().parent)
sys.path[:] = [p for p in sys.path if p not in (_HERE, "")] + [_HERE]
sys.path.insert(0, str(Path(_HERE).parent))
import federation  # noqa: E402  (the package, now and for every later import)

assert hasattr(federation, "__path__"), federation

os.environ.setdefault("ATRIUM_REDIS_DB_OFFSET", "10")  # the bench's own Redis databases (10-13)
os.environ["ATRIUM_ACCOUNT_CACHE_SECONDS"] = "0"

from _setup import ROOT, percentile, setup_django, summary  # noqa: E402

TARGET_P95_S = 1.0
TARGET_RATE = 200.0
TERMS = {
    "type_map": {"leak": "work_order", "breakdown": "work_order"},
    "status_to_provider": {"closed": "closed", "in_progress": "in_progress", "cancelled": "declined"},
    "status_to_requester": {"done": "resolved", "in_progress": "in_progress", "declined": "cancelled"},
    "attachments": True,
}
WORKER_NAME = f"fedbench-{os.getpid()}@{socket.gethostname()}"


def start_worker(log_path: Path, workers: int) -> subprocess.Popen:
    from atrium.celery import app

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "platform"), str(ROOT), env.get("PYTHONPATH", "")])
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "atrium",
            "worker",
            "-n",
            WORKER_NAME,
            "--concurrency",
            str(workers),
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env=env,
        cwd=str(ROOT),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 90
    while not app.control.ping(destination=[WORKER_NAME], timeout=0.5):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"celery worker did not start:\n{log_path.read_text()[-3000:]}")
    return proc


def stop_worker(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()


class Account:
    """Work inside an account with the Account as the connection's tenant (services need it)."""

    def __init__(self, made):
        self.made = made
        self.account = made.account
        self.admin = made.admin

    def __enter__(self):
        from django.db import connection

        connection.set_tenant(self.account)
        return self

    def __exit__(self, *exc):
        from django.db import connection

        connection.set_schema_to_public()


def provision(slug: str, kind: str):
    from tenants_shared.accounts.services import provision_account

    return Account(
        provision_account(
            name=f"Bench {kind} {slug}",
            slug=slug,
            kind=kind,
            admin_name="Bench Admin",
            admin_email=f"admin@{slug}.example",
            admin_password="Correct-Horse-42-battery",
            language="en",
            time_zone="UTC",
            send_welcome=False,
        )
    )


def wait(predicate, timeout: float, interval: float = 0.005):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def file_and_forward(mall: Account, pid, n: int, label: str) -> list[tuple[int, str]]:
    """n leak tickets filed and forwarded, each in its own transaction: [(ticket id, link id)]."""
    from django.db import transaction

    from federation import services as federation
    from tenant_apps.desk import services as desk
    from tenant_apps.desk.models import TicketType

    out = []
    with mall:
        leak = TicketType.objects.get(code="leak")
        for i in range(n):
            with transaction.atomic():
                ticket = desk.file_ticket(
                    actor=mall.admin,
                    ticket_type=leak,
                    title=f"{label} {i}: water under the escalator",
                    description="Near the north escalator",
                    fields={"severity": "stream"},
                )
                link = federation.forward_ticket(
                    actor=mall.admin, ticket=ticket, partnership_id=pid, note="Bench"
                )
            out.append((ticket.pk, str(link.pk)))
    return out


def established(mall: Account, link_ids: list[str]) -> int:
    from federation.models import TicketLink

    with mall:
        return TicketLink.objects.filter(pk__in=link_ids).exclude(remote_ref="").count()


def measure_latency(mall: Account, contractor: Account, pairs, changes: int) -> tuple[list, dict]:
    from django.db import connection

    from tenant_apps.desk import services as desk
    from tenant_apps.desk.models import Comment, Ticket

    their = {}
    with contractor:
        for _tid, link_id in pairs:
            their[link_id] = Ticket.objects.get(federation_links__pk=link_id).pk
    kinds: dict[str, list[float]] = {"comment": [], "planned date": []}
    times: list[float] = []
    missed = 0
    base = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
    for i in range(changes):
        ticket_id, link_id = pairs[i % len(pairs)]
        with mall:
            ticket = Ticket.objects.get(pk=ticket_id)
            if i % 3 == 2:
                kind, start = "planned date", base + dt.timedelta(minutes=i)
                desk.update_ticket(actor=mall.admin, ticket=ticket, changes={"planned_start": start})
            else:
                kind, marker = "comment", f"bench change {i}"
                desk.add_comment(actor=mall.admin, ticket=ticket, body=marker)
        t0 = time.perf_counter()  # the service's transaction has committed
        connection.set_tenant(contractor.account)
        if kind == "comment":
            arrived = wait(
                Comment.objects.filter(ticket_id=their[link_id], body__startswith=marker).exists, 30
            )
        else:
            arrived = wait(Ticket.objects.filter(pk=their[link_id], planned_start=start).exists, 30)
        elapsed = time.perf_counter() - t0
        connection.set_schema_to_public()
        if not arrived:
            missed += 1
            continue
        times.append(elapsed)
        kinds[kind].append(elapsed)
    return times, {"kinds": kinds, "missed": missed}


def applied_comments(contractor: Account) -> int:
    from federation.models import InboxMessage

    with contractor:
        return InboxMessage.objects.filter(kind="comment", applied_at__isnull=False).count()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and its living children, from /proc: the worker's
    own cost of the drain, which the machine's load stretches less than the wall clock."""
    tick = os.sysconf("SC_CLK_TCK")
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
            todo += [int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return total


def measure_throughput(mall: Account, contractor: Account, pairs, per_link: int, worker_pid: int) -> dict:
    from django.db import transaction

    from atrium.celery import app
    from tenant_apps.desk import services as desk
    from tenant_apps.desk.models import Ticket

    before = applied_comments(contractor)
    replies = app.control.cancel_consumer("celery", destination=[WORKER_NAME], reply=True, timeout=5)
    assert replies, "the worker did not stop consuming"
    time.sleep(1)  # tasks already taken finish
    t0 = time.perf_counter()
    with mall:
        for ticket_id, _link in pairs:
            ticket = Ticket.objects.get(pk=ticket_id)
            for j in range(per_link):
                with transaction.atomic():
                    desk.add_comment(actor=mall.admin, ticket=ticket, body=f"burst {j} on {ticket_id}")
    write_s = time.perf_counter() - t0
    total = len(pairs) * per_link
    cpu0 = cpu_seconds(worker_pid)
    app.control.add_consumer("celery", destination=[WORKER_NAME], reply=True, timeout=5)
    t1 = time.perf_counter()
    marks = []
    done = before
    while done - before < total and time.perf_counter() - t1 < 900:
        time.sleep(0.25)
        done = applied_comments(contractor)
        marks.append((time.perf_counter() - t1, done - before))
    drain_s = time.perf_counter() - t1
    worker_cpu = cpu_seconds(worker_pid) - cpu0
    applied = done - before
    # the middle of the run (10%..90% of the messages), without the start-up and the tail
    lo = next((t, n) for t, n in marks if n >= 0.1 * total) if applied >= total else None
    hi = next((t, n) for t, n in marks if n >= 0.9 * total) if applied >= total else None
    steady = (hi[1] - lo[1]) / (hi[0] - lo[0]) if lo and hi and hi[0] > lo[0] else None
    return {
        "total": total,
        "applied": applied,
        "write_s": write_s,
        "drain_s": drain_s,
        "rate": applied / drain_s if drain_s else 0.0,
        "steady": steady,
        "worker_cpu_ms": worker_cpu * 1000 / applied if applied else 0.0,
    }


def check_order_and_once(mall: Account, contractor: Account, link_ids: list[str]) -> str:
    """Each link: the mall's outbox all sent; the contractor applied seqs 1..n once, in order."""
    from django.db.models import Count, Max

    from federation.models import InboxMessage, OutboxMessage, TicketLink

    with mall:
        unsent = OutboxMessage.objects.filter(link_id__in=link_ids, sent_at__isnull=True).count()
        out = dict(
            OutboxMessage.objects.filter(link_id__in=link_ids)
            .values_list("link_id")
            .annotate(n=Max("seq"))
            .values_list("link_id", "n")
        )
    with contractor:
        ins = {
            row["link_id"]: row
            for row in InboxMessage.objects.filter(link_id__in=link_ids)
            .values("link_id")
            .annotate(n=Count("pk"), top=Max("seq"))
        }
        last = dict(TicketLink.objects.filter(pk__in=link_ids).values_list("pk", "last_in_seq"))
        parked = InboxMessage.objects.filter(parked_at__isnull=False).count()
        unapplied = InboxMessage.objects.filter(link_id__in=link_ids, applied_at__isnull=True).count()
    bad = [
        lid
        for lid, top in out.items()
        if ins.get(lid, {}).get("n") != top or ins[lid]["top"] != top or last.get(lid) != top
    ]
    return (
        f"outbox unsent {unsent}, inbox unapplied {unapplied}, parked {parked}, "
        f"links whose inbox is not exactly seq 1..n applied once: {len(bad)} of {len(out)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=1000)
    parser.add_argument("--per-link", type=int, default=5)
    parser.add_argument("--changes", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    started = time.perf_counter()
    setup_django("atrium_bench_federation")
    import redis
    from django.conf import settings
    from django.db import connections

    from federation import services as federation
    from tenants_shared.accounts.template import ensure_template

    for db in range(4):  # the bench's own Redis databases: no stale tasks from an earlier run
        redis.Redis.from_url(f"{settings.REDIS_URL}/{db + settings.REDIS_DB_OFFSET}").flushdb()
    ensure_template()
    mall, contractor = provision("bench-mall", "mall_operator"), provision("bench-contractor", "contractor")
    with mall:
        p = federation.invite_partner(
            actor=mall.admin, partner=contractor.account.slug, terms=TERMS, note="Bench"
        )
    with contractor:
        federation.accept_partnership(actor=contractor.admin, partnership=p, terms={})
    connections.close_all()
    log_dir = Path(tempfile.mkdtemp(prefix="atrium-bench-federation-"))
    worker = None
    try:
        worker = start_worker(log_dir / "celery.log", args.workers)
        print(
            f"set-up {time.perf_counter() - started:.1f} s; worker: prefork x{args.workers} "
            f"(log {log_dir / 'celery.log'})",
            flush=True,
        )

        # 1. latency
        pairs = file_and_forward(mall, p.pk, 20, "latency")
        ok = wait(lambda: established(mall, [lid for _t, lid in pairs]) == len(pairs), 120, 0.1)
        assert ok, "links were not established"
        load_before = os.getloadavg()
        latency, info = measure_latency(mall, contractor, pairs, args.changes)
        load_latency = os.getloadavg()

        # 2. throughput
        t0 = time.perf_counter()
        many = file_and_forward(mall, p.pk, args.links, "burst")
        link_ids = [lid for _t, lid in many]
        ok = wait(lambda: established(mall, link_ids) == len(many), 900, 0.5)
        setup_links_s = time.perf_counter() - t0
        assert ok, "links were not established"
        print(
            f"{args.links} links filed, forwarded and established in {setup_links_s:.1f} s "
            f"({args.links / setup_links_s:.0f} links/s incl. the contractor's tickets)",
            flush=True,
        )
        thr = measure_throughput(mall, contractor, many, args.per_link, worker.pid)
        load_throughput = os.getloadavg()
        check = check_order_and_once(mall, contractor, link_ids + [lid for _t, lid in pairs])
    finally:
        stop_worker(worker)

    print(f"\n== federation, same deployment, {os.cpu_count()} CPUs ==")
    print(
        f"1-min load average: before {load_before[0]:.1f}, after latency {load_latency[0]:.1f}, "
        f"after throughput {load_throughput[0]:.1f}"
    )
    print("  " + summary("change committed -> partner updated", latency))
    for kind, values in info["kinds"].items():
        if values:
            print("  " + summary(f"  {kind}", values))
    if info["missed"]:
        print(f"  {info['missed']} changes did not arrive within 30 s")
    print(
        f"  burst: {thr['total']} messages ({args.per_link} comments x {args.links} links) written in "
        f"{thr['write_s']:.1f} s ({thr['total'] / thr['write_s']:.0f}/s, while the worker waited)"
    )
    steady = f", steady (10%-90%) {thr['steady']:.0f} messages/s" if thr["steady"] else ""
    print(
        f"  drain: {thr['applied']} of {thr['total']} applied in {thr['drain_s']:.1f} s -> "
        f"{thr['rate']:.0f} messages/s end to end{steady}"
    )
    print(
        f"  worker CPU per applied message: {thr['worker_cpu_ms']:.1f} ms (user + system of the worker and "
        "its pool during the drain; less stretched by the machine's load than the rate)"
    )
    print(f"  order and exactly-once: {check}")
    p95 = percentile(latency, 95) if latency else float("inf")
    print(
        f"\ntarget latency p95 <= {TARGET_P95_S:.0f} s: {'met' if p95 <= TARGET_P95_S else 'NOT met'} "
        f"(p95 {p95 * 1000:.0f} ms over {len(latency)} changes)"
    )
    print(
        f"target throughput >= {TARGET_RATE:.0f} messages/s: "
        f"{'met' if thr['rate'] >= TARGET_RATE else 'NOT met'} ({thr['rate']:.0f} messages/s)"
    )
    print(f"total bench time: {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
