"""Federation: partnerships, forwarding, the outbox (from the spine), delivery and the inbox.

Writes follow docs/federation.md:
- partnership services run in the caller's account (its admin) and change the public-schema row;
- every change to a linked ticket is turned into an outbox message by `_to_outbox`, inside the
  change's own transaction (a listener of the ticket-event spine);
- `drain_link` (a Celery task per link) sends the link's messages in sequence order, with
  exponential backoff and jitter; a message refused for good, or failing too often, is parked;
- `receive` is the one entry for incoming messages (the HTTP endpoint and the same-deployment
  transport both call it): signature, replay window, partnership state, then the inbox row (a
  duplicate id is a no-op) and `apply_ready`, which applies the link's messages in order, parking
  a message that fails;
- changes applied from the inbox are never sent back to the link they came from (echo).
"""

from __future__ import annotations

import base64
import contextvars
import datetime as dt
import hashlib
import logging
import random
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.tasks import enqueue_for_account, starting

from billing.licensing import Feature, ensure_feature, ensure_writable
from tenant_apps import permissions as perms
from tenant_apps.desk import confirmation, events
from tenant_apps.desk import routing as routing_actions
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import (
    Attachment,
    Category,
    Channel,
    Comment,
    EventKind,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
)
from tenant_apps.people.models import Company, CompanyKind, Role, User

from . import protocol
from .directory.models import Partnership, PartnershipState, Side
from .models import InboxMessage, LinkRole, LinkState, MessageKind, OutboxMessage, TicketLink

log = logging.getLogger("atrium.federation")
PROCESS = "federation"


# ---------------------------------------------------------------------------- errors
class PartnershipNotActive(DomainError):
    code = "partnership_not_active"
    status = 409
    default_detail = gettext_lazy("This partnership is not active.")


class WrongPartnershipState(DomainError):
    code = "partnership_state"
    status = 409
    default_detail = gettext_lazy("The partnership is not in a state that allows this.")


class NotForwardable(DomainError):
    code = "not_forwardable"
    status = 409
    default_detail = gettext_lazy("This ticket cannot be forwarded to this partner.")


class NoActiveLink(DomainError):
    code = "no_active_link"
    status = 409
    default_detail = gettext_lazy("This ticket has no active link to a partner that allows this.")


# ---------------------------------------------------------------------------- accounts
def _current_account():
    account = getattr(connection, "tenant", None)
    if account is None or not hasattr(account, "created_at"):
        raise RuntimeError("federation services run inside an account")
    return account


@contextmanager
def in_account(account) -> Iterator[None]:
    """Work inside `account`'s schema with the account itself as the connection's tenant (licence
    checks need it), then return to where we were. Used only by the same-deployment transport and
    the file link of this module: nothing else in the account plane names another schema."""
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


def partnerships_of(account):
    return Partnership.objects.select_related("requester_account", "provider_account").filter(
        Q(requester_account=account) | Q(provider_account=account)
    )


def partnership_for(account, pk) -> Partnership:
    """A partnership the account takes part in, or NotFound (never someone else's)."""
    found = partnerships_of(account).filter(pk=pk).first() if isinstance(pk, uuid.UUID) else None
    if found is None:
        try:
            found = partnerships_of(account).filter(pk=uuid.UUID(str(pk))).first()
        except ValueError:
            found = None
    if found is None:
        raise NotFound()
    return found


