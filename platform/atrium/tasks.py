"""Platform-level Celery tasks (public schema)."""

from __future__ import annotations

import platform
import random

from celery import shared_task


@shared_task(name="atrium.fan_out_to_accounts")
def fan_out_to_accounts(task_name: str, spread_seconds: float = 0, kwargs: dict | None = None) -> int:
    """Queue `task_name` once per account in service, each inside its own schema, spread over time."""
    from atrium.celery import app
    from tenants_shared.accounts.selectors import accounts_in_service

    count = 0
    for schema_name in accounts_in_service().values_list("schema_name", flat=True).iterator():
        app.send_task(
            task_name,
            kwargs=kwargs or {},
            headers={"_schema_name": schema_name},
            countdown=random.uniform(0, spread_seconds) if spread_seconds else None,
        )
        count += 1
    return count


@shared_task(name="atrium.runtime_report")
def runtime_report() -> dict:
    """What the worker process runs on; lets tests prove `platform` is the standard library's, and
    see which database session a task used."""
    from django.db import connection

    from atrium.health import stdlib_platform_in_use

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        db_pid = cur.fetchone()[0]
    return {
        "system": platform.system(),
        "stdlib_platform": stdlib_platform_in_use(),
        "schema": connection.schema_name,
        "db_pid": db_pid,
    }
