"""Celery entry points of notifications: thin, they run in the account's schema and call services."""

from celery import shared_task

from . import readers, services


@shared_task(name="notifications.send_mail", autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def send_mail(delivery_id: int) -> bool:
    """One queued mail; smtplib's errors are OSErrors, so a failing mail server is retried."""
    return services.send_queued_mail(delivery_id=delivery_id)


@shared_task(name="notifications.ticket_events", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def ticket_events(event_ids: list[int]) -> int:
    """The events of one committed change (the spine's notifications reader queues it)."""
    return readers.notify_for_events(event_ids=event_ids)


@shared_task(name="notifications.ticket_event", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def ticket_event(event_id: int) -> int:
    """One event: what the reader queued before it handed over a change's events at once (tasks
    still in a queue or the task outbox across an upgrade)."""
    return readers.notify_for_event(event_id=event_id)


@shared_task(name="notifications.send_digests", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_digests() -> int:
    """Beat, hourly, fanned out to every account: the digests that are due."""
    return services.send_digests()
