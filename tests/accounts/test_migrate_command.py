"""The deploy-time migration (`manage.py migrate_accounts`) as operators run it: a real process
against the test database, parallel executor included."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.support.processes import ROOT, child_env
from tests.support.worlds import provision

pytestmark = pytest.mark.live


def test_migrate_accounts_runs_the_parallel_executor_to_the_end(live_db):
    provision(), provision(kind="contractor")
    env = {**child_env(), "ATRIUM_MIGRATE_SKIP_CURRENT": "0"}  # visit every schema, none skipped
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate_accounts", "--executor", "multiprocessing"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "accounts are migrated" in result.stdout