# ---------------------------------------------------------------------------- partnership terms
def _check_terms(terms: dict[str, Any], side: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    """Validate what this side's schema can check: its own type codes and status keys."""
    out: dict[str, Any] = {}
    type_codes = set(TicketType.objects.values_list("code", flat=True))
    status_keys = set(Status.objects.values_list("key", flat=True))
    for name in ("type_map", "status_to_provider", "status_to_requester"):
        if name not in terms or terms[name] is None:
            continue
        value = terms[name]
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            errors[name] = [_("Send an object of codes to codes.")]
            continue
        out[name] = value
    mine_keys = {  # which side of each map names this account's codes
        Side.REQUESTER: {"type_map": "keys", "status_to_provider": "keys", "status_to_requester": "values"},
        Side.PROVIDER: {"type_map": "values", "status_to_provider": "values", "status_to_requester": "keys"},
    }[side]
    for name, which in mine_keys.items():
        if name not in out:
            continue
        codes = set(out[name].keys() if which == "keys" else out[name].values()) - {""}
        known = type_codes if name == "type_map" else status_keys
        unknown = sorted(codes - known)
        if unknown:
            errors[name] = [_("Unknown in this account: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if "attachments" in terms:
        if not isinstance(terms["attachments"], bool):
            errors["attachments"] = [_("Send true or false.")]
        else:
            out["attachments"] = terms["attachments"]
    return out


def invite_partner(
    *,
    actor: User,
    partner: str = "",
    terms: dict[str, Any],
    note: str = "",
    remote_url: str = "",
    code: str = "",
) -> Partnership:
    """The requester's admin invites an account to work the requester's tickets: one of this
    deployment (by its slug or host), or one of another deployment (its base URL and the
    invitation code its admin made there). Terms name the requester's types and statuses now;
    the provider completes its side when it accepts."""
    if remote_url or code:
        from . import remote

        if partner:
            raise InvalidInput(
                fields={"partner": [_("Give either an account address or a deployment URL and a code.")]}
            )
        return remote.invite_remote_partner(
            actor=actor, remote_url=remote_url, code=code, terms=terms, note=note
        )
    return _invite_local_partner(actor=actor, partner=partner, terms=terms, note=note)


@transaction.atomic
def _invite_local_partner(*, actor: User, partner: str, terms: dict[str, Any], note: str) -> Partnership:
    from tenants_shared.accounts.models import Account
    from tenants_shared.accounts.selectors import account_for_host, accounts_in_service

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = _current_account()
    ensure_feature(Feature.FEDERATION, account)
    errors: dict[str, list[str]] = {}
    partner = (partner or "").strip().lower()
    other: Account | None = None
    if partner:
        other = accounts_in_service().filter(slug=partner).first() or account_for_host(partner)
    if other is None or other.is_public or not other.ready_at:
        errors["partner"] = [_("No account with this address on this deployment.")]
    elif other.pk == account.pk:
        errors["partner"] = [_("An account cannot be its own partner.")]
    elif (
        Partnership.objects.filter(requester_account=account, provider_account=other)
        .exclude(state__in=[PartnershipState.ENDED, PartnershipState.DECLINED])
        .exists()
    ):
        errors["partner"] = [_("There already is a partnership with this account.")]
    cleaned = _check_terms(terms, Side.REQUESTER, errors)
    if not cleaned.get("type_map"):
        errors.setdefault("type_map", [_("Name at least one ticket type that may be forwarded.")])
    if len(note or "") > 2000:
        errors["note"] = [_("Use at most 2000 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    key_id, key = protocol.new_key()
    return Partnership.objects.create(
        requester_account=account,
        provider_account=other,
        state=PartnershipState.INVITED,
        type_map=cleaned["type_map"],
        status_to_provider=cleaned.get("status_to_provider", {}),
        status_to_requester=cleaned.get("status_to_requester", {}),
        attachments=cleaned.get("attachments", True),
        note=(note or "").strip(),
        key_id=key_id,
        key=key,
    )


def _lock_partnership(account, pk) -> Partnership:
    found = partnership_for(account, pk)
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("requester_account", "provider_account")
        .get(pk=found.pk)
    )


@transaction.atomic
def accept_partnership(*, actor: User, partnership: Partnership, terms: dict[str, Any]) -> Partnership:
    """The provider's admin accepts; its side of the terms (types and statuses it maps to) may be
    completed or corrected now. Every forwarded type must then map to one of the provider's."""
    account, p = _locked_for_admin(actor, partnership)
    if p.side_of(account) != Side.PROVIDER:
        raise WrongPartnershipState(_("Only the invited account accepts."))
    if p.state != PartnershipState.INVITED:
        raise WrongPartnershipState()
    ensure_feature(Feature.FEDERATION, account)
    errors: dict[str, list[str]] = {}
    cleaned = _check_terms(terms, Side.PROVIDER, errors)
    type_map = {**p.type_map, **cleaned.get("type_map", {})}
    if set(type_map) != set(p.type_map):
        errors["type_map"] = [_("Map only the types the inviting account offered.")]
    elif not all(type_map.values()):
        errors["type_map"] = [_("Map every offered type to one of your ticket types.")]
    else:
        _check_terms({"type_map": type_map}, Side.PROVIDER, errors)
    if errors:
        raise InvalidInput(fields=errors)
    p.type_map = type_map
    for name in ("status_to_provider", "status_to_requester"):
        if name in cleaned:
            setattr(p, name, {**getattr(p, name), **cleaned[name]})
    p.state = PartnershipState.ACTIVE
    p.accepted_at = timezone.now()
    p.save()
    _announce(p)
    return p


def _locked_for_admin(actor: User, partnership: Partnership) -> tuple[Any, Partnership]:
    """The prologue of every change an account admin makes to a partnership: may they, which
    account is acting, and the partnership row locked for the rest of the transaction."""
    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = _current_account()
    return account, _lock_partnership(account, partnership.pk)


@transaction.atomic
def decline_partnership(*, actor: User, partnership: Partnership, reason: str = "") -> Partnership:
    account, p = _locked_for_admin(actor, partnership)
    if p.side_of(account) != Side.PROVIDER or p.state != PartnershipState.INVITED:
        raise WrongPartnershipState()
    p.state, p.reason, p.ended_at = PartnershipState.DECLINED, (reason or "").strip(), timezone.now()
    p.save()
    _announce(p)
    return p


@transaction.atomic
def suspend_partnership(*, actor: User, partnership: Partnership, reason: str = "") -> Partnership:
    """Either side pauses the partnership: messages wait in the outboxes until it resumes."""
    account, p = _locked_for_admin(actor, partnership)
    if p.state != PartnershipState.ACTIVE:
        raise WrongPartnershipState()
    p.state, p.suspended_at, p.suspended_by = PartnershipState.SUSPENDED, timezone.now(), p.side_of(account)
    p.reason = (reason or "").strip()
    p.save()
    _announce(p)
    return p


@transaction.atomic
def resume_partnership(*, actor: User, partnership: Partnership) -> Partnership:
    """Either side resumes a suspended partnership; what waited in the outboxes is sent."""
    account, p = _locked_for_admin(actor, partnership)
    if p.state != PartnershipState.SUSPENDED:
        raise WrongPartnershipState()
    p.state, p.suspended_at, p.suspended_by = PartnershipState.ACTIVE, None, ""
    p.save()
    _announce(p)
    for link_id in TicketLink.objects.filter(partnership_id=p.pk).values_list("pk", flat=True):
        _kick(link_id)
    return p


@transaction.atomic
def end_partnership(*, actor: User, partnership: Partnership, reason: str = "") -> Partnership:
    """Either side ends it. Every link of this side becomes orphaned (tickets stay, unlinked) and
    an `unshare` message tells the partner to orphan its side too. Nothing is deleted."""
    account, p = _locked_for_admin(actor, partnership)
    if p.state in (PartnershipState.ENDED, PartnershipState.DECLINED):
        raise WrongPartnershipState()
    p.state, p.ended_at, p.ended_by = PartnershipState.ENDED, timezone.now(), p.side_of(account)
    p.reason = (reason or "").strip()
    p.save()
    for link in TicketLink.objects.filter(partnership_id=p.pk, state=LinkState.ACTIVE).select_related(
        "ticket"
    ):
        _queue(link, MessageKind.UNSHARE, {"reason": p.reason})
        _orphan(link, actor=actor, reason=p.reason)
    _announce(p)
    return p


def _announce(p: Partnership) -> None:
    """Across deployments, the partner learns this side's new state by a signed message."""
    if p.remote_url:
        from . import remote

        remote.announce(p)


def _orphan(link: TicketLink, *, actor: User | None, reason: str) -> None:
    link.state = LinkState.ORPHANED
    link.save(update_fields=["state", "updated_at"])
    with _inbound(link.pk):
        events.record(
            desk.lock_ticket(link.ticket),
            EventKind.FEDERATION,
            actor,
            public=False,
            action="orphaned",
            link=str(link.pk),
            reason=reason,
            **({} if actor else {"actor_name": _("Partner account")}),
        )


@transaction.atomic
def rotate_key(*, partnership: Partnership) -> Partnership:
    """A new signing key; the previous one is still accepted for the overlap period."""
    p = Partnership.objects.select_for_update().get(pk=partnership.pk)
    p.previous_key_id, p.previous_key = p.key_id, p.key
    p.previous_key_until = timezone.now() + dt.timedelta(seconds=settings.FEDERATION_KEY_OVERLAP_SECONDS)
    p.key_id, p.key = protocol.new_key()
    p.save()
    return p


def accepted_keys(p: Partnership, now: dt.datetime) -> dict[str, str]:
    keys = {p.key_id: p.key}
    if p.previous_key_id and p.previous_key_until and p.previous_key_until > now:
        keys[p.previous_key_id] = p.previous_key
    return keys


# ---------------------------------------------------------------------------- the partner, as a person here
# Partner people already in the database, remembered for one drain (see `drain_link`): only
# people found (not made) are kept, so a rolled-back savepoint never leaves one behind.
_person_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "fed_partner_people", default=None
)


def partner_person(p: Partnership, local_side: str) -> User:
    """The partner account as it appears in this one: a company card (the client, or the
    contractor) and one blocked, password-less person of that company who authors what the
    partner does. Never an agent, so never a seat; it can never sign in."""
    cache = _person_cache.get()
    key = (connection.schema_name, p.pk, local_side)
    if cache is not None and key in cache:
        return cache[key]
    other = p.account_of(Partnership.other(local_side))
    name = other.name if other is not None else (p.remote_name or p.remote_url)
    company, _made = Company.objects.get_or_create(
        external_id=f"federation:{p.pk}",
        defaults={
            "name": name[:200],
            "kind": CompanyKind.CONTRACTOR if local_side == Side.REQUESTER else CompanyKind.TENANT,
            "notes": _("Partner account (federation)"),
        },
    )
    email = f"partner-{p.pk.hex}@federation.invalid"
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User(
            email=email,
            full_name=name[:150],
            role=Role.EMPLOYEE,
            company=company,
            blocked_at=timezone.now(),
            blocked_reason=_("Partner account (federation): acts through federation messages only."),
        )
        person.set_unusable_password()
        person.save()
    elif cache is not None and not _made:
        cache[key] = person
    return person


# ---------------------------------------------------------------------------- echo prevention
_inbound_link: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("fed_inbound", default=None)


@contextmanager
def _inbound(link_id: uuid.UUID) -> Iterator[None]:
    """Changes made inside are the partner's own (or the link's state): never sent back on it."""
    token = _inbound_link.set(link_id)
    try:
        yield
    finally:
        _inbound_link.reset(token)


# ---------------------------------------------------------------------------- the outbox
def _queue(link: TicketLink, kind: str, payload: dict, *, event_id: int | None = None) -> OutboxMessage:
    """Append a message to the link's outbox in the current transaction; drain it after commit."""
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE federation_ticketlink SET next_out_seq = next_out_seq + 1 WHERE id = %s RETURNING next_out_seq",
            [link.pk],
        )
        link.next_out_seq = cur.fetchone()[0]
    msg = OutboxMessage.objects.create(
        link=link, seq=link.next_out_seq - 1, kind=kind, payload=payload, event_id=event_id
    )
    _kick(link.pk)
    return msg


def _drain_key(schema_name: str, link_id) -> str:
    return f"federation:drain:{schema_name}:{link_id}"


def _kick(link_id: uuid.UUID, countdown: float | None = None) -> None:
    """Queue a drain of the link after commit. Without a countdown, only if none is waiting for
    the link: a burst of changes on one link is one drain, not one per change. A retry after
    backoff (`countdown`) is always queued. The sweeper (`sweep_outbox`) catches the rest."""
    schema = connection.schema_name
    enqueue_for_account(
        "federation.drain_link",
        schema_name=schema,
        countdown=countdown,
        once_key=None if countdown is not None else _drain_key(schema, link_id),
        once_seconds=settings.FEDERATION_DRAIN_PENDING_SECONDS,
        link_id=str(link_id),
    )


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def _attachment_payload(attachment: Attachment, link: TicketLink) -> dict:
    data = {"name": attachment.name, "content_type": attachment.content_type, "size": attachment.size}
    if attachment.size <= settings.FEDERATION_INLINE_MAX_BYTES:
        with attachment.file.open("rb") as fh:
            data["data"] = base64.b64encode(fh.read()).decode()
    else:
        token = signing.dumps(
            {"s": connection.schema_name, "a": attachment.pk, "l": str(link.pk)}, salt="federation-file"
        )
        data["url"] = f"{settings.FEDERATION_BASE_URL.rstrip('/')}/federation/files/{token}/"
    return data


def _message_for(
    event: TicketEvent, link: TicketLink, partnership: Partnership | None
) -> tuple[str, dict] | None:
    d = event.data or {}
    who = event.actor_name
    if event.kind == EventKind.COMMENTED:
        if d.get("internal") or not event.public:
            return None  # internal comments never cross
        return MessageKind.COMMENT, {"body": d.get("body", ""), "author": who}
    if event.kind == EventKind.STATUS_CHANGED:
        ticket = event.ticket
        return MessageKind.STATUS, {
            "key": ticket.status.key,
            "name": ticket.status.name,
            "category": ticket.status.category,
            "comment": d.get("comment") or "",
            "author": who,
        }
    if event.kind == EventKind.CHANGED:
        changes = d.get("changes") or {}
        dates = {k: changes[k][1] for k in ("planned_start", "planned_finish") if k in changes}
        return (MessageKind.UPDATE, dates) if dates else None
    if event.kind == EventKind.ASSIGNED and link.role == LinkRole.RECEIVER:
        assignee = event.ticket.assignee
        return MessageKind.UPDATE, {"assignee": assignee.full_name if assignee else ""}
    if event.kind == EventKind.CHECKLIST_CHANGED:
        changes = d.get("changes") or {}
        return MessageKind.CHECKLIST, {
            "checklist": d.get("checklist", ""),
            "label": d.get("label", ""),
            "value": (changes.get("value") or [None, None])[1],
            "done": bool((changes.get("done") or [False, False])[1]),
            "comment": d.get("comment") or "",
            "author": who,
        }
    if event.kind in (EventKind.CONFIRMED, EventKind.RETURNED, EventKind.RATED):
        # the requester side's answer on work the provider did; never the other way round
        if link.role != LinkRole.SENDER or (event.data or {}).get("partner"):
            return None
        return MessageKind.CONFIRMATION, confirmation.answer_message(event)
    if event.kind == EventKind.ATTACHMENT_ADDED and event.public:
        if partnership is None or not partnership.attachments:
            return None
        attachment = Attachment.objects.filter(pk=d.get("attachment_id"), internal=False).first()
        return (MessageKind.ATTACHMENT, _attachment_payload(attachment, link)) if attachment else None
    return None


def _active_links(ticket_id: int) -> list[TicketLink]:
    """The ticket's active links; read once for the events of one change (`events.batch_memo`)."""
    memo = events.batch_memo()
    key = ("federation.active_links", ticket_id)
    if memo is not None and key in memo:
        return memo[key]
    links = list(TicketLink.objects.filter(ticket_id=ticket_id, state=LinkState.ACTIVE))
    if memo is not None:
        memo[key] = links
    return links


@receiver(post_save, sender=TicketLink)
def _forget_active_links(sender, instance: TicketLink, **kwargs) -> None:
    memo = events.batch_memo()
    if memo is not None:
        memo.pop(("federation.active_links", instance.ticket_id), None)


@events.on_event_recorded
def _to_outbox(event: TicketEvent) -> None:
    """In the change's transaction: every change of a linked ticket becomes a message on each of
    its active links, except on the link the change came from."""
    if event.kind not in (
        EventKind.COMMENTED,
        EventKind.STATUS_CHANGED,
        EventKind.CHANGED,
        EventKind.ASSIGNED,
        EventKind.CHECKLIST_CHANGED,
        EventKind.ATTACHMENT_ADDED,
        EventKind.CONFIRMED,
        EventKind.RETURNED,
        EventKind.RATED,
    ):
        return
    links = _active_links(event.ticket_id)
    inbound = _inbound_link.get()
    for link in links:
        if link.pk == inbound:
            continue
        partnership = (
            Partnership.objects.filter(pk=link.partnership_id).first()
            if event.kind == EventKind.ATTACHMENT_ADDED
            else None
        )
        message = _message_for(event, link, partnership)
        if message is not None:
            _queue(link, message[0], message[1], event_id=event.pk)


# ---------------------------------------------------------------------------- forwarding
def _location_name(ticket: Ticket) -> str:
    location = ticket.location
    if location is None:
        return ""
    names, node = [], location
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " / ".join(reversed(names))


def _share_payload(ticket: Ticket, note: str) -> dict:
    conversation = [
        {"author": c.author.full_name if c.author else "", "body": c.body, "at": _iso(c.created_at)}
        for c in Comment.objects.filter(ticket=ticket, internal=False).select_related("author").order_by("id")
    ]
    return {
        "type": ticket.ticket_type.code,
        "ref": ticket.key,
        "title": ticket.title,
        "description": ticket.description,
        "priority": ticket.priority,
        "status": {"key": ticket.status.key, "name": ticket.status.name, "category": ticket.status.category},
        "location": _location_name(ticket),
        "company": ticket.company.name if ticket.company_id else "",
        "planned_start": _iso(ticket.planned_start),
        "planned_finish": _iso(ticket.planned_finish),
        "conversation": conversation,
        "note": note,
    }


def _check_forwardable(account, ticket: Ticket, partnership_id) -> Partnership:
    """The partnership a ticket may be forwarded on now, or the domain error saying why not."""
    try:
        p = partnership_for(account, partnership_id)
    except NotFound:
        raise InvalidInput(fields={"partnership": [_("No such partnership.")]}) from None
    ensure_feature(Feature.FEDERATION, account)
    if p.side_of(account) != Side.REQUESTER:
        raise NotForwardable(_("Only the requesting side of a partnership forwards tickets."))
    if p.state != PartnershipState.ACTIVE:
        raise PartnershipNotActive()
    if ticket.ticket_type.code not in p.type_map:
        raise NotForwardable(
            _("Tickets of type “%(t)s” are not forwarded to this partner.") % {"t": ticket.ticket_type.name}
        )
    if not ticket.is_open:
        raise NotForwardable(_("Only open tickets are forwarded."))
    if TicketLink.objects.filter(ticket=ticket, partnership_id=p.pk, state=LinkState.ACTIVE).exists():
        raise NotForwardable(_("This ticket is already forwarded to this partner."))
    return p


def _clean_note(note) -> str:
    note = (note or "").strip() if isinstance(note, str) or note is None else None
    if note is None:
        raise InvalidInput(fields={"note": [_("Send text.")]})
    if len(note) > 5000:
        raise InvalidInput(fields={"note": [_("Use at most 5000 characters.")]})
    return note


def _link_and_share(ticket: Ticket, p: Partnership, note: str, actor: User | None, **event) -> TicketLink:
    link = TicketLink.objects.create(ticket=ticket, partnership_id=p.pk, role=LinkRole.SENDER, note=note)
    _queue(link, MessageKind.SHARE, _share_payload(ticket, note))
    partner = p.provider_account.name if p.provider_account_id else p.remote_name
    events.record(
        ticket,
        EventKind.FORWARDED,
        actor,
        public=False,
        link=str(link.pk),
        partner=partner,
        note=note,
        **event,
    )
    return link


@transaction.atomic
def forward_ticket(*, actor: User, ticket: Ticket, partnership_id, note: str = "") -> TicketLink:
    """A dispatcher hands the ticket to a partner: a link and its `share` message, one transaction."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied(_("Only dispatchers and account admins forward tickets."))
    account = _current_account()
    ticket = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    p = _check_forwardable(account, ticket, partnership_id)
    return _link_and_share(ticket, p, _clean_note(note), actor)


@transaction.atomic
def forward_as_subticket(
    *,
    actor: User,
    ticket: Ticket,
    partnership_id,
    note: str = "",
    type_code: str = "",
    title: str = "",
) -> tuple[Ticket, TicketLink]:
    """A dispatcher hands part of the work to a partner in one step: a sub-ticket of `ticket`
    (its parent) of a type the partner takes, filed and forwarded in one transaction. The type
    defaults to the parent's when the partner takes it; the title to the parent's."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied(_("Only dispatchers and account admins forward tickets."))
    account = _current_account()
    parent = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, parent):
        raise NotFound()
    try:
        p = partnership_for(account, partnership_id)
    except NotFound:
        raise InvalidInput(fields={"partnership": [_("No such partnership.")]}) from None
    note = _clean_note(note)
    code = (type_code or "").strip() or parent.ticket_type.code
    if code not in p.type_map:
        raise InvalidInput(
            fields={
                "type": [
                    _("This partner takes tickets of these types: %(t)s.")
                    % {"t": ", ".join(sorted(p.type_map))}
                ]
            }
        )
    child_type = TicketType.objects.filter(code=code, is_active=True).first()
    if child_type is None:
        raise InvalidInput(fields={"type": [_("No such ticket type.")]})
    if len(title or "") > 300:
        raise InvalidInput(fields={"title": [_("Use at most 300 characters.")]})
    child = desk.file_ticket(
        actor=actor,
        ticket_type=child_type,
        title=(title or "").strip() or parent.title,
        description=parent.description,
        fields=parent.fields if child_type.pk == parent.ticket_type_id else {},
        priority=parent.priority,
        requester=parent.requester_id,
        company=parent.company_id,
        location=parent.location_id,
        equipment=parent.equipment_id,
        planned_start=parent.planned_start,
        planned_finish=parent.planned_finish,
        parent=parent,
    )
    # a routing rule may already have forwarded the new ticket to this very partner
    link = TicketLink.objects.filter(ticket=child, partnership_id=p.pk, state=LinkState.ACTIVE).first()
    if link is None:
        child = desk.lock_ticket(child)
        link = _link_and_share(child, _check_forwardable(account, child, p.pk), note, actor)
    partner = p.provider_account.name if p.provider_account_id else p.remote_name
    events.record(
        parent,
        EventKind.FEDERATION,
        actor,
        public=False,
        action="subticket_forwarded",
        subticket=child.key,
        subticket_id=child.pk,
        link=str(link.pk),
        partner=partner,
    )
    return child, link


# ---------------------------------------------------------------------------- routing: forward
def _validate_forward_action(spec: Any, conditions: dict) -> list[str]:
    """A routing rule's `forward` action, checked when the rule is saved: a partnership of this
    account (the requesting side), active, taking every type the rule is limited to."""
    if not isinstance(spec, dict) or set(spec) - {"partnership", "note"}:
        return [_('Send {"partnership": "<id>", "note": "<text>"}.')]
    account = _current_account()
    try:
        p = partnership_for(account, spec.get("partnership"))
    except NotFound:
        return [_("No such partnership.")]
    if p.side_of(account) != Side.REQUESTER:
        return [_("Only the requesting side of a partnership forwards tickets.")]
    if p.state != PartnershipState.ACTIVE:
        return [_("This partnership is not active.")]
    types = conditions.get("types") if isinstance(conditions, dict) else None
    if not types or not isinstance(types, list):
        return [
            _("Limit the rule to ticket types this partner takes: %(t)s.")
            % {"t": ", ".join(sorted(p.type_map))}
        ]
    refused = sorted({str(t) for t in types} - set(p.type_map))
    if refused:
        return [
            _("Tickets of these types are not forwarded to this partner: %(t)s.") % {"t": ", ".join(refused)}
        ]
    note = spec.get("note", "")
    if not isinstance(note, str) or len(note) > 5000:
        return [_("The note is text of at most 5000 characters.")]
    return []


def _forward_by_rule(ticket: Ticket, spec: dict, rule: dict) -> None:
    """Routing chose to forward a newly filed ticket. Filing never fails for it: a partnership
    suspended or ended since the rule was saved leaves the ticket here with an event saying why.
    Tickets that came from a partner are not forwarded by rules (two accounts' rules could
    otherwise pass tickets back and forth for ever); a dispatcher may still forward them."""
    routing = {"actor_name": _("Routing"), "rule": rule["rule"], "rule_id": rule["id"]}
    if ticket.channel == Channel.FEDERATION:
        events.record(
            ticket,
            EventKind.FEDERATION,
            None,
            public=False,
            action="forward_skipped",
            reason=_("Tickets received from a partner are not forwarded by routing rules."),
            **routing,
        )
        return
    try:
        with transaction.atomic():
            ticket = desk.lock_ticket(ticket)
            p = _check_forwardable(_current_account(), ticket, spec.get("partnership"))
            _link_and_share(ticket, p, _clean_note(spec.get("note", "")), None, **routing)
    except DomainError as exc:
        events.record(
            ticket,
            EventKind.FEDERATION,
            None,
            public=False,
            action="forward_skipped",
            reason=str(exc.detail) + "".join(f" {m}" for msgs in exc.fields.values() for m in msgs),
            **routing,
        )


routing_actions.register_action("forward", validate=_validate_forward_action, apply=_forward_by_rule)


def _active_link(ticket: Ticket, role: str) -> TicketLink:
    link = TicketLink.objects.filter(ticket=ticket, role=role, state=LinkState.ACTIVE).first()
    if link is None:
        raise NoActiveLink()
    return link


def _cancelled_status(ticket: Ticket) -> Status | None:
    return (
        Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, category=Category.CANCELLED)
        .order_by("order", "id")
        .first()
    )


