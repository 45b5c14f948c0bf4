"""Queueing work for an account: after commit, with the account's schema named explicitly.

The broker (Redis) may be gone or frozen when a request commits. Every task queued here is first
written to the task outbox in the same transaction as the change (kernel/outbox): publishing
after commit gives up after a bounded time (a few retries within about a second, each socket wait
bounded by the broker's transport options) and never raises into the request that committed; the
change is made and answered, and the beat's outbox sweep sends the task once the broker is back.
The row's id travels with the task, so a task delivered twice is carried out once. A request whose
whole point is work for a worker checks the broker first (`require_broker`) and answers 503 before
writing anything.
"""

from __future__ import annotations

import logging
import time
from functools import lru_cache

from django.core.cache import cache

from kernel import taskapp
from kernel.errors import ServiceUnavailable, unavailable

logger = logging.getLogger("atrium.tasks")
# publishing from a request: a lost broker costs at most about a second, never the request
PUBLISH_RETRY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# after a publish failed for want of the broker, this process does not try again for a moment: one
# change that queues several tasks (its events' readers, the outbox) then waits once, not per task
BROKER_PAUSE_SECONDS = 2.0
_broker_down_until = 0.0


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

    The task is recorded in the task outbox inside the current transaction and sent after it
    commits (see the module's doc). Tasks receive ids, never model instances; the worker switches to the schema before the task
    body runs (tenant-schemas-celery reads the `_schema_name` header).

    `once_key`: queue it only if no task under that key is waiting. The mark is set when the task
    is queued; the task calls `starting(once_key)` before it reads anything, so work committed
    after that read queues the next one. The mark expires after `once_seconds`, so a task lost on
    the way holds nothing back for longer. Without Redis there is no mark: the task is queued.
    """

    from kernel.outbox.services import record

    record(
        task_name,
        schema_name=schema_name,
        kwargs=kwargs,
        countdown=countdown,
        once_key=once_key,
        once_seconds=once_seconds,
    )


def send_now(
    task_name: str,
    *,
    schema_name: str,
    countdown: float | None = None,
    once_key: str | None = None,
    once_seconds: int = 120,
    headers: dict | None = None,
    **kwargs,
) -> bool:
    """Publish now; False (logged) when the broker could not take it within the bounded time.
    `headers`: more task headers (the outbox's key)."""
    global _broker_down_until
    app = taskapp.app()
    if time.monotonic() < _broker_down_until:
        logger.warning("broker unavailable a moment ago: %s for %s not queued now", task_name, schema_name)
        return False
    try:
        if once_key is not None and not cache.add(once_key, 1, timeout=once_seconds):
            return True  # one is waiting; it will read what this transaction committed
    except Exception as exc:
        if not unavailable(exc):
            raise
        once_key = None
    try:
        # a bounded PING first: kombu's own connect (a new pooled connection) waits far longer
        # than PUBLISH_RETRY on a broker that accepts connections but does not answer (frozen)
        _broker_probe().ping()
        app.send_task(
            task_name,
            kwargs=kwargs,
            headers={"_schema_name": schema_name, **(headers or {})},
            countdown=countdown,
            # nobody waits for these results; without it the result backend subscribes to the
            # task's result channel first and, with Redis gone, retries that 20 times a second apart
            ignore_result=True,
            retry=True,
            retry_policy=PUBLISH_RETRY,
        )
    except Exception as exc:
        if not unavailable(exc):
            raise
        logger.warning("broker unavailable: %s for %s not queued now (%s)", task_name, schema_name, exc)
        _broker_down_until = time.monotonic() + BROKER_PAUSE_SECONDS
        if once_key is not None:
            _forget(once_key)
        return False
    return True


def starting(once_key: str) -> None:
    """A task queued with `once_key` begins: from now on a new commit queues another one."""
    _forget(once_key)


def _forget(key: str) -> None:
    try:
        cache.delete(key)
    except Exception as exc:
        if not unavailable(exc):
            raise


def require_broker() -> None:
    """Raise ServiceUnavailable (503) unless the broker answers a PING now, within the request
    timeout (ATRIUM_REDIS_TIMEOUT): for writes that only make sense with a worker to carry them out."""
    global _broker_down_until
    try:
        _broker_probe().ping()
        _broker_down_until = 0.0  # it answers: publish again at once
    except Exception as exc:
        if not unavailable(exc):
            raise
        logger.warning("broker unavailable for a write that needs it: %s", exc)
        raise ServiceUnavailable() from None


@lru_cache(maxsize=1)
def _broker_probe():
    import redis
    from django.conf import settings

    timeout = settings.REDIS_REQUEST_TIMEOUT
    return redis.Redis.from_url(
        settings.CELERY_BROKER_URL, socket_timeout=timeout, socket_connect_timeout=timeout, retry=None
    )
