"""The Django project package: settings, URLs, ASGI routing, the Celery app, the `atrium` command."""

from .celery import app as celery_app

__all__ = ["celery_app"]
