"""Working inside an account: django-tenants' `tenant_context`, with the Account as the connection's
tenant (services read `connection.tenant`: the account's language, time zone, licence)."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection
from django_tenants.utils import tenant_context


def account_of(world):
    """The Account of a world (`Mall`), of a provisioned account (`provision()`'s result) or itself."""
    made = getattr(world, "made", world)
    return getattr(made, "account", made)


@contextmanager
def in_account(world):
    """`with in_account(mall): ...` runs the block in that account's schema, then back in public."""
    try:
        with tenant_context(account_of(world)):
            yield world
    finally:
        connection.set_schema_to_public()
