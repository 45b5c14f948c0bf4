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


# ---------------------------------------------------------------------------- the gate's day
TODAY_LIMIT = 100  # rows the gate screen lists
TODAY_SCAN = 500  # approved open tickets looked at, most recently changed first


def approved_for_day(user, day: date) -> list[dict]:
    """Approved move-ins, works and other permits (tickets without passes of their own, the pass
    type excluded) whose time touches the account-local `day`: what the gate expects that day.

    Approved = the ticket's latest approval round ended approved (with or without remarks), as the
    gate judges it; the time is the one the gate checks (planned dates, the form's start/finish, or
    the day of its `when`). Open tickets only (not resolved, closed or cancelled)."""
    from django.db.models import OuterRef, Subquery

    from tenant_apps.approvals.models import ApprovalRound
    from tenant_apps.desk.models import Category, Ticket

    from .gate import ticket_window
    from .services import APPROVED_OUTCOMES, PASS_TYPE

    tz = account_zone()
    latest = ApprovalRound.objects.filter(ticket=OuterRef("pk")).order_by("-number").values("outcome")[:1]
    candidates = (
        perms.visible_tickets(user, Ticket.objects.all())
        .exclude(ticket_type__code=PASS_TYPE)
        .exclude(category__in=(Category.RESOLVED, Category.CLOSED, Category.CANCELLED))
        .annotate(approval_outcome=Subquery(latest))
        .filter(approval_outcome__in=APPROVED_OUTCOMES)
        .select_related("ticket_type", "status", "company", "location")
        .order_by("-updated_at", "-id")[:TODAY_SCAN]
    )
    day_start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
    day_end = day_start + timedelta(days=1)
    rows = []
    for ticket in candidates:
        start, finish = ticket_window(ticket, tz)
        if start is None and finish is None:
            continue
        if (start is not None and start >= day_end) or (finish is not None and finish <= day_start):
            continue
        rows.append((start or day_start, ticket, start, finish))
    rows.sort(key=lambda row: (row[0], row[1].pk))
    return [
        {
            "id": t.pk,
            "key": t.key,
            "title": t.title,
            "type": {"code": t.ticket_type.code, "name": t.ticket_type.name},
            "status": t.status.name,
            "outcome": t.approval_outcome,
            "starts_at": start.astimezone(tz).isoformat() if start else None,
            "ends_at": finish.astimezone(tz).isoformat() if finish else None,
            "company": {"id": t.company_id, "name": t.company.name} if t.company_id else None,
            "location": {"id": t.location_id, "name": t.location.name} if t.location_id else None,
            "vehicle_plate": str((t.fields or {}).get("vehicle_plate") or ""),
        }
        for _, t, start, finish in rows[:TODAY_LIMIT]
    ]
