"""The base of every Celery task (atrium/celery.py): a task queued through the outbox carries its
row's id (`_outbox`, `_outbox_schema` headers); it runs only while that row is not done, and marks
it done when it succeeds (kernel/outbox/services.py)."""

from __future__ import annotations

import logging

from celery.exceptions import Ignore
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger("kernel.outbox")


def _header(request, name: str):
    headers = getattr(request, "headers", None) or {}
    return headers.get(name) or request.get(name)


class OutboxTask(TenantTask):
    abstract = True

    def before_start(self, task_id, args, kwargs):
        row_id = _header(self.request, "_outbox")
        if not row_id:
            return
        from kernel.outbox import services

        if not services.begin(row_id, _header(self.request, "_outbox_schema")):
            logger.info("%s: outbox %s was carried out already; skipped", self.name, row_id)
            raise Ignore()
        self.request.atrium_outbox_locked = row_id

    def on_success(self, retval, task_id, args, kwargs):
        row_id = getattr(self.request, "atrium_outbox_locked", None)
        if row_id:
            from kernel.outbox import services

            services.finish(row_id, _header(self.request, "_outbox_schema"))

    def after_return(self, status, retval, task_id, args, kwargs, einfo):
        row_id = getattr(self.request, "atrium_outbox_locked", None)
        if row_id:
            from kernel.outbox import services

            self.request.atrium_outbox_locked = None
            try:
                services.end(row_id)
            except Exception:  # noqa: BLE001 - the session is gone: so is its lock
                logger.warning("outbox %s: lock not released (session lost)", row_id)
