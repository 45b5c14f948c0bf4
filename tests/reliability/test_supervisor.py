"""`./dev up`'s supervisor: a Procfile process that dies is started again (with a backoff), and
stopping the supervisor (Ctrl-C: honcho signals each process group) stops the loop with it."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from atrium.supervise import restarting
from tests.support.processes import wait_for


def test_a_dying_process_is_started_again_and_a_stop_ends_it_all(tmp_path):
    runs = tmp_path / "runs"
    # dies twice, then stays up (as a worker that crashed while Redis was away, then recovered)
    command = f"echo run >> {runs}; [ $(wc -l < {runs}) -ge 3 ] && exec sleep 60; exit 3"
    loop = subprocess.Popen(
        ["/bin/sh", "-c", restarting("worker", command, first_delay=0.1, max_delay=0.2)],
        start_new_session=True,  # as honcho runs it: its own process group
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: runs.exists() and len(runs.read_text().split()) >= 3, timeout=15)
        time.sleep(0.5)
        assert loop.poll() is None  # still supervising the third run
        assert len(runs.read_text().split()) == 3  # the run that stays up is not restarted
    finally:
        os.killpg(loop.pid, signal.SIGTERM)  # what honcho does on Ctrl-C
        loop.wait(10)
    err = loop.stderr.read()
    assert err.count("[atrium] worker exited with status 3; restarting") == 2, err

    def group_gone() -> bool:
        leftover = subprocess.run(["pgrep", "-g", str(loop.pid)], capture_output=True, text=True).stdout
        return leftover.strip() == ""

    wait_for(group_gone, timeout=10)  # nothing of the group outlives the stop
