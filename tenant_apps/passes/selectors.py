"""Reads of passes and the gate log, shared by the API, the demo and reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import F, Q, QuerySet

from tenant_apps import permissions as perms

from .models import GateCheck, Pass, PassState
from .services import normalize_plate, normalize_short_code
from .validity import account_zone

LIST_RELATED = (
    "request__ticket_type",
    "request__status",
    "company",
    "premises",
    "linked_ticket__ticket_type",
    "linked_ticket__status",
)


def passes_for(user) -> QuerySet[Pass]:
    return perms.visible_passes(user, Pass.objects.select_related(*LIST_RELATED))


def pass_for(user, pk) -> Pass | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return passes_for(user).filter(pk=pk).first()


def expired_q(local: datetime) -> Q:
    """Approved passes whose last moment (validity.Window.end) is at or before the local time."""
    today, now_t = local.date(), local.time()
    yesterday = today - timedelta(days=1)
    no_hours = Q(daily_from__isnull=True) & Q(valid_until__lt=today)
    same_day = Q(daily_from__isnull=False, daily_from__lt=F("daily_until")) & (
        Q(valid_until__lt=today) | Q(valid_until=today, daily_until__lte=now_t)
    )
    overnight = Q(daily_from__isnull=False, daily_from__gt=F("daily_until")) & (
        Q(valid_until__lt=yesterday) | Q(valid_until=yesterday, daily_until__lte=now_t)
    )
    return Q(state=PassState.APPROVED, valid_until__isnull=False) & (no_hours | same_day | overnight)


def filter_state(queryset: QuerySet[Pass], states: list[str], local: datetime) -> QuerySet[Pass]:
    """States as people see them: "approved" means issued and not yet expired, "expired" issued and
    past its last moment; the others are stored as they are."""
    q = Q()
    for state in states:
        if state == "expired":
            q |= expired_q(local)
        elif state == PassState.APPROVED:
            q |= Q(state=PassState.APPROVED) & ~expired_q(local)
        else:
            q |= Q(state=state)
    return queryset.filter(q)


def valid_on(queryset: QuerySet[Pass], day: date) -> QuerySet[Pass]:
    """Issued passes whose date range includes `day` (daily hours aside)."""
    return queryset.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day), state=PassState.APPROVED, valid_from__lte=day
    )


def search(queryset: QuerySet[Pass], text: str) -> QuerySet[Pass]:
    """Holder name, document, plate (spaces ignored) or short code."""
    text = (text or "").strip()[:100]
    if not text:
        return queryset
    q = Q(holder_name__icontains=text) | Q(document__icontains=text)
    plate = normalize_plate(text)
    if plate:
        q |= Q(vehicle_plate__contains=plate)
    code = normalize_short_code(text)
    if code:
        q |= Q(short_code=code)
    return queryset.filter(q)


def gate_checks_for(user) -> QuerySet[GateCheck]:
    if not perms.can_check_at_gate(user):
        return GateCheck.objects.none()
    return GateCheck.objects.select_related("pass_obj", "ticket__ticket_type")


def checks_on(queryset: QuerySet[GateCheck], day: date) -> QuerySet[GateCheck]:
    """Checks made on a local date of the account's time zone."""
    tz = account_zone()
    start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    return queryset.filter(checked_at__gte=start, checked_at__lt=start + timedelta(days=1))