@transaction.atomic
def recall_ticket(*, actor: User, ticket: Ticket, reason: str = "") -> TicketLink:
    """The forwarding side takes the ticket back: the partner's copy is cancelled there."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied()
    ticket = desk.lock_ticket(ticket)
    link = _active_link(ticket, LinkRole.SENDER)
    reason = (reason or "").strip()
    _queue(link, MessageKind.RECALL, {"reason": reason, "author": actor.full_name})
    link.state, link.reason = LinkState.RECALLED, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    events.record(ticket, EventKind.FEDERATION, actor, public=False, action="recalled", reason=reason)
    return link


@transaction.atomic
def decline_ticket(*, actor: User, ticket: Ticket, reason: str) -> TicketLink:
    """The receiving side refuses a forwarded ticket, with a reason; its copy is cancelled here."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the ticket is declined.")]})
    ticket = desk.lock_ticket(ticket)
    link = _active_link(ticket, LinkRole.RECEIVER)
    target = _cancelled_status(ticket)
    if target is not None and target.pk != ticket.status_id:
        desk.move_by_process(ticket=ticket, target=target, actor=actor, process=PROCESS, note=_("Declined"))
    _queue(link, MessageKind.DECLINE, {"reason": reason, "author": actor.full_name})
    link.state, link.reason = LinkState.DECLINED, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    events.record(ticket, EventKind.FEDERATION, actor, public=False, action="declined", reason=reason)
    return link


