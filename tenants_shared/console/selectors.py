"""Reads of the operator console: the accounts list with per-account figures, an account's page.

Per-account figures need the account's own schema (`schema_context`, the one place the control
plane reads account tables for the console). They are computed for one page of accounts at a time
(PAGE_SIZE) and cached per account for FIGURES_SECONDS.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists

from billing import licensing
from billing.models import BillingEvent, Plan
from tenants_shared.accounts.models import Account

from .models import AuditEntry, Impersonation

PAGE_SIZE = 25
FIGURES_SECONDS = 60
LICENCE_STATES = ("trialing", "active", "past_due", "read_only", "suspended", "closed")


@dataclass(frozen=True)
class Figures:
    seats_used: int
    tickets_30d: int
    storage_bytes: int
    last_activity: dt.datetime | None


@dataclass(frozen=True)
class AccountRow:
    account: Account
    licence: licensing.Licence
    figures: Figures | None  # None: no schema any more (closed and dropped)


def accounts(
    *, q: str = "", kind: str = "", status: str = "", plan: str = "", licence: str = ""
) -> QuerySet[Account]:
    """Accounts matching the console's search and filters (licence state is filtered in `page`)."""
    qs = Account.objects.exclude(schema_name=get_public_schema_name()).select_related("subscription__plan")
    if q.strip():
        qs = qs.filter(Q(name__icontains=q.strip()) | Q(slug__icontains=q.strip()))
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if plan:
        qs = qs.filter(subscription__plan__code=plan)
    return qs.order_by("name", "pk")


def page(*, number: int = 1, licence: str = "", **filters) -> Page:
    """One page of AccountRow. The licence state is computed (billing.licensing), not stored, so a
    licence filter computes it for each matching account first (one query each, public schema)."""
    qs = accounts(**filters)
    if licence:
        keep = [a.pk for a in qs if licensing.licence_for(a).state == licence]
        qs = qs.filter(pk__in=keep)
    paginator = Paginator(qs, PAGE_SIZE)
    result = paginator.get_page(number)
    result.object_list = [row(a) for a in result.object_list]
    return result


def row(account: Account) -> AccountRow:
    return AccountRow(account, licensing.licence_for(account), figures(account))


def figures(account: Account, *, fresh: bool = False) -> Figures | None:
    key = f"console:figures:{account.pk}:{account.schema_name}"
    if not fresh:
        cached = cache.get(key)
        if cached is not None:
            return Figures(**cached)
    if account.ready_at is None or not schema_exists(account.schema_name):
        return None
    from tenant_apps.desk.models import Attachment, Ticket, TicketEvent
    from tenant_apps.people.models import User

    since = timezone.now() - dt.timedelta(days=30)
    with schema_context(account.schema_name):
        seats = licensing.seats_used()
        tickets = Ticket.objects.filter(created_at__gte=since).count()
        storage = Attachment.objects.aggregate(total=Sum("size"))["total"] or 0
        last_event = TicketEvent.objects.aggregate(last=Max("at"))["last"]
        last_login = User.objects.aggregate(last=Max("last_login"))["last"]
    moments = [m for m in (last_event, last_login) if m is not None]
    result = Figures(seats, tickets, storage, max(moments) if moments else None)
    cache.set(key, result.__dict__, FIGURES_SECONDS)
    return result


def plans() -> QuerySet[Plan]:
    return Plan.objects.all()


def billing_events(account: Account, limit: int = 50) -> list[BillingEvent]:
    return list(BillingEvent.objects.filter(account=account).order_by("-created", "-id")[:limit])


def audit(*, account: Account | None = None, limit: int = 100) -> list[AuditEntry]:
    qs = AuditEntry.objects.select_related("account")
    if account is not None:
        qs = qs.filter(account=account)
    return list(qs[:limit])


def impersonations(account: Account, limit: int = 20) -> list[Impersonation]:
    return list(Impersonation.objects.filter(account=account)[:limit])


def federation_health(account: Account) -> dict | None:
    """The hook for federation: when the `federation` package exposes
    `selectors.health_for_account(account) -> dict` (outbox backlog, parked messages, ...), the
    account page shows it; until then the page says "not available"."""
    try:
        from federation import selectors as federation_selectors  # type: ignore[attr-defined]
    except ImportError:
        return None
    health = getattr(federation_selectors, "health_for_account", None)
    return health(account) if health is not None else None


def federation_parked(account: Account) -> list[dict]:
    """The account's parked federation messages (both directions), for the account page."""
    from federation import selectors as federation_selectors

    return federation_selectors.parked_for_account(account)
