"""SLA writes: the timers recomputed from history (the spine's "sla" reaction and the recompute
tasks), the beat's check of due warnings and breaches with their escalations, and the policies.

Every change to a ticket reaches `_on_ticket_event` inside the change's transaction: it picks the
policy (policy.py, from the configuration cache: no query), reads the ticket's history in one query
and writes its `TicketSla` in one upsert. `check_due` (beat, every minute, each account) claims the
rows whose `next_due_at` has come with SKIP LOCKED, records `sla_warning` / `sla_breached` events as
the system actor "sla" (each once: `SlaFired`) and runs the policy's escalations.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Sequence

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput
from kernel.tasks import enqueue_for_account

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change
from tenant_apps.calendars import selectors as calendar_selectors
from tenant_apps.desk import configcache, event_kinds, events
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, Priority, Ticket, TicketEvent
from tenant_apps.desk.origin import Origin
from tenant_apps.notifications.services import notify
from tenant_apps.people.models import AGENT_ROLES, User

from . import policy as policies
from . import timer
from .models import EscalationAction, SlaEscalation, SlaPolicy, SlaTarget, TicketSla

log = logging.getLogger(__name__)

HISTORY_KINDS = (EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.COMMENTED)
POLICY_FIELDS = frozenset({"priority", "company", "location", "ticket_type"})  # a change re-chooses
CHUNK = 500
SLA_LABEL = gettext_lazy("SLA")


def sla_origin() -> Origin:
    return Origin.system_actor("sla", label=SLA_LABEL)


# ---------------------------------------------------------------------------- history -> timers
def history_of(
    rows: Iterable[tuple], *, requester_id: int | None, category_now: str
) -> list[timer.Happening]:
    """`rows`: (kind, at, data, actor_id, actor_role) of one ticket's events in id order."""
    out: list[timer.Happening] = []
    first_category = None
    for kind, at, data, actor_id, role in rows:
        data = data or {}
        if kind == EventKind.CREATED:
            out.append(timer.Happening(at=at, category=None))
        elif kind == EventKind.STATUS_CHANGED:
            if first_category is None:
                first_category = data.get("from_category") or category_now
            out.append(timer.Happening(at=at, category=data.get("category")))
        elif kind == EventKind.COMMENTED:
            if not data.get("internal") and role in AGENT_ROLES and actor_id != requester_id:
                out.append(timer.Happening(at=at, reply=True))
    if out and out[0].category is None:  # the creation: the category it was filed in
        out[0] = timer.Happening(at=out[0].at, category=first_category or category_now)
    return out


def _event_rows(ticket_ids: Sequence[int]) -> dict[int, list[tuple]]:
    rows: dict[int, list[tuple]] = {}
    found = (
        TicketEvent.objects.filter(ticket_id__in=ticket_ids, kind__in=HISTORY_KINDS)
        .order_by("ticket_id", "id")
        .values_list("ticket_id", "kind", "at", "data", "actor_id", "actor__role")
    )
    for ticket_id, *rest in found:
        rows.setdefault(ticket_id, []).append(tuple(rest))
    return rows


_COLUMNS = (  # (column, its SQL type: the VALUES list names it, a NULL has none of its own)
    ("ticket_id", "bigint"),
    ("policy_id", "bigint"),
    ("calendar_id", "bigint"),
    ("priority", "smallint"),
    ("response_due_at", "timestamptz"),
    ("response_warning_at", "timestamptz"),
    ("response_met_at", "timestamptz"),
    ("resolution_due_at", "timestamptz"),
    ("resolution_warning_at", "timestamptz"),
    ("resolved_at", "timestamptz"),
    ("paused", "boolean"),
    ("states", "jsonb"),
    ("computed_at", "timestamptz"),
)
_MET = {"response": "response_met_at", "resolution": "resolved_at"}


