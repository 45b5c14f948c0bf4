"""Celery entry points of the desk: thin, they run in the account's schema and call services."""

from celery import shared_task

from . import services


@shared_task(name="desk.bulk_update")
def bulk_update(job_id: str) -> None:
    services.bulk_update(job_id=job_id)
