"""Writes about passes: requesting, issuing, following approvals, revoking, extending.

A pass request is a desk ticket of the type with code "pass", filed through
`tenant_apps.desk.services.file_ticket` (so routing, permissions and the event spine apply), plus
one Pass row per holder written in the same transaction. Issuing, revoking and extending record
ticket events ("pass_issued", "pass_changed") on the request ticket.
"""

from __future__ import annotations

import secrets
from datetime import date, time
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound

from tenant_apps import permissions as perms
from tenant_apps.desk import events
from tenant_apps.desk.models import Channel, EventKind, Ticket, TicketEvent, TicketType
from tenant_apps.desk.origin import Origin
from tenant_apps.desk.services import PermissionDenied, file_ticket
from tenant_apps.objects.models import Location
from tenant_apps.people.models import Company, User

from .models import Pass, PassKind, PassState
from .validity import account_zone, local_now

PASS_TYPE = "pass"  # code of the ticket type of pass requests (desk defaults of a mall operator)
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: nothing to confuse when typing
SHORT_CODE_LENGTH = 8
MAX_HOLDERS = 50
MAX_DOCUMENTS = 20
APPROVED_OUTCOMES = frozenset({"approved", "approved_with_remarks"})
REJECTED_OUTCOMES = frozenset({"rejected"})


class PassesNotConfigured(DomainError):
    code = "passes_not_configured"
    status = 409
    default_detail = gettext_lazy("This account has no pass request type.")


class PassStateConflict(DomainError):
    code = "pass_state_conflict"
    status = 409
    default_detail = gettext_lazy("The pass is not in a state that allows this.")


# ---------------------------------------------------------------------------- codes
def new_short_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SHORT_CODE_LENGTH))


def new_qr_token() -> str:
    return secrets.token_urlsafe(24)  # 32 characters, 192 random bits


def normalize_short_code(text: str) -> str:
    """What a guard typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch.isalnum())


def format_short_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == SHORT_CODE_LENGTH else code


def normalize_plate(text: str) -> str:
    return "".join((text or "").upper().split())


# ---------------------------------------------------------------------------- validation
def _text(value: Any, limit: int, name: str, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = [_("Enter text.")]
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[name] = [_("Use at most %(n)d characters.") % {"n": limit}]
    return value


def clean_holders(holders: Any, errors: dict[str, list[str]], prefix: str = "holders") -> list[dict]:
    if not isinstance(holders, list) or not holders:
        errors[prefix] = [_("Name at least one person or vehicle.")]
        return []
    if len(holders) > MAX_HOLDERS:
        errors[prefix] = [_("At most %(n)d holders per request.") % {"n": MAX_HOLDERS}]
        return []
    cleaned = []
    for index, holder in enumerate(holders):
        at = f"{prefix}.{index}"
        if not isinstance(holder, dict):
            errors[at] = [_("Send an object with name, document and vehicle_plate.")]
            continue
        unknown = set(holder) - {"name", "document", "vehicle_plate"}
        for key in sorted(unknown):
            errors[f"{at}.{key}"] = [_("Unknown field.")]
        name = _text(holder.get("name"), 200, f"{at}.name", errors)
        document = _text(holder.get("document"), 100, f"{at}.document", errors)
        plate = normalize_plate(_text(holder.get("vehicle_plate"), 20, f"{at}.vehicle_plate", errors))
        if not name and not plate:
            errors[f"{at}.name"] = [_("Give the person's name or the vehicle's plate.")]
        cleaned.append({"holder_name": name, "document": document, "vehicle_plate": plate})
    return cleaned


def clean_window(
    *,
    kind: Any,
    valid_from: date | None,
    valid_until: date | None,
    daily_from: time | None,
    daily_until: time | None,
    today: date | None,
    errors: dict[str, list[str]],
    names: dict[str, str] | None = None,
) -> None:
    """Rules of a pass's validity window; messages go under `names[field]` (default: the field)."""
    names = names or {}

    def err(field: str, message: str) -> None:
        errors.setdefault(names.get(field, field), []).append(message)

    if kind not in PassKind.values:
        err("kind", _("Choose one of: %(c)s.") % {"c": ", ".join(PassKind.values)})
    if valid_from is None:
        err("valid_from", _("This field is required."))
    if valid_until is None and kind == PassKind.TEMPORARY:
        err("valid_until", _("A temporary pass needs an end date."))
    if valid_from and valid_until:
        if valid_until < valid_from:
            err("valid_until", _("The pass would end before it starts."))
        elif today is not None and valid_until < today:
            err("valid_until", _("The pass would already be expired."))
    if (daily_from is None) != (daily_until is None):
        err("daily_until" if daily_until is None else "daily_from", _("Give both daily hours, or neither."))
    elif daily_from is not None and daily_from == daily_until:
        err("daily_until", _("The daily hours must not start and end at the same time."))


