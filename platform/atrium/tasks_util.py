"""Queueing work for an account: after commit, with the account's schema named explicitly."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction


def enqueue_for_account(
    task_name: str,
    *,
    schema_name: str,
    countdown: float | None = None,
    once_key: str | None = None,
    once_seconds: int = 120,
    **kwargs,
) -> None:
    """Queue `task_name` to run inside `schema_name` once the current transaction commits.

    Tasks receive ids, never model instances; the worker switches to the schema before the task
    body runs (tenant-schemas-celery reads the `_schema_name` header).

    `once_key`: queue it only if no task under that key is waiting. The mark is set when the task
    is queued; the task calls `starting(once_key)` before it reads anything, so work committed
    after that read queues the next one. The mark expires after `once_seconds`, so a task lost on
    the way holds nothing back for longer.
    """
    from atrium.celery import app

    def send() -> None:
        if once_key is not None and not cache.add(once_key, 1, timeout=once_seconds):
            return  # one is waiting; it will read what this transaction committed
        app.send_task(task_name, kwargs=kwargs, headers={"_schema_name": schema_name}, countdown=countdown)

    transaction.on_commit(send)


def starting(once_key: str) -> None:
    """A task queued with `once_key` begins: from now on a new commit queues another one."""
    cache.delete(once_key)
