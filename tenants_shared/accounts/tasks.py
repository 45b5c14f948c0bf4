from celery import shared_task

from . import services


@shared_task(name="accounts.drop_closed_accounts")
def drop_closed_accounts() -> list[str]:
    return services.drop_closed_accounts()
