"""Celery entry points of the SLA app: thin, they run in the account's schema."""

from celery import shared_task

from . import services


@shared_task(name="sla.check_due")
def check_due() -> int:
    return services.check_due()


@shared_task(name="sla.recompute_open")
def recompute_open(calendar_id=None, everything=False) -> int:
    return services.recompute_open(calendar_id=calendar_id, everything=everything)
