from celery import shared_task

from . import services


@shared_task(name="accounts.drop_closed_accounts")
def drop_closed_accounts() -> list[str]:
    return services.drop_closed_accounts()


@shared_task(name="accounts.refill_spare_schemas")
def refill_spare_schemas() -> dict[str, int] | None:
    from kernel.tasks import starting

    from . import spares

    starting("accounts:spares:refill")
    return spares.refill()