def _next(m: str, fired: str) -> str:
    """next_due_at: the earliest warning or breach moment of a running timer that has not fired
    yet (`fired`: the existing row's, which the beat keeps); LEAST ignores NULLs."""
    parts = [
        f"CASE WHEN {m}.{_MET[which]} IS NULL AND NOT {m}.paused "
        f"AND NOT ('{threshold}:{which}' = ANY({fired})) THEN {m}.{which}_{col}_at END"
        for which in timer.TARGETS
        for threshold, col in (("warning", "warning"), ("breach", "due"))
    ]
    return f"LEAST({', '.join(parts)})"


def _upsert_sql(n: int) -> str:
    cols = ", ".join(c for c, _t in _COLUMNS)
    one = "(" + ", ".join(f"%s::{t}" for _c, t in _COLUMNS) + ")"
    update = ", ".join(f"{c} = EXCLUDED.{c}" for c, _t in _COLUMNS if c != "ticket_id")
    return (
        f"INSERT INTO sla_ticketsla ({cols}, fired, next_due_at) "
        f"SELECT v.*, ARRAY[]::varchar[], {_next('v', 'ARRAY[]::varchar[]')} "
        f"FROM (VALUES {', '.join([one] * n)}) AS v ({cols}) "
        f"ON CONFLICT (ticket_id) DO UPDATE SET {update}, "
        f"next_due_at = {_next('EXCLUDED', 'sla_ticketsla.fired')} "
        "RETURNING ticket_id, id, next_due_at, fired"
    )


def _row(ticket: Ticket, chosen: policies.ActivePolicy, timers: timer.Timers, now: dt.datetime) -> dict:
    def at(clock, name):
        return getattr(clock, name) if clock is not None else None

    def running(clock):
        return clock is not None and clock.met_at is None and not clock.paused

    r, s = timers.response, timers.resolution
    states = {}
    for which, c in (("response", r), ("resolution", s)):
        states[which] = (
            None
            if c is None
            else {"minutes": c.target_minutes, "remaining": int(c.remaining.total_seconds())}
        )
    return {
        "ticket_id": ticket.pk,
        "policy_id": chosen.id,
        "calendar_id": chosen.calendar_id,
        "priority": ticket.priority,
        "response_due_at": at(r, "due_at"),
        "response_warning_at": at(r, "warning_at") if running(r) else None,
        "response_met_at": at(r, "met_at"),
        "resolution_due_at": at(s, "due_at"),
        "resolution_warning_at": at(s, "warning_at") if running(s) else None,
        "resolved_at": at(s, "met_at"),
        "paused": timers.paused,
        "states": states,
        "computed_at": now,
    }


def _location_paths(tickets: Sequence[Ticket]) -> dict[int, str]:
    from tenant_apps.objects.models import Location

    out = {}
    missing = set()
    for t in tickets:
        if t.location_id is None:
            continue
        cached = t._state.fields_cache.get("location")
        if cached is not None:
            out[t.pk] = cached.path
        else:
            missing.add(t.location_id)
    if missing:
        paths = dict(Location.objects.filter(pk__in=missing).values_list("pk", "path"))
        for t in tickets:
            if t.location_id in paths:
                out[t.pk] = paths[t.location_id]
    return out


def recompute(
    tickets: Sequence[Ticket],
    *,
    now: dt.datetime | None = None,
    fresh: bool = False,
    everything: bool = False,
) -> int:
    """Rewrite the `TicketSla` of `tickets` from their histories (one query for the events of all
    of them, one upsert, one delete for those no policy covers). `fresh`: the tickets were just
    filed (no row can exist yet); `everything`: a policy changed (rows may have to go even when
    no policy is active any more). Returns how many rows were written."""
    if not tickets:
        return 0
    with configcache.scope():  # the configuration version read once for policies and calendars
        return _recompute(tickets, now=now or timezone.now(), fresh=fresh, everything=everything)


