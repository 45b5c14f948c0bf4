"""Celery entry points of the desk: thin, they run in the account's schema and call services."""

from celery import shared_task

from . import services


@shared_task(name="desk.bulk_update")
def bulk_update(actor_id: int, ticket_ids: list[int], changes: dict) -> dict:
    return services.bulk_update(actor_id=actor_id, ticket_ids=ticket_ids, changes=changes)
