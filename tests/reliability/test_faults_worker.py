"""Workers under faults, with real processes: a Redis of the test's own that goes away under a
worker holding unacknowledged work, and a worker process killed in the middle of a task. The work
completes, and its effect happens exactly once (a bulk job records each ticket's outcome in the
same transaction as the change: docs/operations.md)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from tests.reliability.faults import (
    OwnRedis,
    broker_app,
    bulk_job,
    children_of,
    job_state,
    mall_with_tickets,
    priority_events,
    start_worker,
    wait_until,
)
from tests.support.processes import wait_for

pytestmark = pytest.mark.live


@pytest.fixture
def own_redis(tmp_path):
    redis = OwnRedis(tmp_path / "redis")
    yield redis
    redis.close()


def _send(app, made, job_id: str) -> None:
    app.send_task(
        "desk.bulk_update", kwargs={"job_id": job_id}, headers={"_schema_name": made.account.schema_name}
    )


def test_a_worker_survives_losing_its_broker_with_work_in_flight(live_db, own_redis, tmp_path):
    """The known crash: kombu restoring unacknowledged messages as the connection drops died with
    `AttributeError: 'NoneType' object has no attribute 'hostname'`, the worker exited, honcho
    stopped everything. Now: Redis goes away for a while, comes back, the same worker carries on."""
    made, ids = mall_with_tickets(40)
    jobs = [bulk_job(made, ids[n::4], priority=1) for n in range(4)]
    # as the Procfile runs it: the prefork pool and its event loop (where the crash was)
    worker = start_worker(
        "celery-broker-loss", tmp_path, own_redis, pool="prefork", concurrency=2, like_procfile=True
    )
    try:
        app = broker_app(own_redis)
        for job_id in jobs:
            _send(app, made, job_id)
        # and work held for later, as beat's spread fan-outs are: delivered, held unacknowledged
        for _ in range(6):
            app.send_task(
                "desk.sweep_bulk_jobs", headers={"_schema_name": made.account.schema_name}, countdown=8
            )
        # work in flight: a job running, the others delivered and not acknowledged yet
        wait_for(lambda: any(job_state(made, j).state != "queued" for j in jobs), timeout=30)
        own_redis.stop()
        time.sleep(4)  # the worker notices, fails to reach it, keeps trying
        assert worker.proc.poll() is None, worker.log()[-3000:]
        own_redis.start()
        done = wait_until(lambda: all(job_state(made, j).state == "done" for j in jobs), timeout=90)
        log = worker.log()
        assert done, [job_state(made, j).state for j in jobs]
        assert worker.proc.poll() is None, log[-3000:]
        assert "Unrecoverable error" not in log, log[-3000:]
        assert "Connection to broker lost" in log or "Cannot connect" in log  # it did lose it
        counts = priority_events(made, ids)
        assert set(counts.values()) == {1}, counts  # every ticket changed, none twice
        for job_id in jobs:
            job = job_state(made, job_id)
            assert sorted(job.updated) == job.ticket_ids and job.refused == []
    finally:
        worker.stop()


def test_a_worker_killed_mid_task_runs_it_again_and_its_effect_happens_once(live_db, own_redis, tmp_path):
    """SIGKILL of the pool process running a bulk job: acks late + reject on worker lost put the
    message back, a new pool process runs it again, and it skips what the first run recorded."""
    made, ids = mall_with_tickets(120)
    job_id = bulk_job(made, ids, priority=1)
    worker = start_worker("celery-sigkill", tmp_path, own_redis, pool="prefork", concurrency=1)
    try:
        _send(broker_app(own_redis), made, job_id)
        wait_for(lambda: 5 <= len(job_state(made, job_id).updated) < len(ids), timeout=60, interval=0.02)
        pool = children_of(worker.proc.pid)
        assert len(pool) == 1, pool
        os.kill(pool[0], signal.SIGKILL)
        halfway = len(job_state(made, job_id).updated)
        assert halfway < len(ids)
        done = wait_until(lambda: job_state(made, job_id).state == "done", timeout=90)
        log = worker.log()
        assert done, (job_state(made, job_id).state, log[-3000:])
        assert "WorkerLostError" in log or "SIGKILL" in log, log[-3000:]  # it did die mid-task
        job = job_state(made, job_id)
        assert sorted(job.updated) == sorted(ids) and job.refused == []
        assert set(priority_events(made, ids).values()) == {1}  # once each, across both runs
    finally:
        worker.stop()


def test_a_channel_of_a_closed_broker_connection_fails_as_a_lost_connection():
    """The crash's cause, without the timing: a channel whose connection was closed under it asks
    for a client. That is a connection error (retried), never an AttributeError (fatal)."""
    from kombu import Connection
    from kombu.transport import redis as kombu_redis

    import atrium.celery  # noqa: F401  (installs the guard, as every worker does)

    conn = Connection("redis://127.0.0.1:1/0")
    channel = object.__new__(kombu_redis.Channel)  # a channel made before (its ping went through)
    channel.connection = conn.transport
    conn.transport.client = None  # what closing the consumer's connection does
    with pytest.raises(kombu_redis.get_redis_ConnectionError()):
        channel._connparams()
    assert issubclass(kombu_redis.get_redis_ConnectionError(), conn.transport.connection_errors)
