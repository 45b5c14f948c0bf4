"""The task outbox: record in the transaction, send after commit, sweep what was not sent.

    enqueue_for_account (kernel/tasks.py)
      └ record(): a TaskOutbox row in the current transaction (the schema it writes to)
      └ on commit: deliver(): publish with the row's id in the `_outbox` header, mark it sent
    beat, every minute: sweep() in public and in every account's schema re-sends rows that were
      committed but never reached the broker (it was down), oldest first
    worker (kernel/outbox/task.py): a task whose row is done is skipped; the row is marked done
      when the task succeeds, under a lock on the key, so a task delivered twice has one effect

Delivery is at least once (a row sent just before the broker lost it is only seen as sent);
the key makes a second delivery of work that was carried out a no-op.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django_tenants.utils import schema_context

from .models import TaskOutbox

logger = logging.getLogger("kernel.outbox")
# rows younger than this are left to their own after-commit attempt
SWEEP_GRACE = timedelta(seconds=float(os.environ.get("ATRIUM_OUTBOX_SWEEP_GRACE_SECONDS", "30")))
SWEEP_BATCH = 500
KEEP_FOR = timedelta(days=7)


def record(
    task_name: str,
    *,
    schema_name: str,
    kwargs: dict,
    countdown: float | None = None,
    once_key: str | None = None,
    once_seconds: int = 120,
) -> TaskOutbox:
    """Write the row inside the caller's transaction and send it once that commits."""
    row = TaskOutbox.objects.create(
        task_name=task_name,
        schema_name=schema_name,
        kwargs=kwargs,
        countdown=countdown,
        once_key=once_key or "",
        once_seconds=once_seconds,
    )
    row_schema = connection.schema_name
    transaction.on_commit(lambda: deliver(row, row_schema=row_schema))
    return row


def deliver(row: TaskOutbox, *, row_schema: str, countdown: float | None = None) -> bool:
    """Publish the row's task (bounded time when the broker is gone) and mark it sent. False when
    the broker did not take it: the row stays unsent for the sweep."""
    from kernel.tasks import send_now

    sent = send_now(
        row.task_name,
        schema_name=row.schema_name,
        countdown=row.countdown if countdown is None else countdown,
        once_key=row.once_key or None,
        once_seconds=row.once_seconds,
        headers={"_outbox": str(row.pk), "_outbox_schema": row_schema},
        **row.kwargs,
    )
    if sent:
        with schema_context(row_schema):
            TaskOutbox.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    return sent


def sweep() -> int:
    """Send again the rows of the current schema that were committed and never sent; stop at the
    first the broker refuses (it is still down: the next sweep goes on). Forget old rows."""
    now = timezone.now()
    row_schema = connection.schema_name
    sent = 0
    with transaction.atomic():
        # skip_locked: two sweeps at once (a beat restarted) never send one row twice
        rows = list(
            TaskOutbox.objects.select_for_update(skip_locked=True)
            .filter(sent_at__isnull=True, created_at__lt=now - SWEEP_GRACE)
            .order_by("created_at")[:SWEEP_BATCH]
        )
        for row in rows:
            due = row.created_at + timedelta(seconds=row.countdown or 0)
            if not deliver(
                row, row_schema=row_schema, countdown=max(0.0, (due - now).total_seconds()) or None
            ):
                logger.warning("outbox sweep in %s: broker still unavailable", row_schema)
                break
            sent += 1
    TaskOutbox.objects.filter(created_at__lt=now - KEEP_FOR).exclude(sent_at__isnull=True).delete()
    if sent:
        logger.info("outbox sweep in %s: %d tasks sent again", row_schema, sent)
    return sent


# ---------------------------------------------------------------------------- worker side
def _lock_key(row_id: str) -> int:
    import zlib

    return zlib.crc32(f"kernel.outbox:{row_id}".encode())


def begin(row_id: str, row_schema: str) -> bool:
    """The worker is about to carry out the row's task: wait for any other delivery of the same
    key to finish (a session advisory lock, released if that worker dies), then say whether the
    work is still to be done. False: it was done, skip it (the lock is released)."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [_lock_key(row_id)])
    with schema_context(row_schema):
        done = TaskOutbox.objects.filter(pk=row_id, done_at__isnull=False).exists()
    if done:
        end(row_id)
    return not done


def finish(row_id: str, row_schema: str) -> None:
    with schema_context(row_schema):
        TaskOutbox.objects.filter(pk=row_id, done_at__isnull=True).update(done_at=timezone.now())


def end(row_id: str) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s)", [_lock_key(row_id)])
