"""SLA reads: the ticket payload's `sla`, the list filters and ordering, the policies."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from tenant_apps import permissions as perms

from . import timer
from .models import SlaPolicy, TicketSla

FAR = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)  # the sla_due of a ticket with no running timer


def _when(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z") if value is not None else None


def clock_of(row: TicketSla, which: str) -> timer.Clock | None:
    state = (row.states or {}).get(which)
    if state is None:
        return None
    met = row.response_met_at if which == timer.RESPONSE else row.resolved_at
    remaining = dt.timedelta(seconds=state.get("remaining", 0))
    minutes = state.get("minutes", 0)
    return timer.Clock(
        target_minutes=minutes,
        due_at=getattr(row, f"{which}_due_at"),
        warning_at=getattr(row, f"{which}_warning_at"),
        met_at=met,
        paused=row.paused and met is None,
        consumed=dt.timedelta(minutes=minutes) - remaining,
        remaining=remaining,
    )


def payload(
    row: TicketSla | None, policy_name: str | None = None, *, now: dt.datetime | None = None
) -> dict | None:
    """`{policy: {id, name}, paused, next_due_at, response: {...}, resolution: {...}}` or None."""
    if row is None:
        return None
    now = now or timezone.now()
    out = {
        "policy": {
            "id": row.policy_id,
            "name": policy_name if policy_name is not None else _policy_name(row),
        },
        "paused": row.paused,
        "next_due_at": _when(row.next_due_at),
    }
    for which in timer.TARGETS:
        clock = clock_of(row, which)
        out[which] = (
            None
            if clock is None
            else {
                "due_at": _when(clock.due_at),
                "met_at": _when(clock.met_at),
                "state": clock.state(now),
                "remaining_seconds": clock.remaining_seconds(now),
            }
        )
    return out


def _policy_name(row: TicketSla) -> str:
    cached = row._state.fields_cache.get("policy")  # joined by the list's query (extension.py)
    if cached is not None:
        return cached.name
    from .policy import by_id

    found = by_id().get(row.policy_id)
    if found is not None:
        return found.name
    return SlaPolicy.objects.filter(pk=row.policy_id).values_list("name", flat=True).first() or ""


def of_ticket(ticket, user=None) -> dict | None:
    """The ticket payload's `sla` (the one-to-one row joined by the list's query): for agents; the
    requester side sees null (policies are the account's own business)."""
    if not perms.is_agent(user):
        return None
    try:
        row = ticket.sla
    except ObjectDoesNotExist:
        return None
    return payload(row)


# ---------------------------------------------------------------------------- list filters
def _breached(now) -> Q:
    return (
        Q(sla__response_met_at__isnull=True, sla__response_due_at__lte=now)
        | Q(sla__response_met_at__gt=F("sla__response_due_at"))
        | Q(sla__resolved_at__isnull=True, sla__resolution_due_at__lte=now)
        | Q(sla__resolved_at__gt=F("sla__resolution_due_at"))
    )


def _warning(now) -> Q:
    return Q(
        sla__response_met_at__isnull=True, sla__response_warning_at__lte=now, sla__response_due_at__gt=now
    ) | Q(sla__resolved_at__isnull=True, sla__resolution_warning_at__lte=now, sla__resolution_due_at__gt=now)


def _running(now) -> Q:
    return Q(sla__paused=False) & (
        Q(sla__response_met_at__isnull=True, sla__response_due_at__gt=now)
        | Q(sla__resolved_at__isnull=True, sla__resolution_due_at__gt=now)
    )


def _stopped() -> Q:
    response = Q(sla__response_met_at__isnull=False) | Q(sla__states__response__isnull=True)
    resolution = Q(sla__resolved_at__isnull=False) | Q(sla__states__resolution__isnull=True)
    return response & resolution


def with_state(queryset: QuerySet, state: str, *, now: dt.datetime | None = None) -> QuerySet:
    """Tickets whose SLA is, as a whole: breached (a timer is late), warning (none late, one past
    its warning), paused (waiting, none late), running (none late, none warned, not paused) or
    met (every timer stopped in time)."""
    now = now or timezone.now()
    queryset = queryset.filter(sla__isnull=False)
    if state == timer.BREACHED:
        return queryset.filter(_breached(now))
    queryset = queryset.exclude(_breached(now))
    if state == timer.WARNING:
        return queryset.filter(_warning(now))
    if state == timer.PAUSED:
        return queryset.filter(sla__paused=True)
    if state == timer.RUNNING:
        return queryset.filter(_running(now)).exclude(_warning(now))
    if state == timer.MET:
        return queryset.filter(_stopped(), sla__paused=False)
    raise ValueError(state)


def breaching_within(queryset: QuerySet, minutes, *, now: dt.datetime | None = None) -> QuerySet:
    """Tickets with a running timer due within `minutes` from now and not breached yet."""
    now = now or timezone.now()
    until = now + dt.timedelta(minutes=float(minutes))
    return queryset.filter(
        Q(
            sla__response_met_at__isnull=True,
            sla__paused=False,
            sla__response_due_at__gt=now,
            sla__response_due_at__lte=until,
        )
        | Q(
            sla__resolved_at__isnull=True,
            sla__paused=False,
            sla__resolution_due_at__gt=now,
            sla__resolution_due_at__lte=until,
        )
    )


def with_sla_due(queryset: QuerySet) -> QuerySet:
    """`sla_due`: the earlier due time of the ticket's running timers (far in the future when none
    runs, so such tickets come last in `sla_due` and first in `-sla_due`)."""
    response = Q(sla__response_met_at__isnull=True, sla__paused=False)
    resolution = Q(sla__resolved_at__isnull=True, sla__paused=False)
    from django.db.models import Case, When

    return queryset.annotate(
        sla_due=Coalesce(
            Least(
                Coalesce(Case(When(response, then=F("sla__response_due_at"))), Value(FAR)),
                Coalesce(Case(When(resolution, then=F("sla__resolution_due_at"))), Value(FAR)),
            ),
            Value(FAR),
            output_field=DateTimeField(),
        )
    )


def policies() -> QuerySet[SlaPolicy]:
    return SlaPolicy.objects.prefetch_related(
        "targets", "escalations", "ticket_types", "companies", "locations"
    )
