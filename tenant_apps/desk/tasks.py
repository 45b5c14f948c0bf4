"""Celery entry points of the desk: thin, they run in the account's schema and call services."""

from celery import shared_task

from . import services


@shared_task(name="desk.bulk_update")
def bulk_update(job_id: str) -> None:
    services.bulk_update(job_id=job_id)


@shared_task(name="desk.sweep_bulk_jobs")
def sweep_bulk_jobs() -> int:
    return services.sweep_bulk_jobs()


@shared_task(name="desk.auto_confirm_due")
def auto_confirm_due() -> int:
    from . import confirmation

    return confirmation.auto_confirm_due()


@shared_task(name="desk.delete_unadopted_uploads")
def delete_unadopted_uploads() -> int:
    from . import uploads

    return uploads.delete_unadopted_uploads()
