"""Reads of the account registry shared by HTTP middleware, websockets, tasks and the console."""

from __future__ import annotations

import copy
import threading
import time

from django.conf import settings
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name

from .models import Account, AccountStatus, Domain

_cache: dict[str, tuple[float, Account | None]] = {}
_cache_lock = threading.Lock()


def primary_host(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def normalize_host(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    host = host.split(":")[0]
    return host[4:] if host.startswith("www.") else host


def account_for_host(host: str) -> Account | None:
    """The ready account a host name leads to (public included), or None. Cached briefly per process.

    The tenant lookup would otherwise cost a query on every request (DESIGN.md pitfalls). Changes
    made in this process invalidate at once; other processes see them within
    ACCOUNT_CACHE_SECONDS. Each caller gets its own copy, so a request can never alter another's.
    """
    host = normalize_host(host)
    now = time.monotonic()
    hit = _cache.get(host)
    if hit is not None and hit[0] > now:
        return copy.copy(hit[1]) if hit[1] is not None else None
    domain = (
        Domain.objects.select_related("tenant").filter(domain=host, tenant__ready_at__isnull=False).first()
    )
    account = domain.tenant if domain else None
    with _cache_lock:
        _cache[host] = (now + settings.ACCOUNT_CACHE_SECONDS, account)
    return copy.copy(account) if account is not None else None


def forget_cached_accounts() -> None:
    with _cache_lock:
        _cache.clear()


def slug_taken(slug: str) -> bool:
    return (
        Account.objects.filter(slug=slug).exists()
        or Domain.objects.filter(domain=primary_host(slug)).exists()
    )


def accounts_in_service() -> QuerySet[Account]:
    """Accounts whose scheduled work should run: ready, not closed, not the public schema."""
    return (
        Account.objects.exclude(schema_name=get_public_schema_name())
        .exclude(status=AccountStatus.CLOSED)
        .filter(ready_at__isnull=False)
    )