# ---------------------------------------------------------------------------- delivery
class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        self.permanent = permanent
        super().__init__(message)


def _backoff(attempts: int) -> float:
    base = settings.FEDERATION_RETRY_BASE_SECONDS * (2 ** min(attempts - 1, 20))
    return min(settings.FEDERATION_RETRY_CAP_SECONDS, base) * random.uniform(0.5, 1.0)  # jitter


def _advisory_lock(key: uuid.UUID, purpose: str) -> None:
    """A transaction lock per link and purpose ("out": draining, "in": applying). Both sides of a
    same-deployment link share one database, so the purposes must not share a lock."""
    digest = hashlib.blake2b(f"{purpose}:{key}".encode(), digest_size=8).digest()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)])


def drain_link(*, link_id: str) -> int:
    """Send the link's unsent messages in sequence order; stop at the first that cannot go now.
    Up to FEDERATION_DRAIN_BATCH messages per transaction, under the link's lock, with the
    partnership read once: a resend after a crash is a duplicate the receiver ignores (on this
    deployment the receiver's inbox commits with the sender's marks anyway). Returns how many
    were sent."""
    from . import transport

    starting(_drain_key(connection.schema_name, link_id))  # before the read: later commits queue anew
    sent = 0
    token = _person_cache.set({})
    try:
        while True:
            with transaction.atomic():
                _advisory_lock(uuid.UUID(link_id), "out")
                batch = list(
                    OutboxMessage.objects.select_related("link")
                    .filter(link_id=link_id, sent_at__isnull=True, parked_at__isnull=True)
                    .order_by("seq")[: settings.FEDERATION_DRAIN_BATCH]
                )
                if not batch:
                    return sent
                link = batch[0].link
                p = (
                    Partnership.objects.select_related("requester_account", "provider_account")
                    .filter(pk=link.partnership_id)
                    .first()
                )
                side = Side.REQUESTER if link.role == LinkRole.SENDER else Side.PROVIDER
                now = timezone.now()
                ready: list[OutboxMessage] = []
                stop = False
                for msg in batch:
                    if msg.next_attempt_at and msg.next_attempt_at > now:
                        stop = True  # backing off: the failed attempt queued the drain that retries it
                        break
                    if (
                        p is not None
                        and p.state == PartnershipState.SUSPENDED
                        and msg.kind != MessageKind.UNSHARE
                    ):
                        stop = True  # waits; resuming the partnership drains every link again
                        break
                    ready.append(msg)
                delivered: list[int] = []
                while ready:
                    if p is None:
                        went, failure = 0, DeliveryFailed("the partnership no longer exists", permanent=True)
                    else:
                        went, failure = transport.deliver_many(p, side, ready)
                    delivered += [m.pk for m in ready[:went]]
                    if failure is None:
                        break
                    msg, ready = ready[went], ready[went + 1 :]
                    msg.attempts += 1
                    msg.last_error = str(failure)[:2000]
                    parked = failure.permanent or msg.attempts >= settings.FEDERATION_MAX_ATTEMPTS
                    if parked:
                        # the receiver holds later messages back until this one is replayed
                        msg.parked_at = now
                        log.warning("federation: parked outbound %s: %s", msg.message_id, failure)
                    else:
                        delay = _backoff(msg.attempts)
                        msg.next_attempt_at = now + dt.timedelta(seconds=delay)
                        _kick(msg.link_id, countdown=delay)
                    msg.save(update_fields=["attempts", "last_error", "parked_at", "next_attempt_at"])
                    if not parked:
                        stop = True
                        break
                if delivered:
                    OutboxMessage.objects.filter(pk__in=delivered).update(
                        sent_at=timezone.now(), attempts=models.F("attempts") + 1, last_error=""
                    )
                    sent += len(delivered)
                if stop or len(batch) < settings.FEDERATION_DRAIN_BATCH:
                    # a message committed after our read queued its own drain, which waits for
                    # this lock and then finds it
                    return sent
    finally:
        _person_cache.reset(token)