def _resolve(model, value, name: str, errors: dict[str, list[str]]):
    if value is None or hasattr(value, "pk"):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        errors[name] = [_("No such item.")]
        return None
    obj = model.objects.filter(pk=value).first()
    if obj is None:
        errors[name] = [_("No such item.")]
    return obj


def clean_documents(value: Any, errors: dict[str, list[str]]) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or any(not isinstance(v, str) for v in value):
        errors["required_documents"] = [_("Send a list of document names.")]
        return []
    docs = [v.strip() for v in value if v.strip()]
    if len(docs) > MAX_DOCUMENTS or any(len(v) > 200 for v in docs):
        errors["required_documents"] = [
            _("At most %(n)d documents of up to 200 characters each.") % {"n": MAX_DOCUMENTS}
        ]
    return list(dict.fromkeys(docs))


def _today() -> date:
    return local_now(timezone.now(), account_zone()).date()


# ---------------------------------------------------------------------------- writing passes
# The pass service files its request tickets `via` itself (tenant_apps.desk.origin): it writes the
# passes from its own structured input, so the passes reaction leaves those filings alone.
VIA = "passes"


def _create_pass(**values) -> Pass:
    """Insert one pass with fresh codes; a (vanishingly rare) code collision retries."""
    for attempt in range(5):
        try:
            with transaction.atomic():
                return Pass.objects.create(short_code=new_short_code(), qr_token=new_qr_token(), **values)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _summary(holders: list[dict]) -> str:
    names = [h["holder_name"] or h["vehicle_plate"] for h in holders]
    text = ", ".join(names[:3])
    if len(names) > 3:
        text += " " + _("and %(n)d more") % {"n": len(names) - 3}
    return text[:280]


def _pass_ref(p: Pass) -> dict:
    return {"id": p.pk, "holder": p.holder, "short_code": format_short_code(p.short_code)}


def _person_or_approval(actor: User | None) -> User | Origin:
    """Who a pass event names: the person, or the approval (a round that completed by itself)."""
    return actor if actor is not None else Origin.system_actor("approval", label=_("Approval"))


def _issue(actor: User | None, ticket: Ticket, passes: list[Pass], *, via: str, **data) -> None:
    now = timezone.now()
    for p in passes:
        p.state = PassState.APPROVED
        p.issued_at = now
        p.issued_by = actor if actor is not None and actor.pk else None
        p.save(update_fields=["state", "issued_at", "issued_by", "updated_at"])
    events.record(
        ticket,
        EventKind.PASS_ISSUED,
        _person_or_approval(actor),
        public=True,
        via=via,
        passes=[_pass_ref(p) for p in passes],
        **data,
    )


