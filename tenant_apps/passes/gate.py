"""The gate: a guard scans a QR code or types a short code or a ticket number and gets a verdict.

`check_code` is the gate's one service: one indexed lookup (QR token, else short code, else ticket
key), the verdict computed in Python (validity.py), and one GateCheck row plus a "gate_checked"
event on the request ticket written in one transaction. Nothing else is read per check.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps import permissions as perms
from tenant_apps.desk import events
from tenant_apps.desk.models import Category, EventKind, Ticket, TicketEvent
from tenant_apps.desk.services import PermissionDenied

from .models import CheckMethod, GateCheck, Pass, PassState, Reason
from .services import (
    ALPHABET,
    APPROVED_OUTCOMES,
    SHORT_CODE_LENGTH,
    format_short_code,
    normalize_short_code,
)
from .validity import Window, account_zone, reason_for

MAX_CODE = 200
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
TICKET_KEY_RE = re.compile(r"^\s*([A-Za-z]{1,10})\s*-?\s*(\d{1,9})\s*$")
# joined in the one lookup; the linked ticket (one pass in ten, say) is read only when there is one:
# each extra join costs planning and SQL-compiling time on every check (bench/gate.py)
PASS_RELATED = ("request__ticket_type", "request__status", "company", "premises")
# when a ticket has several passes and none is valid, the one closest to valid explains the verdict
CLOSEST_FIRST = [
    Reason.VALID,
    Reason.OUTSIDE_HOURS,
    Reason.NOT_YET_VALID,
    Reason.NOT_APPROVED,
    Reason.EXPIRED,
    Reason.REJECTED,
    Reason.REVOKED,
]


def reason_message(reason: str) -> str:
    return {
        Reason.VALID: _("The pass is valid."),
        Reason.NOT_FOUND: _("No pass or ticket has this code."),
        Reason.NOT_APPROVED: _("The request is not approved yet."),
        Reason.REJECTED: _("The request was rejected."),
        Reason.REVOKED: _("The pass was revoked."),
        Reason.NOT_YET_VALID: _("The pass is not valid yet."),
        Reason.EXPIRED: _("The pass has expired."),
        Reason.OUTSIDE_HOURS: _("Outside the pass's hours."),
    }[reason]


# ---------------------------------------------------------------------------- lookup
def _find(raw: str) -> tuple[str, Pass | None, Ticket | None]:
    """(method, pass, ticket) for what was scanned or typed; at most three indexed lookups, and a
    QR token (the scanner's case) is exactly one."""
    passes = Pass.objects.select_related(*PASS_RELATED)
    if TOKEN_RE.match(raw):
        found = _one(passes.filter(qr_token=raw))
        if found is not None:
            return CheckMethod.QR, found, found.request
    code = normalize_short_code(raw)
    if len(code) == SHORT_CODE_LENGTH and set(code) <= set(ALPHABET):
        found = _one(passes.filter(short_code=code))
        if found is not None:
            return CheckMethod.SHORT_CODE, found, found.request
    match = TICKET_KEY_RE.match(raw)
    if match:
        ticket = _one(
            Ticket.objects.select_related("ticket_type", "status").filter(
                ticket_type__prefix__iexact=match.group(1), number=int(match.group(2))
            )
        )
        if ticket is not None:
            return CheckMethod.TICKET, None, ticket
    return CheckMethod.UNKNOWN, None, None


def _one(queryset):
    """The row of a unique lookup (no ORDER BY, unlike first())."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


def _linked(p: Pass) -> Ticket | None:
    if p.linked_ticket_id is None:
        return None
    return _one(Ticket.objects.select_related("ticket_type", "status").filter(pk=p.linked_ticket_id))


# ---------------------------------------------------------------------------- verdicts
def _ticket_ref(ticket: Ticket | None) -> dict | None:
    if ticket is None:
        return None
    return {
        "id": ticket.pk,
        "key": ticket.key,
        "title": ticket.title,
        "status": ticket.status.name,
        "category": ticket.category,
    }


def _local_iso(moment: datetime | None, tz) -> str | None:
    """A naive local wall-clock moment (or an aware instant) as ISO 8601 with the zone's offset."""
    if moment is None:
        return None
    aware = moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    return aware.isoformat()


def _pass_window(p: Pass, tz) -> dict:
    w = Window.of(p)
    return {
        "valid_from": p.valid_from.isoformat(),
        "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        "daily_from": p.daily_from.strftime("%H:%M") if p.daily_from else None,
        "daily_until": p.daily_until.strftime("%H:%M") if p.daily_until else None,
        "starts_at": _local_iso(w.first_moment(), tz),
        "ends_at": _local_iso(w.end(), tz),
        "time_zone": tz.key,
    }


def _pass_block(p: Pass, reason: str) -> dict:
    return {
        "id": p.pk,
        "kind": p.kind,
        "state": p.state,
        "holder_name": p.holder_name,
        "document": p.document,
        "vehicle_plate": p.vehicle_plate,
        "company": {"id": p.company_id, "name": p.company.name} if p.company_id else None,
        "premises": {"id": p.premises_id, "name": p.premises.name} if p.premises_id else None,
        "short_code": format_short_code(p.short_code),
        "purpose": p.purpose,
        "revoke_reason": p.revoke_reason if p.state == PassState.REVOKED else "",
        "reason": reason,
    }


def ticket_window(ticket: Ticket, tz) -> tuple[datetime | None, datetime | None]:
    """The time a ticket without passes allows (works, goods move-in): planned dates, else the
    form's start/finish, else the local day of its `when`."""
    f = ticket.fields or {}

    def parse(key):
        value = f.get(key)
        return parse_datetime(value) if isinstance(value, str) else None

    start = ticket.planned_start or parse("start")
    finish = ticket.planned_finish or parse("finish")
    when = parse("when")
    if start is None and finish is None and when is not None:
        day = when.astimezone(tz).date()
        start = datetime.combine(day, datetime.min.time(), tzinfo=tz)
        finish = start + timedelta(days=1)
    return start, finish


def _ticket_reason(ticket: Ticket, at: datetime, tz) -> tuple[str, dict]:
    """Verdict on a ticket of its own: its status, its latest approval outcome, its time."""
    start, finish = ticket_window(ticket, tz)
    window = {
        "valid_from": None,
        "valid_until": None,
        "daily_from": None,
        "daily_until": None,
        "starts_at": _local_iso(start, tz),
        "ends_at": _local_iso(finish, tz),
        "time_zone": tz.key,
    }
    if ticket.category == Category.CANCELLED:
        return Reason.REJECTED, window
    if ticket.category in (Category.RESOLVED, Category.CLOSED):
        return Reason.EXPIRED, window
    # The approval process alone decides, by its latest step in the ticket's history: a ticket no
    # approval ever covered, or one waiting for a decision, is not a permit.
    last = (
        TicketEvent.objects.filter(
            ticket=ticket, kind__in=(EventKind.APPROVAL_REQUESTED, EventKind.APPROVAL_COMPLETED)
        )
        .order_by("-id")
        .values_list("kind", "data__outcome")
        .first()
    )
    kind, outcome = last or (None, None)
    if kind == EventKind.APPROVAL_COMPLETED and outcome == "rejected":
        return Reason.REJECTED, window
    if kind != EventKind.APPROVAL_COMPLETED or outcome not in APPROVED_OUTCOMES:
        return Reason.NOT_APPROVED, window
    if start is not None and at < start:
        return Reason.NOT_YET_VALID, window
    if finish is not None and at >= finish:
        return Reason.EXPIRED, window
    return Reason.VALID, window


def check_code(*, actor, code: str, at: datetime | None = None) -> dict[str, Any]:
    """Check what was scanned or typed at the gate, log the check, and return the verdict.

    `at` is the instant judged (now, unless a test or a replay says otherwise)."""
    if not perms.can_check_at_gate(actor):
        raise PermissionDenied(_("Only guards, managers and Security check passes."))
    raw = (code or "").strip()
    if not raw:
        raise InvalidInput(fields={"code": [_("Scan or type a code.")]})
    if len(raw) > MAX_CODE:
        raise InvalidInput(fields={"code": [_("Use at most %(n)d characters.") % {"n": MAX_CODE}]})
    at = at or timezone.now()
    tz = account_zone()
    method, found, ticket = _find(raw)
    typed_ticket = ticket if method == CheckMethod.TICKET else None

    chosen: Pass | None = found
    passes_out: list[dict] = []
    linked: Ticket | None = None
    if found is not None:
        reason = reason_for(found, at, tz)
        window = _pass_window(found, tz)
        linked = _linked(found)
    elif ticket is not None:
        related = list(
            Pass.objects.select_related(*PASS_RELATED)
            .filter(Q(request=ticket) | Q(linked_ticket=ticket))
            .order_by("pk")[:50]
        )
        if related:
            judged = [(reason_for(p, at, tz), p) for p in related]
            reason, chosen = min(judged, key=lambda rp: CLOSEST_FIRST.index(rp[0]))
            passes_out = [_pass_block(p, r) for r, p in judged]
            window = _pass_window(chosen, tz)
            if chosen.request_id != ticket.pk:  # the typed ticket is the works permit / goods ticket
                linked, ticket = ticket, chosen.request
            else:
                linked = _linked(chosen)
        else:
            reason, window = _ticket_reason(ticket, at, tz)
    else:
        reason, window = Reason.NOT_FOUND, None

    valid = reason == Reason.VALID
    values = dict(
        checked_at=at,
        checked_by=actor,
        checked_by_name=actor.full_name,
        # a QR token is a secret: the log keeps the pass's short code instead
        code=f"QR {format_short_code(found.short_code)}" if method == CheckMethod.QR else raw,
        method=method,
        valid=valid,
        reason=reason,
        pass_obj=chosen,
        ticket=ticket,
    )
    if typed_ticket is None:
        # a pass scan is logged in GateCheck only: one insert, no ticket event (a permanent pass
        # would fill its request's history with a check a day, and the spine's readers would pay
        # for each); the pass's checks are GET /gate/checks/?pass=<id>
        check = GateCheck.objects.create(**values)
    else:
        # a ticket number typed at the gate (a goods move-in arriving, a works crew) is part of
        # that ticket's story: its history records it
        with transaction.atomic():
            check = GateCheck.objects.create(**values)
            events.record(
                typed_ticket,
                EventKind.GATE_CHECKED,
                actor,
                public=False,
                check_id=check.pk,
                valid=valid,
                reason=reason,
                pass_id=chosen.pk if chosen else None,
                short_code=format_short_code(chosen.short_code) if chosen else None,
            )
    pass_block = _pass_block(chosen, reason) if chosen is not None else None
    return {
        "check_id": check.pk,
        "valid": valid,
        "reason": {"code": reason, "message": reason_message(reason)},
        "method": method,
        "pass": pass_block,
        "passes": passes_out or ([pass_block] if pass_block else []),
        "window": window,
        "ticket": _ticket_ref(ticket),
        "linked_ticket": _ticket_ref(linked),
        "required_documents": list(chosen.required_documents) if chosen is not None else [],
        # a goods move-in typed at the gate: what the guard ticks next ("Goods brought in")
        "checklist": list(
            typed_ticket.checklist.order_by("id").values("id", "label", "kind", "required", "done")
        )
        if typed_ticket is not None
        else [],
        "checklist_ticket": typed_ticket.pk if typed_ticket is not None else None,
        "checked_at": at.astimezone(tz).isoformat(),
    }