def sweep_outbox() -> int:
    """Queue a drain for each link of this account holding messages that should have gone by now:
    unsent, not parked, not backing off, older than FEDERATION_SWEEP_GRACE_SECONDS, in a
    partnership that is not suspended (resuming drains those). Catches a drain lost on its way (a
    broker restart, a crash between commit and queueing); a drain that is only waiting is not
    queued twice. Returns how many links it found due."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.FEDERATION_SWEEP_GRACE_SECONDS)
    suspended = Partnership.objects.filter(state=PartnershipState.SUSPENDED).values_list("pk", flat=True)
    link_ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, parked_at__isnull=True, created_at__lt=cutoff)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff))
        .exclude(link__partnership_id__in=list(suspended))
        .values_list("link_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for link_id in link_ids:
            _kick(link_id)
    if link_ids:
        log.info("federation: the sweep queued drains for %d links", len(link_ids))
    return len(link_ids)


# ---------------------------------------------------------------------------- receiving
def _headers(raw: dict[str, str]) -> dict[str, str]:
    wanted = (
        protocol.HEADER_PARTNERSHIP,
        protocol.HEADER_KEY_ID,
        protocol.HEADER_TIMESTAMP,
        protocol.HEADER_SIGNATURE,
    )
    lower = {k.lower(): v for k, v in raw.items()}
    return {h: lower.get(h.lower(), "") for h in wanted}


ACCEPTED = {"result": "accepted"}  # compare with ==; hand out copies


def receive(body: bytes, headers: dict[str, str]) -> dict:
    """Check one incoming message (the HTTP endpoint's) and record it in the receiving account's
    inbox, then apply what is ready. Raises protocol.Refused (nothing recorded) for a message this
    side will not take."""
    p, msg, key_id = _checked(body, headers, None)
    if msg.kind == "partnership":
        from . import remote

        return remote.apply_state(p, msg, key_id)
    dest_side = Partnership.other(msg.side)
    with in_account(p.account_of(dest_side)), transaction.atomic():
        result = _record(p, [msg], dest_side)[0]
        if isinstance(result, protocol.Refused):
            raise result
        if result == ACCEPTED:
            apply_ready(msg.link, p, dest_side)
    return result


def receive_many(
    signed: list[tuple[bytes, dict[str, str]]], *, partnership: Partnership
) -> list[dict | protocol.Refused]:
    """The same-deployment transport's batch: messages of one side, every one checked as
    `receive` checks it, recorded in the partner's inbox with one lookup and one INSERT, then
    applied there as `receive` applies, in the caller's transaction. Returns an outcome per
    message, in order, up to and including the first refusal (nothing after it is recorded)."""
    msgs: list[protocol.Message] = []
    refused: list[protocol.Refused] = []  # the check that ended the batch early, if one did
    for body, headers in signed:
        try:
            p, msg, _key_id = _checked(body, headers, partnership)
            if p.pk != partnership.pk or msg.kind == "partnership" or (msgs and msg.side != msgs[0].side):
                raise protocol.Refused("not_allowed", "Not a message of this batch.", 400)
        except protocol.Refused as exc:
            refused = [exc]
            break
        msgs.append(msg)
    if not msgs:
        return refused
    dest_side = Partnership.other(msgs[0].side)
    with in_account(partnership.account_of(dest_side)), transaction.atomic(savepoint=False):
        recorded = _record(partnership, msgs, dest_side)
        for link_id in dict.fromkeys(m.link for m, o in zip(msgs, recorded, strict=False) if o == ACCEPTED):
            apply_ready(link_id, partnership, dest_side)
    # recording stops at its own first refusal; only a batch recorded whole ends with the check's
    return recorded if len(recorded) < len(msgs) else recorded + refused


def _checked(
    body: bytes, headers: dict[str, str], partnership: Partnership | None
) -> tuple[Partnership, protocol.Message, str]:
    """Everything about one message that needs no inbox: partnership, signature, timestamp,
    envelope, and what the partnership allows. Raises protocol.Refused."""
    headers = _headers(headers)
    try:
        pid = uuid.UUID(headers[protocol.HEADER_PARTNERSHIP])
    except ValueError:
        raise protocol.Refused("unknown_partnership", "No partnership named.", 404) from None
    p = (
        partnership
        if partnership is not None and partnership.pk == pid
        else Partnership.objects.select_related("requester_account", "provider_account")
        .filter(pk=pid)
        .first()
    )
    if p is None:
        raise protocol.Refused("unknown_partnership", "No such partnership here.", 404)
    now = timezone.now()
    protocol.check_signature(
        keys=accepted_keys(p, now),
        headers=headers,
        body=body,
        now=now,
        window=settings.FEDERATION_REPLAY_WINDOW_SECONDS,
    )
    msg = protocol.parse(body)
    if msg.partnership != p.pk:
        raise protocol.Refused("partnership_mismatch", "The envelope names another partnership.")
    if msg.kind == "partnership":
        return p, msg, headers[protocol.HEADER_KEY_ID]
    if p.account_of(Partnership.other(msg.side)) is None:
        raise protocol.Refused("not_here", "The receiving side is not on this deployment.", 404)
    # An ended partnership still takes what was sent before the end (ending stops new messages at
    # the source), so the partner's `unshare` is never stuck behind an earlier message.
    if p.state in (PartnershipState.INVITED, PartnershipState.DECLINED):
        raise protocol.Refused("partnership_not_active", "The partnership is not active.", 409)
    if p.state == PartnershipState.SUSPENDED and msg.kind != MessageKind.UNSHARE:
        raise protocol.Refused("partnership_suspended", "The partnership is suspended; retry later.", 409)
    if msg.kind == MessageKind.SHARE:
        if msg.side != Side.REQUESTER:
            raise protocol.Refused("not_allowed", "Only the requesting side shares tickets.", 403)
        if msg.payload.get("type") not in p.type_map:
            raise protocol.Refused(
                "type_not_allowed", "This ticket type is not forwarded in this partnership."
            )
    if msg.kind == MessageKind.ATTACHMENT and not p.attachments:
        raise protocol.Refused("attachments_not_allowed", "Attachments do not cross in this partnership.")
    if msg.kind == MessageKind.RECALL and msg.side != Side.REQUESTER:
        raise protocol.Refused("not_allowed", "Only the requesting side recalls.", 403)
    if msg.kind == MessageKind.DECLINE and msg.side != Side.PROVIDER:
        raise protocol.Refused("not_allowed", "Only the providing side declines.", 403)
    if msg.kind == MessageKind.CONFIRMATION and msg.side != Side.REQUESTER:
        raise protocol.Refused(
            "not_allowed", "Only the requesting side confirms, returns and rates work.", 403
        )
    return p, msg, headers[protocol.HEADER_KEY_ID]


def _record(p: Partnership, msgs: list, dest_side: str) -> list[dict | protocol.Refused]:
    """Record checked messages in this account's inbox (the current schema, inside a transaction):
    one lookup for their ids, links and sequence numbers, one INSERT for the new ones. An outcome
    per message up to the first refusal, which ends the list; a message already here is a
    duplicate, a no-op."""
    expected_role = LinkRole.RECEIVER if dest_side == Side.PROVIDER else LinkRole.SENDER
    link_ids = {m.link for m in msgs}
    links = {
        link.pk: link for link in TicketLink.objects.filter(pk__in=link_ids).only("partnership_id", "role")
    }
    taken = Q(message_id__in=[m.id for m in msgs])
    for link_id in link_ids:
        taken |= Q(link_id=link_id, seq__in=[m.seq for m in msgs if m.link == link_id])
    found = list(InboxMessage.objects.filter(taken).only("message_id", "link_id", "seq", "applied_at"))
    by_id = {m.message_id: m for m in found}
    by_seq = {(m.link_id, m.seq) for m in found}
    outcomes: list[dict | protocol.Refused] = []
    new: list[InboxMessage] = []
    for msg in msgs:
        link = links.get(msg.link)
        existing = by_id.get(msg.id)
        if link is not None and (link.partnership_id != p.pk or link.role != expected_role):
            outcome = protocol.Refused("unknown_link", "No such link in this partnership.", 404)
        elif link is None and msg.kind != MessageKind.SHARE and dest_side == Side.REQUESTER:
            outcome = protocol.Refused("unknown_link", "No such link in this partnership.", 404)
        elif existing is not None:
            outcome = (
                {"result": "duplicate", "applied": existing.applied_at is not None}
                if (existing.link_id, existing.seq) == (msg.link, msg.seq)
                else protocol.Refused("id_reused", "This message id was used for another message.", 409)
            )
        elif (msg.link, msg.seq) in by_seq:
            outcome = protocol.Refused("seq_taken", "Another message holds this sequence number.", 409)
        else:
            by_seq.add((msg.link, msg.seq))
            new.append(
                InboxMessage(
                    message_id=msg.id,
                    link_id=msg.link,
                    partnership_id=p.pk,
                    seq=msg.seq,
                    kind=msg.kind,
                    payload=msg.payload,
                    sent_at=msg.sent_at,
                )
            )
            outcome = dict(ACCEPTED)
        outcomes.append(outcome)
        if isinstance(outcome, protocol.Refused):
            break
    if new:
        try:
            with transaction.atomic():  # a concurrent twin loses here
                InboxMessage.objects.bulk_create(new)
        except IntegrityError:
            if len(msgs) == 1:
                return [protocol.Refused("seq_taken", "Another message holds this sequence number.", 409)]
            # a concurrent twin took some of them: one at a time, each with its own verdict
            considered, outcomes = msgs[: len(outcomes)], []
            for msg in considered:
                outcomes += _record(p, [msg], dest_side)
                if isinstance(outcomes[-1], protocol.Refused):
                    break
    return outcomes


def apply_ready(link_id: uuid.UUID, p: Partnership, local_side: str) -> int:
    """Apply the link's recorded messages that are next in sequence; a later one waits for its
    predecessor; one that fails is parked with its error and holds the rest back. The waiting
    messages are read in one query and the licence is checked once per call. A run of public
    comments goes in one change (`desk.add_comments`); if that fails, its messages go one by one,
    so only the failing one is parked."""
    applied = 0
    limit = settings.FEDERATION_DRAIN_BATCH * 4
    with transaction.atomic(savepoint=False):  # each message has its own savepoint below
        _advisory_lock(link_id, "in")
        link = TicketLink.objects.select_related("ticket").filter(pk=link_id).first()
        expected = link.last_in_seq + 1 if link else 1
        waiting = list(
            InboxMessage.objects.filter(link_id=link_id, seq__gte=expected, applied_at__isnull=True).order_by(
                "seq"
            )[:limit]
        )
        ready: list[InboxMessage] = []
        for msg in waiting:  # the unbroken run that starts at the expected sequence number
            if msg.seq != expected + len(ready) or msg.parked_at is not None:
                break
            ready.append(msg)
        if ready:
            try:
                ensure_writable(connection.tenant)
            except Exception as exc:  # noqa: BLE001 - the licence holds the whole link back, visibly
                _park(ready[0], exc)
                return 0
        i = 0
        while i < len(ready):
            run = _comment_run(ready, i, link)
            if len(run) > 1:
                try:
                    link = _apply_step(link_id, run, partial(_apply_comments, run, link, p, local_side))
                    applied += len(run)
                    i += len(run)
                    continue
                except Exception:  # noqa: BLE001 - rolled back; one by one parks the failing one
                    log.info("federation: a run of %d comments on %s goes one by one", len(run), link_id)
            msg = ready[i]
            try:
                link = _apply_step(link_id, [msg], partial(APPLY[msg.kind], msg, link, p, local_side))
            except Exception as exc:  # noqa: BLE001 - any failure parks the message, visibly
                _park(msg, exc)
                return applied
            applied += 1
            i += 1
    if len(waiting) == limit and applied == limit:
        applied += apply_ready(link_id, p, local_side)  # more were waiting than one read takes
    return applied


def _apply_step(link_id: uuid.UUID, msgs: list[InboxMessage], apply: Callable[[], TicketLink]) -> TicketLink:
    """Apply consecutive messages with `apply()` in one savepoint, as the partner's changes (never
    echoed back on this link), and mark them applied."""
    with transaction.atomic(), _inbound(link_id):
        link = apply()
        link.last_in_seq = msgs[-1].seq
        link.save(update_fields=["last_in_seq", "updated_at"])
        marks = {"applied_at": timezone.now(), "parked_at": None}
        if len(msgs) == 1:  # a single applier may leave a note ("ignored: the link is …")
            marks["error"] = msgs[0].error
        InboxMessage.objects.filter(pk__in=[m.pk for m in msgs]).update(**marks)
        for msg in msgs:
            msg.applied_at, msg.parked_at = marks["applied_at"], None
    return link


def _park(msg: InboxMessage, exc: Exception) -> None:
    detail = exc.fields if isinstance(exc, DomainError) and exc.fields else ""
    msg.error = f"{type(exc).__name__}: {exc} {detail}".strip()[:2000]
    msg.parked_at = timezone.now()
    msg.save(update_fields=["error", "parked_at"])
    log.warning("federation: parked inbound %s (%s): %s", msg.message_id, msg.kind, msg.error)


def _comment_run(ready: list[InboxMessage], start: int, link: TicketLink | None) -> list[InboxMessage]:
    """The messages from `start` on that are public comments with text on an active link."""
    if link is None or link.state != LinkState.ACTIVE:
        return []
    run = []
    for msg in ready[start:]:
        body = msg.payload.get("body")
        if msg.kind != MessageKind.COMMENT or not isinstance(body, str) or not body.strip():
            break
        run.append(msg)
    return run


# ---------------------------------------------------------------------------- applying each kind
def _note_ignored(msg: InboxMessage, link: TicketLink) -> TicketLink:
    msg.error = f"ignored: the link is {link.state}"
    return link


def _apply_share(msg: InboxMessage, link: TicketLink | None, p: Partnership, side: str) -> TicketLink:
    if link is not None:
        raise ValueError("the link already exists")
    d = msg.payload
    code = p.type_map.get(d.get("type"))
    ticket_type = TicketType.objects.filter(code=code, is_active=True).first()
    if ticket_type is None:
        raise InvalidInput(_("The mapped ticket type “%(t)s” does not exist here.") % {"t": code})
    partner = partner_person(p, side)
    description = d.get("description") or ""
    extra = [
        line
        for line in (
            _("Partner's ticket: %(ref)s") % {"ref": d.get("ref", "")},
            _("Location: %(l)s") % {"l": d["location"]} if d.get("location") else "",
            _("Client: %(c)s") % {"c": d["company"]} if d.get("company") else "",
            _("Note from the partner: %(n)s") % {"n": d["note"]} if d.get("note") else "",
        )
        if line
    ]
    description = "\n".join([description, "", *extra]).strip() if extra else description
    fields = {}
    if ticket_type.form_fields.filter(key="client_reference").exists():
        fields["client_reference"] = str(d.get("ref", ""))[:100]
    ticket = desk.file_ticket(
        actor=partner,
        ticket_type=ticket_type,
        title=(d.get("title") or _("Forwarded ticket"))[:300],
        description=description,
        fields=fields,
        priority=d.get("priority"),
        requester=partner,
        company=partner.company,
        planned_start=_parse_dt(d.get("planned_start")),
        planned_finish=_parse_dt(d.get("planned_finish")),
        channel=Channel.FEDERATION,
        process=PROCESS,
    )
    link = TicketLink.objects.create(
        id=msg.link_id,
        ticket=ticket,
        partnership_id=p.pk,
        role=LinkRole.RECEIVER,
        remote_ref=str(d.get("ref", ""))[:100],
        remote_status=((d.get("status") or {}).get("name") or "")[:100],
        note=d.get("note") or "",
    )
    for c in d.get("conversation") or []:
        body = (c.get("body") or "").strip()
        if body:
            desk.add_comment(
                actor=partner, ticket=ticket, body=_signed(body, c.get("author")), process=PROCESS
            )
    events.record(
        ticket,
        EventKind.FEDERATION,
        partner,
        public=False,
        action="received",
        link=str(link.pk),
        ref=link.remote_ref,
        note=link.note,
    )
    ticket.refresh_from_db()
    # tell the forwarding side our number, who works on it and where it stands
    _queue(
        link,
        MessageKind.UPDATE,
        {
            "ref": ticket.key,
            "assignee": ticket.assignee.full_name if ticket.assignee_id else "",
            "status": {"key": ticket.status.key, "name": ticket.status.name},
        },
    )
    return link


def _signed(body: str, author: str | None) -> str:
    """The partner's text with its author's name under it. A text the desk would take is never
    refused for the name: it is shortened to make room (one longer than the desk takes is)."""
    if not author:
        return body
    suffix = f"\n\n— {str(author)[:150]}"
    room = desk.COMMENT_MAX_LENGTH - len(suffix)
    if room < len(body) <= desk.COMMENT_MAX_LENGTH:
        body = body[: room - 1] + "…"
    return body + suffix


def _parse_dt(value):
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _require(link: TicketLink | None) -> TicketLink:
    if link is None:
        raise ValueError("no link: the share has not been applied")
    return link


def _apply_comment(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    if (msg.payload.get("body") or "").strip():
        _apply_comments([msg], link, p, side)
    return link


def _apply_comments(msgs: list[InboxMessage], link: TicketLink, p: Partnership, side: str) -> TicketLink:
    """Comments with text, on an active link, as one change of the ticket."""
    desk.add_comments(
        actor=partner_person(p, side),
        ticket=link.ticket,
        bodies=[_signed(m.payload["body"].strip(), m.payload.get("author")) for m in msgs],
        process=PROCESS,
    )
    return link


def _apply_status(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    mapping = p.status_to_requester if side == Side.REQUESTER else p.status_to_provider
    link.remote_status = (d.get("name") or d.get("key") or "")[:100]
    link.save(update_fields=["remote_status", "updated_at"])
    target_key = mapping.get(d.get("key") or "")
    ticket = desk.lock_ticket(link.ticket)
    partner = partner_person(p, side)
    if target_key:
        target = Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, key=target_key).first()
        if target is None:
            raise InvalidInput(_("The mapped status “%(s)s” does not exist here.") % {"s": target_key})
        if target.pk != ticket.status_id:
            desk.move_by_process(
                ticket=ticket,
                target=target,
                actor=partner,
                process=PROCESS,
                note=_("Partner: %(s)s") % {"s": link.remote_status},
            )
    else:
        events.record(
            ticket,
            EventKind.FEDERATION,
            partner,
            public=False,
            action="partner_status",
            status=link.remote_status,
        )
    if (d.get("comment") or "").strip():
        desk.add_comment(
            actor=partner, ticket=ticket, body=_signed(d["comment"].strip(), d.get("author")), process=PROCESS
        )
    return link


def _apply_update(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    partner = partner_person(p, side)
    changed = []
    for name, field in (("ref", "remote_ref"), ("assignee", "remote_assignee")):
        if name in d and str(d[name] or "")[:150] != getattr(link, field):
            setattr(link, field, str(d[name] or "")[:150])
            changed.append(field)
    if isinstance(d.get("status"), dict):
        link.remote_status = (d["status"].get("name") or "")[:100]
        changed.append("remote_status")
    if changed:
        link.save(update_fields=[*changed, "updated_at"])
        if "remote_assignee" in changed:
            events.record(
                desk.lock_ticket(link.ticket),
                EventKind.FEDERATION,
                partner,
                public=False,
                action="partner_assignee",
                assignee=link.remote_assignee,
            )
    dates = {k: _parse_dt(d[k]) for k in ("planned_start", "planned_finish") if k in d}
    if dates:
        desk.update_ticket(actor=partner, ticket=link.ticket, changes=dates, process=PROCESS)
    return link


def _apply_checklist(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    item = {k: d.get(k) for k in ("checklist", "label", "value", "done", "comment", "author")}
    rows = [
        r
        for r in link.remote_checklist
        if (r.get("checklist"), r.get("label")) != (item["checklist"], item["label"])
    ]
    link.remote_checklist = [*rows, item]
    link.save(update_fields=["remote_checklist", "updated_at"])
    events.record(
        desk.lock_ticket(link.ticket),
        EventKind.FEDERATION,
        partner_person(p, side),
        public=False,
        action="partner_checklist",
        **{k: item[k] for k in ("checklist", "label", "value", "done")},
    )
    return link


def _apply_confirmation(msg, link, p, side):
    """The requester side confirmed, returned or rated the work: recorded on this side's ticket
    (its status arrives as a status message of its own)."""
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    confirmation.apply_partner_answer(ticket=link.ticket, actor=partner_person(p, side), answer=msg.payload)
    return link


def _fetch(url: str) -> bytes:
    """Bytes of a partner's file link: this deployment's own links are opened in place; others
    are fetched over HTTP(S), at most ATTACHMENT_MAX_BYTES."""
    import requests

    prefix = f"{settings.FEDERATION_BASE_URL.rstrip('/')}/federation/files/"
    if url.startswith(prefix):
        return read_shared_file(url[len(prefix) :].rstrip("/"))[1]
    limit = settings.ATTACHMENT_MAX_BYTES
    with requests.get(url, stream=True, timeout=settings.FEDERATION_HTTP_TIMEOUT) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_content(65536):
            size += len(chunk)
            if size > limit:
                raise ValueError("the partner's file is larger than the limit")
            chunks.append(chunk)
    return b"".join(chunks)


def _apply_attachment(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    if int(d.get("size") or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValueError("the partner's file is larger than the limit")
    content = base64.b64decode(d["data"], validate=True) if d.get("data") else _fetch(d.get("url") or "")
    upload = SimpleUploadedFile(str(d.get("name") or "file")[:200], content)
    desk.add_attachment(actor=partner_person(p, side), ticket=link.ticket, upload=upload, process=PROCESS)
    return link


def _end_link(msg, link, p, side, *, state: str, action: str, cancel: bool):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    reason = msg.payload.get("reason") or ""
    partner = partner_person(p, side)
    ticket = desk.lock_ticket(link.ticket)
    link.state, link.reason = state, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    if cancel:
        target = _cancelled_status(ticket)
        if target is not None and target.pk != ticket.status_id and ticket.is_open:
            desk.move_by_process(ticket=ticket, target=target, actor=partner, process=PROCESS, note=action)
    events.record(ticket, EventKind.FEDERATION, partner, public=False, action=action, reason=reason)
    return link


def _apply_recall(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.RECALLED, action="recalled", cancel=True)


def _apply_decline(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.DECLINED, action="declined", cancel=False)


def _apply_unshare(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.ORPHANED, action="orphaned", cancel=False)


APPLY = {
    MessageKind.SHARE: _apply_share,
    MessageKind.COMMENT: _apply_comment,
    MessageKind.STATUS: _apply_status,
    MessageKind.UPDATE: _apply_update,
    MessageKind.CHECKLIST: _apply_checklist,
    MessageKind.ATTACHMENT: _apply_attachment,
    MessageKind.RECALL: _apply_recall,
    MessageKind.DECLINE: _apply_decline,
    MessageKind.UNSHARE: _apply_unshare,
    MessageKind.CONFIRMATION: _apply_confirmation,
}


# ---------------------------------------------------------------------------- parked messages
@transaction.atomic
def replay(*, actor: User, direction: str, message_id) -> dict:
    """An admin retries a parked message after fixing its cause: an outbound one is sent again
    (attempts start over), an inbound one is applied again (with what waited behind it)."""
    if not perms.can_handle_parked_messages(actor):
        raise desk.PermissionDenied()
    return _replay(direction, message_id)


def replay_in_account(*, account, direction: str, message_id) -> dict:
    """The same replay for a platform operator (the console checks the role and audits it), run
    inside `account`'s schema: a named control-plane service."""
    with in_account(account), transaction.atomic():
        return _replay(direction, message_id)


