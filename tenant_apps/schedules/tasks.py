"""Celery entry points of planned maintenance: thin, they run in the account's schema."""

from celery import shared_task

from . import services


@shared_task(name="schedules.materialize_due_occurrences")
def materialize_due_occurrences() -> int:
    return services.materialize_due_occurrences()
