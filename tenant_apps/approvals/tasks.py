"""Celery entry points of approvals: thin, they run in the schema named by the task."""

from celery import shared_task

from . import services


@shared_task(name="approvals.remind_overdue", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def remind_overdue() -> int:
    return services.remind_overdue()