def _replay(direction: str, message_id) -> dict:
    try:
        mid = uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound() from None
    if direction == "out":
        msg = (
            OutboxMessage.objects.select_for_update().filter(message_id=mid, parked_at__isnull=False).first()
        )
        if msg is None:
            return _replay_partnership_state(mid)
        msg.parked_at, msg.next_attempt_at, msg.attempts = None, None, 0
        msg.save(update_fields=["parked_at", "next_attempt_at", "attempts"])
        _kick(msg.link_id)
        return {"direction": "out", "id": str(mid), "result": "queued"}
    if direction == "in":
        msg = InboxMessage.objects.select_for_update().filter(message_id=mid, parked_at__isnull=False).first()
        if msg is None:
            raise NotFound()
        msg.parked_at, msg.error = None, ""
        msg.save(update_fields=["parked_at", "error"])
        p = Partnership.objects.select_related("requester_account", "provider_account").get(
            pk=msg.partnership_id
        )
        side = p.side_of(_current_account())
        apply_ready(msg.link_id, p, side)
        msg.refresh_from_db()
        return {
            "direction": "in",
            "id": str(mid),
            "result": "applied" if msg.applied_at else ("parked" if msg.parked_at else "waiting"),
            "error": msg.error,
        }
    raise InvalidInput(fields={"direction": [_("Choose “in” or “out”.")]})


