"""Database access from async consumers, always inside the socket's own account schema.

django-tenants has no ASGI support and the schema does not follow a call into
database_sync_to_async's worker thread, so every call sets it explicitly and resets it after.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.db import connection


async def in_account(account, fn: Callable[..., Any], *args, **kwargs) -> Any:
    def run():
        connection.set_tenant(account)
        try:
            return fn(*args, **kwargs)
        finally:
            connection.set_schema_to_public()

    return await database_sync_to_async(run)()
