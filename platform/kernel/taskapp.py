"""The Celery app that work is sent through, installed by the wiring when it makes it
(atrium/celery.py: the tenant-aware app whose tasks run in the schema they name, each through
kernel.outbox.task:OutboxTask). Apps never import the wiring: kernel.tasks asks here. Imports nothing,
so the wiring may install it while the settings load."""

from __future__ import annotations

_app = None


def install(app) -> None:
    global _app
    _app = app


def app():
    if _app is None:
        raise RuntimeError("no Celery app is installed (atrium.celery is not loaded)")
    return _app