def _replay_partnership_state(mid: uuid.UUID) -> dict:
    """A partnership state message that used up its attempts is sent again (attempts start over)."""
    from . import remote
    from .selectors import exhausted_state_messages

    row = next((r for r in exhausted_state_messages(_current_account()) if r["id"] == str(mid)), None)
    if row is None:
        raise NotFound()
    p = Partnership.objects.select_related("requester_account", "provider_account").get(pk=row["link"])
    Partnership.objects.filter(pk=p.pk).update(state_attempts=0, state_error="")
    remote._kick_state(p)
    return {"direction": "out", "id": str(mid), "result": "queued"}


# ---------------------------------------------------------------------------- file links
def read_shared_file(token: str) -> tuple[Attachment, bytes]:
    """The file behind a signed, expiring link this deployment gave a partner (see
    `_attachment_payload`). Reads the sending account's schema: a named control-plane service."""
    from tenants_shared.accounts.models import Account

    try:
        data = signing.loads(token, salt="federation-file", max_age=settings.FEDERATION_FILE_URL_SECONDS)
    except signing.BadSignature:
        raise NotFound() from None
    account = Account.objects.filter(schema_name=data.get("s")).first()
    if account is None:
        raise NotFound()
    with in_account(account):
        attachment = Attachment.objects.filter(pk=data.get("a"), internal=False).first()
        if (
            attachment is None
            or not TicketLink.objects.filter(pk=data.get("l"), ticket_id=attachment.ticket_id).exists()
        ):
            raise NotFound()
        with attachment.file.open("rb") as fh:
            return attachment, fh.read()
