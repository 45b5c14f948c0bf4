"""Queueing work for an account: after commit, with the account's schema named explicitly."""

from __future__ import annotations

from django.db import transaction


def enqueue_for_account(
    task_name: str, *, schema_name: str, countdown: float | None = None, **kwargs
) -> None:
    """Queue `task_name` to run inside `schema_name` once the current transaction commits.

    Tasks receive ids, never model instances; the worker switches to the schema before the task
    body runs (tenant-schemas-celery reads the `_schema_name` header).
    """
    from atrium.celery import app

    def send() -> None:
        app.send_task(task_name, kwargs=kwargs, headers={"_schema_name": schema_name}, countdown=countdown)

    transaction.on_commit(send)
