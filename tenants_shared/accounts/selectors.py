"""Reads of the account registry shared by HTTP middleware, websockets, tasks and the console."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django_tenants.utils import get_public_schema_name
from kernel.tenancy import account_for_host, forget_cached_accounts, normalize_host

from .models import Account, AccountStatus, Domain

# the host lookup and its cache are tenancy helpers (kernel/tenancy.py): the account plane's
# websocket middleware uses them too, and it never imports this package
__all__ = [
    "account_for_host",
    "accounts_in_service",
    "forget_cached_accounts",
    "normalize_host",
    "primary_host",
    "slug_taken",
]


def primary_host(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


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
