"""Tasks run inside the schema of the account they name, in a real worker process."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context
from knox.models import AuthToken

from atrium.celery import app
from tenant_apps.people.models import User
from tenants_shared.accounts.services import close_account
from tests.support.processes import wait_for
from tests.support.worlds import provision

pytestmark = pytest.mark.live


def welcome_sent(schema: str, user_id: int):
    with schema_context(schema):
        return User.objects.get(pk=user_id).welcome_sent_at


def test_task_for_account_a_writes_in_a_and_not_in_b(celery_worker):
    a = provision(send_welcome=True)  # queues people.send_welcome_email for A's admin after commit
    b = provision()
    assert a.admin.pk == b.admin.pk  # same id in both schemas: only the schema tells them apart
    wait_for(lambda: welcome_sent(a.account.schema_name, a.admin.pk))
    assert welcome_sent(b.account.schema_name, b.admin.pk) is None
    mails = "".join(p.read_text() for p in Path(os.environ["ATRIUM_MAIL_DIR"]).glob("*.log"))
    assert a.admin.email in mails and a.account.name in mails
    assert b.admin.email not in mails


def _expired_token(schema: str) -> None:
    with schema_context(schema):
        instance, _ = AuthToken.objects.create(user=User.objects.get(pk=1))
        AuthToken.objects.filter(pk=instance.pk).update(expiry=timezone.now() - timedelta(hours=1))


def _tokens(schema: str) -> int:
    with schema_context(schema):
        return AuthToken.objects.count()


def test_scheduled_work_fans_out_to_every_account_in_service(celery_worker):
    live_one, live_two, closed = provision(), provision(), provision()
    for made in (live_one, live_two, closed):
        _expired_token(made.account.schema_name)
    close_account(account=closed.account, reason="gone")
    connection.set_schema_to_public()

    result = app.send_task(
        "atrium.fan_out_to_accounts", kwargs={"task_name": "people.purge_expired_tokens", "spread_seconds": 0}
    )
    assert result.get(timeout=20) >= 2
    wait_for(
        lambda: _tokens(live_one.account.schema_name) == 0 and _tokens(live_two.account.schema_name) == 0
    )
    assert _tokens(closed.account.schema_name) == 1


def test_a_worker_drops_a_database_session_that_died_and_goes_on(celery_worker):
    """Workers keep their sessions between tasks; one the database ended (a restart, an operator)
    fails at most the next task of its thread, never the tasks after it."""

    def report():
        return app.send_task("atrium.runtime_report").get(timeout=20)

    pids = {report()["db_pid"] for _ in range(6)}
    assert len(pids) <= 2  # two threads, each keeping its session
    with connection.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [list(pids)])
    outcomes = []
    for _ in range(8):
        try:
            outcomes.append(report()["db_pid"])
        except Exception as exc:  # noqa: BLE001 - the first task of each thread may fail
            outcomes.append(type(exc).__name__)
    failures = [o for o in outcomes if isinstance(o, str)]
    assert len(failures) <= 2, outcomes
    assert isinstance(outcomes[-1], int) and outcomes[-1] not in pids, outcomes
