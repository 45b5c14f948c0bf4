"""Which account federation code runs in, and the one way it enters another account's schema."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


def current_account():
    account = getattr(connection, "tenant", None)
    if account is None or not hasattr(account, "created_at"):
        raise RuntimeError("federation services run inside an account")
    return account


@contextmanager
def in_account(account) -> Iterator[None]:
    """Work inside `account`'s schema with the account itself as the connection's tenant (licence
    checks need it), then return to where we were. Used only by the inbox (the same-deployment
    transport's receiving side), partnership state, replay by an operator and the file link
    (`files`): nothing else in the account plane names another schema."""
    previous = getattr(connection, "tenant", None)
    connection.set_tenant(account)
    try:
        yield
    finally:
        if previous is not None and hasattr(previous, "created_at"):
            connection.set_tenant(previous)
        elif previous is not None:
            connection.set_schema(previous.schema_name)
        else:
            connection.set_schema_to_public()
