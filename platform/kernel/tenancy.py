"""Tenancy helpers every layer may use: the current account, work inside an account, the account a
host name leads to, and the account's status values.

The account registry itself (`tenants_shared.accounts`: the Account and Domain models, provisioning,
demo data) is control-plane wiring that sits above the account plane (pyproject's import-linter
contracts). Code below it (tenant_apps, billing) never imports it: it reads the account it runs in
from the connection (`current_account()`), and names the models through django-tenants' settings
(`account_model()`, `domain_model()`; also `from kernel.tenancy import Account` inside a function),
the way Django apps name the user model through `get_user_model()`.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    """Account.status (the registry keeps it; billing mirrors the payment states into it)."""

    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    READ_ONLY = "read_only", _("Read-only")
    SUSPENDED = "suspended", _("Suspended")
    CLOSED = "closed", _("Closed")


def account_model():
    """The Account model (settings.TENANT_MODEL), resolved when asked."""
    from django_tenants.utils import get_tenant_model

    return get_tenant_model()


def domain_model():
    """The Domain model (settings.TENANT_DOMAIN_MODEL), resolved when asked."""
    from django_tenants.utils import get_tenant_domain_model

    return get_tenant_domain_model()


def __getattr__(name: str):
    # `from kernel.tenancy import Account` (inside a function, once the apps are loaded)
    if name == "Account":
        return account_model()
    if name == "Domain":
        return domain_model()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def current_account():
    """The account whose schema the connection uses, or None (the public schema's tenant stand-ins
    that are not accounts, or no tenant at all)."""
    account = getattr(connection, "tenant", None)
    return account if account is not None and hasattr(account, "created_at") else None


@contextmanager
def in_account(account) -> Iterator[None]:
    """Work inside `account`'s schema with the account itself as the connection's tenant (licence
    checks need it), then return to where we were."""
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


# ---------------------------------------------------------------------------- host -> account
_cache: dict[str, tuple[float, object | None]] = {}
_cache_lock = threading.Lock()


def normalize_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    host = host.split(":")[0]
    return host[4:] if host.startswith("www.") else host


def account_for_host(host: str):
    """The ready account a host name leads to (public included), or None. Cached briefly per process.

    The tenant lookup would otherwise cost a query on every request (DESIGN.md pitfalls). Changes
    made in this process invalidate at once (`forget_cached_accounts`); other processes see them
    within ACCOUNT_CACHE_SECONDS. Each caller gets its own copy, so a request can never alter
    another's.
    """
    from django.conf import settings

    host = normalize_host(host)
    now = time.monotonic()
    hit = _cache.get(host)
    if hit is not None and hit[0] > now:
        return copy.copy(hit[1]) if hit[1] is not None else None
    domain = (
        domain_model()
        .objects.select_related("tenant")
        .filter(domain=host, tenant__ready_at__isnull=False)
        .first()
    )
    account = domain.tenant if domain else None
    with _cache_lock:
        _cache[host] = (now + settings.ACCOUNT_CACHE_SECONDS, account)
    return copy.copy(account) if account is not None else None


def forget_cached_accounts() -> None:
    with _cache_lock:
        _cache.clear()
