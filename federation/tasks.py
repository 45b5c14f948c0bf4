"""Celery entry points of federation: thin, they run in the schema named by the task."""

from celery import shared_task

from . import delivery


@shared_task(name="federation.drain_link", acks_late=True, ignore_result=True)
def drain_link(link_id: str) -> int:
    return delivery.drain_link(link_id=link_id)


@shared_task(name="federation.send_partnership_state", acks_late=True)
def send_partnership_state(partnership_id: str) -> bool:
    return delivery.send_state(partnership_id=partnership_id)


@shared_task(name="federation.sweep_outbox", ignore_result=True)
def sweep_outbox() -> int:
    return delivery.sweep_outbox()