@transaction.atomic
def request_passes(
    *,
    actor: User,
    kind: str,
    holders: list[dict],
    valid_from: date | None,
    valid_until: date | None = None,
    daily_from: time | None = None,
    daily_until: time | None = None,
    company: Company | int | None = None,
    premises: Location | int | None = None,
    purpose: str = "",
    linked_ticket: Ticket | int | None = None,
    required_documents: list[str] | None = None,
    title: str = "",
    description: str = "",
    requester: User | int | None = None,
    fields: dict | None = None,
    issue: bool = False,
    channel: str = Channel.WEB,
) -> tuple[Ticket, list[Pass]]:
    """File a pass request: the ticket and one pass per holder, all or nothing.

    `issue=True` (managers and Security only) issues the passes at once, approved."""
    if issue and not perms.can_manage_passes(actor):
        raise PermissionDenied(_("Only managers and Security issue passes directly."))
    pass_type = TicketType.objects.filter(code=PASS_TYPE).first()
    if pass_type is None:
        raise PassesNotConfigured()
    errors: dict[str, list[str]] = {}
    cleaned_holders = clean_holders(holders, errors)
    clean_window(
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        daily_from=daily_from,
        daily_until=daily_until,
        today=_today(),
        errors=errors,
    )
    purpose = _text(purpose, 2000, "purpose", errors)
    documents = clean_documents(required_documents, errors)
    company_obj = _resolve(Company, company, "company", errors)
    premises_obj = _resolve(Location, premises, "premises", errors)
    requester_obj = _resolve(User, requester, "requester", errors) or actor
    linked = _resolve(Ticket, linked_ticket, "linked_ticket", errors)
    if linked is not None and not perms.can_view_ticket(actor, linked):
        errors["linked_ticket"] = [_("No such item.")]
    if linked is not None and linked.ticket_type.code == PASS_TYPE:
        errors["linked_ticket"] = [_("Link a works permit or a goods ticket, not another pass request.")]
    company_obj = company_obj or (requester_obj.company if requester_obj else None)
    if (
        premises_obj is not None
        and not requester_obj.is_agent
        and premises_obj.company_id
        and premises_obj.company_id != getattr(company_obj, "pk", None)
    ):
        errors["premises"] = [_("These premises are leased by another company.")]
    if errors:
        raise InvalidInput(fields=errors)

    form_keys = set(pass_type.form_fields.values_list("key", flat=True))
    summary = _summary(cleaned_holders)
    first = cleaned_holders[0]
    derived = {
        "pass_kind": kind,
        "person_name": summary,
        "document": first["document"],
        "vehicle_plate": first["vehicle_plate"],
        "valid_from": valid_from.isoformat(),
        "valid_to": valid_until.isoformat() if valid_until else None,
        "purpose": purpose,
    }
    form_values = {k: v for k, v in derived.items() if k in form_keys and v not in (None, "")}
    form_values.update(fields or {})
    ticket = file_ticket(
        actor=Origin.of(actor, via=VIA),
        ticket_type=pass_type,
        title=(title or "").strip() or _("Pass for %(holders)s") % {"holders": summary},
        description=description or purpose,
        fields=form_values,
        requester=requester_obj if requester_obj != actor else None,
        company=company_obj,
        location=premises_obj,
        channel=channel,
    )
    passes = [
        _create_pass(
            request=ticket,
            linked_ticket=linked,
            kind=kind,
            company=ticket.company,
            premises=premises_obj,
            valid_from=valid_from,
            valid_until=valid_until,
            daily_from=daily_from,
            daily_until=daily_until,
            purpose=purpose,
            required_documents=documents,
            **holder,
        )
        for holder in cleaned_holders
    ]
    if issue:
        _issue(actor, ticket, passes, via="direct")
    return ticket, passes


def passes_from_form(event: TicketEvent) -> None:
    """A pass request filed as a plain ticket (POST /tickets/, e-mail, demo): one pass from its form.

    Refuses the filing (a DomainError rolls the ticket back) when the form's dates make no pass;
    dates already past are let through (the pass is simply expired, and the reviewers see it)."""
    ticket = event.ticket
    f = ticket.fields or {}
    errors: dict[str, list[str]] = {}
    valid_from = parse_date(f["valid_from"]) if isinstance(f.get("valid_from"), str) else None
    valid_until = parse_date(f["valid_to"]) if isinstance(f.get("valid_to"), str) else None
    kind = f.get("pass_kind") or PassKind.TEMPORARY
    clean_window(
        kind=kind,
        valid_from=valid_from,
        valid_until=valid_until,
        daily_from=None,
        daily_until=None,
        today=None,
        errors=errors,
        names={
            "kind": "fields.pass_kind",
            "valid_from": "fields.valid_from",
            "valid_until": "fields.valid_to",
        },
    )
    holder = {
        "name": f.get("person_name") or "",
        "document": f.get("document") or "",
        "vehicle_plate": f.get("vehicle_plate") or "",
    }
    holders = clean_holders([holder], errors, prefix="fields")
    errors = {("fields.person_name" if k.startswith("fields.0.") else k): v for k, v in errors.items()}
    if errors:
        raise InvalidInput(fields=errors)
    _create_pass(
        request=ticket,
        kind=kind,
        company=ticket.company,
        premises=ticket.location,
        valid_from=valid_from,
        valid_until=valid_until,
        purpose=f.get("purpose") or "",
        **holders[0],
    )


def follow_approval(event: TicketEvent) -> None:
    """The request's approval completed: the latest round decides for every pass not revoked."""
    outcome = (event.data or {}).get("outcome")
    if outcome in APPROVED_OUTCOMES:
        targets = (PassState.REQUESTED, PassState.REJECTED)
    elif outcome in REJECTED_OUTCOMES:
        targets = (PassState.REQUESTED, PassState.APPROVED)
    else:
        return
    passes = list(
        Pass.objects.select_for_update().filter(request_id=event.ticket_id, state__in=targets).order_by("pk")
    )
    if not passes:
        return
    actor = event.actor
    round_no = (event.data or {}).get("round")
    if outcome in APPROVED_OUTCOMES:
        _issue(actor, event.ticket, passes, via="approval", outcome=outcome, round=round_no)
        return
    for p in passes:
        p.state = PassState.REJECTED
        p.save(update_fields=["state", "updated_at"])
    events.record(
        event.ticket,
        EventKind.PASS_CHANGED,
        _person_or_approval(actor),
        public=True,
        action="rejected",
        round=round_no,
        passes=[_pass_ref(p) for p in passes],
    )


