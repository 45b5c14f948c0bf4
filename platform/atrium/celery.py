"""The Celery app. Tasks run inside the schema of the account they name (tenant-schemas-celery)."""

import os

from celery.signals import task_prerun
from kernel import taskapp
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")


def _closed_transport_is_a_connection_error() -> None:
    """kombu's Redis channel builds a client from its transport's connection; once the consumer's
    connection is closed (the broker went away) that is None, and a channel still restoring its
    unacknowledged messages died with `AttributeError: 'NoneType' object has no attribute
    'hostname'`, which Celery counts as unrecoverable: the worker exited. Say what it is, a lost
    connection, which the worker retries (tests/reliability/test_faults_worker.py)."""
    from kombu.transport import redis as kombu_redis

    original = kombu_redis.Channel._connparams
    if getattr(original, "atrium_guarded", False):
        return

    def connparams(self, asynchronous=False):
        transport = self.connection
        if transport is None or getattr(transport, "client", None) is None:
            raise kombu_redis.get_redis_ConnectionError()("the broker connection is closed")
        return original(self, asynchronous=asynchronous)

    connparams.atrium_guarded = True
    kombu_redis.Channel._connparams = connparams


_closed_transport_is_a_connection_error()

# every task skips work its outbox row says was carried out, and marks it (kernel/outbox/task.py)
app = CeleryApp("atrium", task_cls="kernel.outbox.task:OutboxTask")
# apps queue work through kernel.tasks, which sends with this app (they never import the wiring)
taskapp.install(app)
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
        "kernel.outbox",
        "tenants_shared.accounts",
        "tenant_apps.people",
        "tenant_apps.desk",
        "tenant_apps.approvals",
        "tenant_apps.notices",
        "tenant_apps.notifications",
        "tenant_apps.schedules",
        "tenant_apps.sla",
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
    # tokens, sessions and sockets of people whose access lapsed by the clock end within a minute
    "end-lapsed-access": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 60.0,
        "kwargs": {"task_name": "people.end_lapsed_access", "spread_seconds": 20},
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
    "desk-sweep-bulk-jobs": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 300.0,
        "kwargs": {"task_name": "desk.sweep_bulk_jobs", "spread_seconds": 60},
    },
    # tasks committed while the broker was down: sent again once it is back (kernel/outbox)
    "outbox-sweep-public": {"task": "outbox.sweep", "schedule": 60.0},
    "outbox-sweep-accounts": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 60.0,
        "kwargs": {"task_name": "outbox.sweep", "spread_seconds": 20},
    },
    # resolved work nobody confirmed within the type's (or the account's) days is confirmed
    "desk-auto-confirm": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 600.0,
        "kwargs": {"task_name": "desk.auto_confirm_due", "spread_seconds": 120},
    },
    # files uploaded before filing that no ticket adopted within a day (desk/uploads.py)
    "desk-delete-unadopted-uploads": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 3600.0,
        "kwargs": {"task_name": "desk.delete_unadopted_uploads", "spread_seconds": 300},
    },
    # notifications that wait for each person's digest (hourly or daily: tenant_apps/notifications)
    "notifications-digests": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 3600.0,
        "kwargs": {"task_name": "notifications.send_digests", "spread_seconds": 300},
    },
    # planned maintenance: each due occurrence filed once (tenant_apps/schedules, docs/schedules.md)
    "schedules-materialize": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 300.0,
        "kwargs": {"task_name": "schedules.materialize_due_occurrences", "spread_seconds": 60},
    },
    # SLA clocks: warnings and breaches due now, each fired once (tenant_apps/sla, docs/sla.md)
    "sla-check-due": {
        "task": "atrium.fan_out_to_accounts",
        "schedule": 60.0,
        "kwargs": {"task_name": "sla.check_due", "spread_seconds": 20},
    },
    "drop-closed-accounts": {"task": "accounts.drop_closed_accounts", "schedule": 24 * 3600.0},
    # spare schemas for sign-up (accounts/spares.py): topped up, rebuilt after a deploy
    "refill-spare-schemas": {"task": "accounts.refill_spare_schemas", "schedule": 60.0},
}
