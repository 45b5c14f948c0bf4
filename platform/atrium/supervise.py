"""The development supervisor restarts a process that died instead of stopping everything.

honcho's Manager stops every process as soon as one exits: a worker that crashed (or a web
process killed by the kernel) took the whole `./dev up` down, embedded servers included. Each
Procfile command runs inside a small shell loop instead: when it exits, the loop says so and
starts it again after a backoff (1 s, doubling to 30 s; back to 1 s after a run of a minute).
Ctrl-C still stops everything: honcho signals each process group, the loop with its child.
"""

from __future__ import annotations

import shlex


def restarting(name: str, command: str, *, first_delay: float = 1.0, max_delay: float = 30.0) -> str:
    """`command` wrapped in a restart loop with backoff (a POSIX shell command line)."""
    label = shlex.quote(f"[atrium] {name}")
    return (
        f"delay={first_delay}; "
        "while true; do "
        "started=$(date +%s); "
        f"( {command} ); "
        "code=$?; "
        "if [ $(( $(date +%s) - started )) -ge 60 ]; then delay=" + f"{first_delay}" + "; fi; "
        f'echo {label}" exited with status $code; restarting in ${{delay}}s" >&2; '
        "sleep $delay; "
        f"delay=$(awk -v d=\"$delay\" 'BEGIN {{ d = d * 2; if (d > {max_delay}) d = {max_delay}; print d }}'); "
        "done"
    )