def _locked_pass(pass_obj: Pass) -> Pass:
    return Pass.objects.select_for_update().select_related("request__ticket_type").get(pk=pass_obj.pk)


@transaction.atomic
def issue_request(*, actor: User, ticket: Ticket) -> list[Pass]:
    """Issue a request's pending (or rejected) passes directly, without an approval round."""
    if not perms.can_manage_passes(actor):
        raise PermissionDenied(_("Only managers and Security issue passes directly."))
    ticket = Ticket.objects.select_for_update().select_related("ticket_type").get(pk=ticket.pk)
    all_passes = list(Pass.objects.select_for_update().filter(request=ticket).order_by("pk"))
    if not all_passes:
        raise NotFound()
    pending = [p for p in all_passes if p.state in (PassState.REQUESTED, PassState.REJECTED)]
    if not pending:
        raise PassStateConflict(_("Every pass of this request is already issued or revoked."))
    tz = account_zone()
    today = local_now(timezone.now(), tz).date()
    if all(p.valid_until is not None and p.valid_until < today for p in pending):
        raise PassStateConflict(_("The request's dates have passed; file a new request."))
    _issue(actor, ticket, pending, via="direct")
    return pending


@transaction.atomic
def revoke_pass(*, actor: User, pass_obj: Pass, reason: str) -> Pass:
    if not perms.can_manage_passes(actor):
        raise PermissionDenied(_("Only managers and Security revoke passes."))
    p = _locked_pass(pass_obj)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the pass is revoked.")]})
    if len(reason) > 500:
        raise InvalidInput(fields={"reason": [_("Use at most %(n)d characters.") % {"n": 500}]})
    if p.state not in (PassState.REQUESTED, PassState.APPROVED):
        raise PassStateConflict(_("Only a requested or issued pass can be revoked."))
    p.state = PassState.REVOKED
    p.revoked_at = timezone.now()
    p.revoked_by = actor
    p.revoke_reason = reason
    p.save(update_fields=["state", "revoked_at", "revoked_by", "revoke_reason", "updated_at"])
    events.record(
        p.request,
        EventKind.PASS_CHANGED,
        actor,
        public=True,
        action="revoked",
        reason=reason,
        passes=[_pass_ref(p)],
    )
    return p


@transaction.atomic
def extend_pass(*, actor: User, pass_obj: Pass, valid_until: date) -> Pass:
    """Move a pass's last date later (an expired pass comes back to life; a revoked one does not)."""
    if not perms.can_manage_passes(actor):
        raise PermissionDenied(_("Only managers and Security extend passes."))
    p = _locked_pass(pass_obj)
    if p.state not in (PassState.REQUESTED, PassState.APPROVED):
        raise PassStateConflict(_("Only a requested or issued pass can be extended."))
    if p.valid_until is None:
        raise PassStateConflict(_("This pass has no end date."))
    if valid_until <= p.valid_until:
        raise InvalidInput(fields={"valid_until": [_("Choose a date after the current end date.")]})
    if valid_until < _today():
        raise InvalidInput(fields={"valid_until": [_("The pass would already be expired.")]})
    old = p.valid_until
    p.valid_until = valid_until
    p.save(update_fields=["valid_until", "updated_at"])
    events.record(
        p.request,
        EventKind.PASS_CHANGED,
        actor,
        public=True,
        action="extended",
        changes={"valid_until": [old.isoformat(), valid_until.isoformat()]},
        passes=[_pass_ref(p)],
    )
    return p


def reject_pending_on_cancel(event: TicketEvent) -> None:
    """The request was withdrawn or cancelled before approval: its pending passes are rejected."""
    passes = list(
        Pass.objects.select_for_update()
        .filter(request_id=event.ticket_id, state=PassState.REQUESTED)
        .order_by("pk")
    )
    if not passes:
        return
    for p in passes:
        p.state = PassState.REJECTED
        p.save(update_fields=["state", "updated_at"])
    events.record(
        event.ticket,
        EventKind.PASS_CHANGED,
        event.actor,
        public=True,
        action="rejected",
        passes=[_pass_ref(p) for p in passes],
    )
