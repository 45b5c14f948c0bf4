"""Celery entry points of announcements: thin, they run in the account's schema and call services."""

from celery import shared_task

from . import services


@shared_task(
    name="notices.send_announcement_emails", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_announcement_emails(announcement_id: int) -> int:
    return services.send_announcement_emails(announcement_id=announcement_id)
