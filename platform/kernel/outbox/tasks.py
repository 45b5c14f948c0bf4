"""Celery entry points of the task outbox."""

from celery import shared_task

from . import services


@shared_task(name="outbox.sweep")
def sweep() -> int:
    return services.sweep()