def _recompute(tickets: Sequence[Ticket], *, now: dt.datetime, fresh: bool, everything: bool) -> int:
    active = policies.active_policies()
    if not active and (fresh or not everything):
        # no policy in the account: nothing to write; rows of a policy just switched off are
        # dropped by the recompute its change queued (`everything`)
        if fresh:
            for t in tickets:
                t._state.fields_cache["sla"] = None  # the answer to filing reads nothing back
        return 0
    paths = _location_paths(tickets) if policies.needs_location(active) else {}
    chosen: dict[int, policies.ActivePolicy] = {}
    for t in tickets:
        p = policies.choose(
            active, type_id=t.ticket_type_id, company_id=t.company_id, location_path=paths.get(t.pk)
        )
        if p is not None and p.targets.get(t.priority) is not None:
            chosen[t.pk] = p
    drop = [t.pk for t in tickets if t.pk not in chosen]
    if drop and not fresh:
        TicketSla.objects.filter(ticket_id__in=drop)._raw_delete(connection.alias)  # one DELETE
    for t in tickets:
        if t.pk not in chosen:
            t._state.fields_cache["sla"] = None
    if not chosen:
        return 0
    history = _event_rows(list(chosen))
    calendars: dict = {}
    rows = []
    for t in tickets:
        p = chosen.get(t.pk)
        if p is None:
            continue
        wt = calendars.get(p.calendar_id)
        if wt is None:
            wt = calendars[p.calendar_id] = calendar_selectors.working_time(calendar_id=p.calendar_id)
        happened = history_of(history.get(t.pk, []), requester_id=t.requester_id, category_now=t.category)
        timers = timer.compute(
            happened, p.targets, wt, warning_percent=p.warning_percent, priority=t.priority
        )
        rows.append(_row(t, p, timers, now))
    params = []
    for row in rows:
        params += [json.dumps(row[c]) if c == "states" else row[c] for c, _t in _COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(_upsert_sql(len(rows)), params)
        written = {ticket_id: (pk, next_due, fired) for ticket_id, pk, next_due, fired in cursor.fetchall()}
    by_ticket = {row["ticket_id"]: row for row in rows}
    for t in tickets:  # the row as written, for the answer that follows the change (no re-read)
        if t.pk in written:
            pk, next_due, fired = written[t.pk]
            row = TicketSla(id=pk, next_due_at=next_due, fired=list(fired or []), **by_ticket[t.pk])
            chosen_policy = chosen[t.pk]
            row._state.fields_cache["policy"] = SlaPolicy(id=chosen_policy.id, name=chosen_policy.name)
            t._state.fields_cache["sla"] = row
    return len(rows)


@events.reaction(
    "sla", kinds={EventKind.CREATED, EventKind.STATUS_CHANGED, EventKind.COMMENTED, EventKind.CHANGED}
)
def _on_ticket_event(event: TicketEvent) -> None:
    """Recompute the ticket's timers from its history, in the change's transaction."""
    data = event.data or {}
    if event.kind == EventKind.CHANGED and not (POLICY_FIELDS & set(data.get("changes") or {})):
        return  # a title or a custom field: neither the policy nor the timers change
    if event.kind == EventKind.COMMENTED:
        if data.get("transition"):
            return  # its status change (recorded with it, in the same INSERT) recomputed already
        actor = event.actor
        if data.get("internal") or actor is None or actor.role not in AGENT_ROLES:
            return  # only an agent's public reply meets the response target
        memo = events.batch_memo()
        if memo is not None:  # a run of comments in one change (a partner's, applied at once)
            seen = memo.setdefault("sla.replied", set())
            if event.ticket_id in seen:
                return  # its first reply was recomputed already: a later one of the run meets nothing
            seen.add(event.ticket_id)
    recompute([event.ticket], now=event.at, fresh=event.kind == EventKind.CREATED)


def recompute_open(*, ticket_ids: Sequence[int] | None = None, calendar_id=None, everything=False) -> int:
    """Recompute open tickets in chunks of CHUNK (one query for their rows, one for all their
    events, one upsert each): `ticket_ids`, or those whose timers count in `calendar_id` (with
    those on the account default when that calendar is the default; None: the default), or every
    open ticket (`everything`: a policy changed, so any ticket may now match another one)."""
    from django.db.models import Q

    queryset = Ticket.objects.filter(is_open=True)
    if ticket_ids is not None:
        queryset = queryset.filter(pk__in=ticket_ids)
    elif not everything:
        if calendar_id is None:
            on_it = Q(sla__calendar_id__isnull=True)
        elif getattr(calendar_selectors.default_calendar(), "pk", None) == calendar_id:
            on_it = Q(sla__calendar_id=calendar_id) | Q(sla__calendar_id__isnull=True)
        else:
            on_it = Q(sla__calendar_id=calendar_id)
        queryset = queryset.filter(on_it, sla__isnull=False)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    return recompute_chunks(ids, everything=everything)


def recompute_chunks(ids: Sequence[int], *, everything: bool = False) -> int:
    """Recompute the tickets `ids` in chunks of CHUNK, each chunk in its own transaction."""
    done = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic(), configcache.scope():
            tickets = list(
                Ticket.objects.filter(pk__in=chunk).only(
                    "pk",
                    "ticket_type_id",
                    "company_id",
                    "location_id",
                    "requester_id",
                    "priority",
                    "category",
                )
            )
            done += recompute(tickets, everything=everything)
    return done


def queue_recompute(*, calendar_id=None, everything=False) -> None:
    enqueue_for_account(
        "sla.recompute_open",
        schema_name=connection.schema_name,
        calendar_id=calendar_id,
        everything=everything,
    )


def on_calendar_changed(sender=None, calendar_id=None, **kwargs) -> None:
    """`tenant_apps.calendars.signals.calendar_changed` (sent after commit): the tickets counting
    in that calendar are recomputed by a task."""
    enqueue_for_account(
        "sla.recompute_open", schema_name=connection.schema_name, calendar_id=calendar_id, everything=False
    )


# ---------------------------------------------------------------------------- the beat's check
def _next_due(row: TicketSla) -> dt.datetime | None:
    moments = []
    for which in timer.TARGETS:
        for threshold, col in (("warning", "warning"), ("breach", "due")):
            at = getattr(row, f"{which}_{col}_at")
            if at is not None and f"{threshold}:{which}" not in row.fired:
                met = row.response_met_at if which == "response" else row.resolved_at
                if met is None and not row.paused:
                    moments.append(at)
    return min(moments) if moments else None


def check_due(*, now: dt.datetime | None = None, limit: int = CHUNK) -> int:
    """Fire the warnings and breaches due by `now` (each once), with their escalations. Returns
    how many fired. Rows are claimed with FOR UPDATE SKIP LOCKED, so two checks at once split
    the work; the unique `SlaFired` row makes each one happen once whatever runs it."""
    now = now or timezone.now()
    total = 0
    while True:
        with transaction.atomic():
            rows = list(
                TicketSla.objects.select_for_update(skip_locked=True)
                .filter(next_due_at__lte=now)
                .order_by("next_due_at")[:limit]
            )
            if not rows:
                break
            wanted = []  # (row, threshold, target, the timer's due time)
            for row in rows:
                fired = set(row.fired)
                for which in timer.TARGETS:
                    met = row.response_met_at if which == "response" else row.resolved_at
                    if met is not None or row.paused:
                        continue
                    due = getattr(row, f"{which}_due_at")
                    warn = getattr(row, f"{which}_warning_at")
                    if due is not None and due <= now and f"breach:{which}" not in fired:
                        wanted.append((row, "breach", which, due))
                        fired.add(f"warning:{which}")  # a breach makes a warning moot
                        fired.add(f"breach:{which}")
                    elif warn is not None and warn <= now and f"warning:{which}" not in fired:
                        wanted.append((row, "warning", which, due))
                        fired.add(f"warning:{which}")
                row.fired = sorted(fired)
                row.next_due_at = _next_due(row)
            TicketSla.objects.bulk_update(rows, ["fired", "next_due_at"])
            won = _claim_fired(wanted)
            if won:
                tickets = Ticket.objects.select_related("ticket_type", "status").in_bulk(
                    {row.ticket_id for row, *_ in won}
                )
                by_id = policies.by_id()
                for row, threshold, which, due in won:
                    ticket = tickets.get(row.ticket_id)
                    if ticket is not None:
                        _fire(ticket, by_id.get(row.policy_id), threshold, which, due, now)
                        total += 1
        if len(rows) < limit:
            break
    return total


def _claim_fired(wanted: list[tuple]) -> list[tuple]:
    """Insert the SlaFired rows; those that were inserted by this call (not before, not by a
    concurrent check) are the ones to fire."""
    if not wanted:
        return []
    values = ", ".join(["(%s, %s, %s, %s, now())"] * len(wanted))
    params = [v for row, threshold, which, due in wanted for v in (row.ticket_id, threshold, which, due)]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sla_slafired (ticket_id, threshold, target, due_at, fired_at) "
            f"VALUES {values} ON CONFLICT (ticket_id, threshold, target) DO NOTHING "
            "RETURNING ticket_id, threshold, target",
            params,
        )
        inserted = {tuple(r) for r in cursor.fetchall()}
    return [w for w in wanted if (w[0].ticket_id, w[1], w[2]) in inserted]


