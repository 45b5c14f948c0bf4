"""Celery entry points of billing: thin, they call services."""

from celery import shared_task

from . import stripe_client, stripe_services, webhooks


@shared_task(
    name="billing.sync_seats",
    autoretry_for=(stripe_client.StripeError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=8,
)
def sync_seats() -> str:
    """Runs in the account's schema (the `_schema_name` header)."""
    return stripe_services.sync_seats()


@shared_task(name="billing.mail_trial_ending", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def mail_trial_ending(trial_end: str | None = None) -> int:
    """Runs in the account's schema: mail its admins that the trial ends soon."""
    return webhooks.mail_admins_trial_ending(trial_end=trial_end)
