"""The task outbox with real processes: a daphne and a worker on a Redis of the test's own. Work
committed while the broker is down (an invitation's mail) is kept in the outbox in the same
transaction, sent by the sweep once Redis is back, and carried out once: a second sweep sends
nothing and a second delivery of the same task is skipped (docs/operations.md, "Redis")."""

from __future__ import annotations

import email
import sys
from pathlib import Path

import pytest
import requests
from django_tenants.utils import schema_context
from kernel.outbox.models import TaskOutbox

from tests.reliability.faults import OwnRedis, broker_app, free_port, redis_env, start_worker, wait_until
from tests.support.clients import LiveServer
from tests.support.processes import LiveProcess, wait_for
from tests.support.worlds import PASSWORD, provision

pytestmark = pytest.mark.live

CLIENT_TIMEOUT = 10


@pytest.fixture
def stack(live_db, tmp_path):
    redis = OwnRedis(tmp_path / "redis")
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # the sweep takes rows at once (in production it leaves young rows to their own attempt)
    env = {"ATRIUM_MAIL_DIR": str(mail_dir), "ATRIUM_OUTBOX_SWEEP_GRACE_SECONDS": "0"}
    port = free_port()
    web = LiveProcess(
        "daphne-outbox",
        [
            str(Path(sys.executable).parent / "daphne"),
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "atrium.asgi:application",
        ],
        tmp_path,
        env=redis_env(redis, **env),
    )
    server = LiveServer(port)
    wait_for(lambda: _healthy(server) or web.proc.poll() is not None, timeout=60)
    assert web.proc.poll() is None, web.log()
    worker = start_worker("celery-outbox", tmp_path, redis, **env)
    yield redis, server, worker, mail_dir
    worker.stop()
    web.stop()
    redis.close()


def _healthy(server) -> bool:
    try:
        return requests.get(server.base + "/healthz", timeout=1).status_code == 200
    except requests.RequestException:
        return False


def _mails_to(mail_dir: Path, address: str) -> list[email.message.Message]:
    """Every message the file backend wrote to the folder, addressed to `address`."""
    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for chunk in path.read_text().split("-" * 79):
            if chunk.strip():
                message = email.message_from_string(chunk.strip())
                if message["To"] == address:
                    found.append(message)
    return found


def test_an_invitation_made_while_the_broker_is_down_is_mailed_once_when_it_is_back(stack):
    redis, server, worker, mail_dir = stack
    made = provision()
    schema = made.account.schema_name
    host = f"{made.account.slug}.atrium.localhost"
    token = requests.post(
        server.base + "/api/v1/auth/tokens/",
        json={"email": made.admin.email, "password": PASSWORD},
        headers={"Host": host},
        timeout=CLIENT_TIMEOUT,
    ).json()["token"]
    invitee = f"new.agent@{made.account.slug}.example"

    redis.stop()
    try:
        invited = requests.post(
            server.base + "/api/v1/people/",
            json={"email": invitee, "full_name": "New Agent", "role": "engineer"},
            headers={"Host": host, "Authorization": f"Token {token}"},
            timeout=CLIENT_TIMEOUT,
        )
        assert invited.status_code == 201, invited.text
        with schema_context(schema):
            row = TaskOutbox.objects.get(task_name="people.send_invitation")
        # committed with the person, not sent: the broker was down
        assert row.kwargs == {"user_id": invited.json()["id"]} and row.sent_at is None, row.__dict__
    finally:
        redis.start()

    app = broker_app(redis)
    assert _mails_to(mail_dir, invitee) == []  # nothing sends it by itself...
    # ...until the beat's sweep (every minute) runs in the account: sent again, carried out once
    app.send_task("outbox.sweep", headers={"_schema_name": schema})
    mails = wait_for(lambda: _mails_to(mail_dir, invitee), timeout=60)
    assert len(mails) == 1 and "invited" in mails[0]["Subject"], [m["Subject"] for m in mails]
    with schema_context(schema):
        row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    wait_for(lambda: _done(schema, row.pk), timeout=30)

    # a sweep again sends nothing; the same task delivered twice (a sweep that lost its mark, a
    # broker redelivering) is recognised by its key and skipped
    app.send_task("outbox.sweep", headers={"_schema_name": schema})
    app.send_task(
        "people.send_invitation",
        kwargs=row.kwargs,
        headers={"_schema_name": schema, "_outbox": str(row.pk), "_outbox_schema": schema},
    )
    assert wait_until(lambda: f"outbox {row.pk} was carried out already" in worker.log(), timeout=60), (
        worker.log()[-3000:]
    )
    assert wait_until(lambda: worker.log().count("Task outbox.sweep[") >= 4, timeout=60)
    assert len(_mails_to(mail_dir, invitee)) == 1
    with schema_context(schema):
        row.refresh_from_db()
        assert row.attempts == 1  # the second sweep found nothing to send


def _done(schema: str, pk) -> bool:
    with schema_context(schema):
        return TaskOutbox.objects.filter(pk=pk, done_at__isnull=False).exists()