def _fire(ticket: Ticket, chosen, threshold: str, which: str, due: dt.datetime, now: dt.datetime) -> None:
    if threshold == "breach":
        payload = event_kinds.SlaBreached(
            target=which,
            due_at=due.isoformat(),
            late_by_minutes=max(0, int((now - due).total_seconds() // 60)),
        )
    else:
        payload = event_kinds.SlaWarning(target=which, due_at=due.isoformat())
    event = events.record(ticket, payload, sla_origin(), public=False)
    if chosen is None:
        return
    for escalation in chosen.escalations:
        if escalation.threshold == threshold and escalation.target == which:
            try:
                with transaction.atomic():  # a savepoint: one refused escalation spoils nothing else
                    escalate(ticket, escalation, due=due, event_id=event.pk)
            except DomainError as refused:  # e.g. a reassignment the desk refuses: the event stays
                log.warning("SLA escalation %s on ticket %s refused: %r", escalation.id, ticket.pk, refused)


def escalate(ticket: Ticket, escalation, *, due: dt.datetime, event_id: int | None = None) -> None:
    """One escalation of a fired warning or breach: notify people, reassign, or raise the priority."""
    if escalation.action == EscalationAction.NOTIFY:
        people: list = []
        if escalation.assignee_id:
            people += list(User.objects.filter(pk=escalation.assignee_id))
        if escalation.group_id:
            people += list(User.objects.filter(responsibility_groups=escalation.group_id))
        if not people:
            if ticket.assignee_id:
                people = list(User.objects.filter(pk=ticket.assignee_id))
            elif ticket.group_id:
                people = list(User.objects.filter(responsibility_groups=ticket.group_id))
        kind = "sla.breach" if escalation.threshold == "breach" else "sla.warning"
        local = timezone.localtime(due)
        notify(
            recipients={p.pk: p for p in people}.values(),
            kind=kind,
            context={"due": local.strftime("%Y-%m-%d %H:%M")},
            ticket=ticket,
            event_id=event_id,
        )
    elif escalation.action == EscalationAction.REASSIGN:
        changes = {}
        if escalation.group_id:
            changes["group"] = escalation.group_id
        if escalation.assignee_id:
            changes["assignee"] = escalation.assignee_id
        elif escalation.group_id:
            changes["assignee"] = None
        if changes:
            desk.update_ticket(actor=sla_origin(), ticket=ticket, changes=changes)
    elif escalation.action == EscalationAction.RAISE_PRIORITY:
        if ticket.priority < Priority.URGENT:
            desk.update_ticket(actor=sla_origin(), ticket=ticket, changes={"priority": ticket.priority + 1})


# ---------------------------------------------------------------------------- policies
def _clean_policy(data: dict, errors: dict) -> None:
    if "name" in data and not (data["name"] or "").strip():
        errors["name"] = [_("This field is required.")]
    if "warning_percent" in data and not 1 <= int(data["warning_percent"]) <= 99:
        errors["warning_percent"] = [_("Use a share between 1 and 99 percent.")]
    seen = set()
    for target in data.get("targets") or []:
        priority = target.get("priority")
        if priority not in Priority.values:
            errors["targets"] = [_("Each target names a priority from 1 (low) to 4 (urgent).")]
        elif priority in seen:
            errors["targets"] = [_("Each priority has one target.")]
        seen.add(priority)
        for key in ("response_minutes", "resolution_minutes"):
            value = target.get(key)
            if value is not None and (not isinstance(value, int) or value <= 0):
                errors["targets"] = [_("Targets are positive numbers of minutes, or empty.")]
    for escalation in data.get("escalations") or []:
        action = escalation.get("action")
        if action == EscalationAction.REASSIGN and not (
            escalation.get("group") or escalation.get("assignee")
        ):
            errors["escalations"] = [_("Reassigning needs a group or a person.")]
        assignee = escalation.get("assignee")
        if assignee is not None and assignee.role not in AGENT_ROLES:
            errors["escalations"] = [_("Tickets are reassigned to agents only.")]


def save_policy(*, actor, policy: SlaPolicy | None, data: dict) -> SlaPolicy:
    """Create or change a policy with its conditions, targets and escalations (a list given
    replaces the policy's own). Open tickets are recomputed after commit (a task)."""
    ensure_allowed(actor, perms.can_configure_sla)
    errors: dict[str, list[str]] = {}
    if policy is None and "name" not in data:
        errors["name"] = [_("This field is required.")]
    _clean_policy(data, errors)
    if errors:
        raise InvalidInput(fields=errors)
    created = policy is None
    with transaction.atomic():
        policy = policy or SlaPolicy()
        for name in ("name", "order", "is_active", "calendar_id", "warning_percent"):
            if name in data:
                setattr(policy, name, data[name])
        policy.save()
        for name in ("ticket_types", "companies", "locations"):
            if name in data:
                getattr(policy, name).set(data[name])
        if "targets" in data:
            policy.targets.all().delete()
            SlaTarget.objects.bulk_create(
                [
                    SlaTarget(
                        policy=policy,
                        priority=t["priority"],
                        response_minutes=t.get("response_minutes"),
                        resolution_minutes=t.get("resolution_minutes"),
                    )
                    for t in data["targets"]
                ]
            )
        if "escalations" in data:
            keep = [e["id"] for e in data["escalations"] if e.get("id")]
            policy.escalations.exclude(pk__in=keep).delete()
            for e in data["escalations"]:
                fields = {
                    "threshold": e["threshold"],
                    "target": e["target"],
                    "action": e["action"],
                    "group": e.get("group"),
                    "assignee": e.get("assignee"),
                }
                if e.get("id") and policy.escalations.filter(pk=e["id"]).update(**fields):
                    continue
                SlaEscalation.objects.create(policy=policy, **fields)
        record_change(
            actor=actor,
            action="sla_policy.created" if created else "sla_policy.changed",
            target=policy,
            details={"changed": sorted(data)},
        )
        queue_recompute(everything=True)
    return policy


def delete_policy(*, actor, policy: SlaPolicy) -> None:
    ensure_allowed(actor, perms.can_configure_sla)
    with transaction.atomic():
        record_change(actor=actor, action="sla_policy.deleted", target=policy)
        policy.delete()  # its tickets' timers go with it; the recompute gives them the next policy
        queue_recompute(everything=True)


def ensure_default_policy(*, name: str, calendar_id=None) -> SlaPolicy:
    """The demo's policy (urgent 30 min / 4 h, high 1 h / 8 h, normal 4 h / 3 days, low 1 day /
    10 days) on the account default calendar, made once."""
    found = SlaPolicy.objects.filter(name=name).first()
    if found is not None:
        return found
    day = 24 * 60
    return save_policy(
        actor=None,
        policy=None,
        data={
            "name": name,
            "order": 100,
            "calendar_id": calendar_id,
            "targets": [
                {"priority": Priority.URGENT, "response_minutes": 30, "resolution_minutes": 4 * 60},
                {"priority": Priority.HIGH, "response_minutes": 60, "resolution_minutes": 8 * 60},
                {"priority": Priority.NORMAL, "response_minutes": 4 * 60, "resolution_minutes": 3 * day},
                {"priority": Priority.LOW, "response_minutes": day, "resolution_minutes": 10 * day},
            ],
        },
    )
