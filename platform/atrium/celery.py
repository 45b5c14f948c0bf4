"""The Celery app. Tasks run inside the schema of the account they name (tenant-schemas-celery)."""

import os

from celery.signals import task_prerun
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")

app = CeleryApp("atrium")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Celery's Django fixup closes the database after every task, and in a prefork child with a
# connection pool it closes the whole pool: every task would open a new PostgreSQL session with cold
# catalog caches, and the live publisher's thread would find the pool closed under it. Recycle the
# sessions after this many tasks instead (the fixup reads this key).
app.conf["CELERY_DB_REUSE_MAX"] = int(os.environ.get("ATRIUM_CELERY_DB_REUSE_MAX", "1000"))


@task_prerun.connect
def _drop_broken_connections(**_kwargs) -> None:
    """What Django does between requests, less the age limit: a session that saw an error and no
    longer answers (the database restarted), or was left outside autocommit, is dropped before
    the next task, so one failure never spreads to the tasks after it."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]:
            conn.close()
        elif conn.errors_occurred:
            if conn.is_usable():
                conn.errors_occurred = False
            else:
                conn.close()


app.autodiscover_tasks(
    [
        "atrium",
        "tenants_shared.accounts",
        "tenant_apps.people",
        "tenant_apps.desk",
        "tenant_apps.approvals",
        "tenant_apps.notices",
        "billing",
        "federation",
    ]
)

# One beat entry per job; jobs for accounts fan out to every account in service, with jitter.
app.conf.beat_schedule = {
    "purge-expired-tokens": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 3600.0,
        "kwargs": {"task_name": "people.purge_expired_tokens", "spread_seconds": 300},
    },
    "approval-reminders": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 900.0,
        "kwargs": {"task_name": "approvals.remind_overdue", "spread_seconds": 120},
    },
    "federation-sweep-outbox": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 60.0,
        "kwargs": {"task_name": "federation.sweep_outbox", "spread_seconds": 30},
    },
    "drop-closed-accounts": {"task": "accounts.drop_closed_accounts", "schedule": 24 * 3600.0},
}
