"""Exactly once, with real processes: two ticks at the same moment (two beats, or a retried task
beside the first) in two processes, and a process killed with SIGKILL in the middle of filing
then finished by two more. Every due occurrence has one row and one ticket; no ticket exists
that no occurrence names (the killed process's open transaction rolled back whole)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from tenant_apps.desk.models import Ticket
from tenant_apps.schedules.models import Occurrence, OccurrenceState
from tests.schedules.conftest import make_schedule
from tests.support.context import in_account
from tests.support.processes import ROOT, child_env, wait_for
from tests.support.worlds import make_mall

pytestmark = pytest.mark.live

NOW = datetime(2026, 1, 31, 12, tzinfo=UTC)
TITLE = "Inspect the boiler room"

TICK = """
import os, sys, time
import django
django.setup()
from datetime import datetime
from django_tenants.utils import tenant_context
from kernel.tenancy import account_model
from tenant_apps.schedules import services
go = sys.argv[3]
while not os.path.exists(go):
    time.sleep(0.005)
account = account_model().objects.get(schema_name=sys.argv[1])
with tenant_context(account):
    filed = services.materialize_due_occurrences(now=datetime.fromisoformat(sys.argv[2]))
print("filed", filed, flush=True)
"""


def start_tick(schema: str, go: str, log_dir) -> subprocess.Popen:
    log = open(log_dir / f"tick-{time.monotonic_ns()}.log", "w")  # noqa: SIM115 - the child keeps it
    env = {**child_env(), "DJANGO_SETTINGS_MODULE": "atrium.settings"}
    return subprocess.Popen(
        [sys.executable, "-c", TICK, schema, NOW.isoformat(), go],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def mall_with_schedules(count: int):
    mall = make_mall()  # committed: other processes see it
    with in_account(mall):
        for n in range(count):
            # daily since 1 Jan 09:00: 31 occurrences each are due on 31 Jan at noon
            make_schedule(
                mall, name=f"Round {n}", first_at=datetime(2026, 1, 1, 9, tzinfo=UTC), period_unit="days"
            )
    return mall


def ledger(mall) -> tuple[int, int, int, list]:
    """(occurrence rows, rows with a ticket, the schedules' tickets, rows per key more than once)."""
    with in_account(mall):
        rows = list(Occurrence.objects.values_list("schedule_id", "due_at", "state", "ticket_id"))
        tickets = Ticket.objects.filter(title=TITLE).count()
    keys = [(s, d) for s, d, _state, _t in rows]
    doubles = [k for k in set(keys) if keys.count(k) > 1]
    with_ticket = [t for _s, _d, state, t in rows if state == OccurrenceState.CREATED and t is not None]
    assert len(with_ticket) == len(set(with_ticket))  # no ticket named by two occurrences
    return len(rows), len(with_ticket), tickets, doubles


def run_together(mall, n: int, tmp_path) -> list[subprocess.Popen]:
    go = tmp_path / f"go-{time.monotonic_ns()}"
    procs = [start_tick(mall.schema, str(go), tmp_path) for _ in range(n)]
    time.sleep(3)  # both have imported Django and wait at the line
    go.write_text("go")
    return procs


def test_two_ticks_at_once_file_each_occurrence_once(live_db, tmp_path):
    mall = mall_with_schedules(3)
    procs = run_together(mall, 2, tmp_path)
    for proc in procs:
        assert proc.wait(300) == 0
    logs = [p.read_text() for p in tmp_path.glob("tick-*.log")]
    filed = [int(line.split()[1]) for log in logs for line in log.splitlines() if line.startswith("filed ")]
    assert len(filed) == 2, logs
    assert sum(filed) == 93, filed  # 3 schedules x 31 days, split between the two ticks
    assert ledger(mall) == (93, 93, 93, [])


def test_a_tick_killed_halfway_is_finished_by_the_next_ones_exactly_once(live_db, tmp_path):
    mall = mall_with_schedules(3)
    (victim,) = run_together(mall, 1, tmp_path)

    def filed_so_far():
        with in_account(mall):
            return Occurrence.objects.filter(state=OccurrenceState.CREATED).count()

    wait_for(lambda: filed_so_far() >= 5, timeout=120, interval=0.02)
    os.kill(victim.pid, signal.SIGKILL)  # in the middle of filing (a ticket's transaction open)
    victim.wait(30)
    halfway = ledger(mall)
    assert halfway[1] < 93  # it did not finish
    assert halfway[1] == halfway[2]  # and left no ticket without its occurrence
    # the next beat comes twice at once (a retried task beside it)
    procs = run_together(mall, 2, tmp_path)
    for proc in procs:
        assert proc.wait(300) == 0
    assert ledger(mall) == (93, 93, 93, [])
    with in_account(mall):
        assert not Occurrence.objects.exclude(state=OccurrenceState.CREATED).exists()
