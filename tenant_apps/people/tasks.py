"""Celery entry points of people: thin, they run in the schema named by the task and call services."""

from celery import shared_task

from . import services


@shared_task(name="people.send_welcome_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_welcome_email(user_id: int) -> bool:
    return services.send_welcome_email(user_id=user_id)


@shared_task(name="people.purge_expired_tokens")
def purge_expired_tokens() -> int:
    return services.purge_expired_tokens()


@shared_task(name="people.end_lapsed_access")
def end_lapsed_access() -> int:
    return services.end_lapsed_access()


@shared_task(name="people.send_invitation", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invitation(user_id: int) -> bool:
    return services.send_invitation(user_id=user_id)


@shared_task(name="people.send_password_reset", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_password_reset(user_id: int) -> bool:
    return services.send_password_reset(user_id=user_id)
