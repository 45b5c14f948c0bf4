"""Partnerships across deployments: invitation codes, the handshake, and each side's partnership
state sent to the other as a signed, numbered, full-state message (docs/federation.md, "Across
deployments").

- The provider's admin makes an invitation code here (`create_invitation_code`) and hands it over.
- The requester's admin invites with the provider deployment's base URL and the code
  (`invite_remote_partner`); this deployment presents it to the provider's public endpoint
  (`receive_handshake` there). Both sides then hold a partnership row with the same id and the
  same key, derived from the code's secret and two nonces (the secret and the key never travel).
- A change of state on either side (accept, decline, suspend, resume, end, a key rotation) bumps
  the side's `state_seq`; `send_state` (a Celery task) delivers the side's whole current state
  until the partner takes it; `apply_state` applies the partner's, newest first wins.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
import uuid
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.tasks import enqueue_for_account

from billing.licensing import Feature, ensure_feature
from tenant_apps import permissions as perms
from tenant_apps.desk import services as desk
from tenant_apps.people.models import User

from . import protocol
from .directory.models import InvitationCode, Partnership, PartnershipState, Side

log = logging.getLogger("atrium.federation")

HANDSHAKE_PATH = "/federation/handshake/"
MAX_HANDSHAKE_BODY = 64 * 1024
TERM_NAMES = ("type_map", "status_to_provider", "status_to_requester")


class HandshakeFailed(DomainError):
    code = "handshake_failed"
    status = 400
    default_detail = gettext_lazy("The partner deployment did not accept the invitation.")


class RotationPending(DomainError):
    code = "rotation_pending"
    status = 409
    default_detail = gettext_lazy(
        "The previous key rotation has not reached the partner yet; try again later."
    )


# ---------------------------------------------------------------------------- invitation codes
def invitation_codes_of(account):
    return InvitationCode.objects.filter(account=account)


@transaction.atomic
def create_invitation_code(
    *, actor: User, note: str = "", valid_hours: int | None = None
) -> tuple[InvitationCode, str]:
    """An admin makes a single-use code for a partner on another deployment. Returns the row and
    the code (`<id>.<secret>`), which is shown this once."""
    from .services import _current_account

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = _current_account()
    ensure_feature(Feature.FEDERATION, account)
    hours = settings.FEDERATION_INVITATION_HOURS if valid_hours is None else valid_hours
    errors: dict[str, list[str]] = {}
    if not isinstance(hours, int) or not 1 <= hours <= 720:
        errors["valid_hours"] = [_("Choose between 1 and 720 hours.")]
    if len(note or "") > 200:
        errors["note"] = [_("Use at most 200 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    code_id, secret = protocol.new_invitation_code()
    row = InvitationCode.objects.create(
        id=code_id,
        account=account,
        secret=secret,
        note=(note or "").strip(),
        created_by=actor.full_name[:150],
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )
    return row, f"{code_id}.{secret}"


@transaction.atomic
def revoke_invitation_code(*, actor: User, code_id: str) -> InvitationCode:
    from .services import _current_account

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    row = (
        InvitationCode.objects.select_for_update().filter(account=_current_account(), pk=str(code_id)).first()
    )
    if row is None:
        raise NotFound()
    if row.used_at is None and row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


# ---------------------------------------------------------------------------- the requester's side of the handshake
def _clean_url(url: str, errors: dict[str, list[str]]) -> str:
    url = (url or "").strip().rstrip("/")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors["remote_url"] = [
            _("Enter the base URL of the partner's deployment, e.g. https://desk.example.com.")
        ]
    return url


# the provider's refusal codes, as the inviting admin reads them
def _refusal_fields(code: str) -> dict[str, list[str]]:
    messages = {
        "unknown_code": ("code", _("This invitation code is not valid on that deployment.")),
        "bad_signature": ("code", _("This invitation code is not valid on that deployment.")),
        "code_expired": ("code", _("This invitation code has expired: ask the partner for a new one.")),
        "code_used": ("code", _("This invitation code has already been used.")),
        "code_revoked": ("code", _("The partner has withdrawn this invitation code.")),
        "not_available": ("code", _("The partner's account cannot take part in partnerships now.")),
        "stale": ("remote_url", _("The clocks of the two deployments differ too much; try again later.")),
    }
    name, message = messages.get(
        code, ("remote_url", _("No Atrium deployment accepted the invitation at this address."))
    )
    return {name: [message]}


def invite_remote_partner(
    *, actor: User, remote_url: str, code: str, terms: dict[str, Any], note: str = ""
) -> Partnership:
    """The requester's admin invites an account of another deployment with the code its admin
    made there. The provider's deployment makes its partnership row during the call; this side
    writes its own only after a verified answer (a retry with the same code finds the same
    partnership there, so a lost answer leaves nothing stuck)."""
    from .services import _check_terms, _current_account

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = _current_account()
    ensure_feature(Feature.FEDERATION, account)
    errors: dict[str, list[str]] = {}
    url = _clean_url(remote_url, errors)
    parts = protocol.split_code(code)
    if parts is None:
        errors["code"] = [_("This is not an invitation code (it looks like 0123456789abcdef.XXXX…).")]
    elif InvitationCode.objects.filter(pk=parts[0]).exists():
        errors["code"] = [
            _("This code was made on this deployment: invite the account by its address instead.")
        ]
    cleaned = _check_terms(terms, Side.REQUESTER, errors)
    if not cleaned.get("type_map"):
        errors.setdefault("type_map", [_("Name at least one ticket type that may be forwarded.")])
    note = (note or "").strip()
    if len(note) > 2000:
        errors["note"] = [_("Use at most 2000 characters.")]
    if errors:
        raise InvalidInput(fields=errors)
    code_id, secret = parts
    pid = protocol.partnership_for_code(secret)
    if Partnership.objects.filter(pk=pid).exists():
        raise InvalidInput(fields={"code": [_("This invitation code has already been used.")]})
    nonce = secrets.token_hex(16)
    offered = {name: cleaned.get(name, {}) for name in TERM_NAMES}
    offered["attachments"] = cleaned.get("attachments", True)
    body = protocol.canonical(
        {
            "v": protocol.VERSION,
            "invitation": code_id,
            "partnership": str(pid),
            "nonce": nonce,
            "requester": {"name": account.name, "url": settings.FEDERATION_BASE_URL.rstrip("/")},
            "terms": offered,
            "note": note,
        }
    )
    headers = protocol.signed_headers(partnership=pid, key_id=code_id, key=secret, body=body)
    try:
        response = requests.post(
            url + HANDSHAKE_PATH, data=body, headers=headers, timeout=settings.FEDERATION_HTTP_TIMEOUT
        )
    except requests.RequestException:
        raise InvalidInput(
            fields={"remote_url": [_("The partner's deployment could not be reached at this address.")]}
        ) from None
    if response.status_code != 201:
        try:
            refusal = response.json().get("code", "")
        except (ValueError, AttributeError):
            refusal = ""
        log.info("federation: handshake with %s refused: %s %s", url, response.status_code, refusal)
        raise HandshakeFailed(fields=_refusal_fields(refusal))
    try:
        answer = json.loads(response.content)
        provider_nonce = str(answer["nonce"])
        key_id, key = protocol.handshake_key(secret, pid, nonce, provider_nonce)
        protocol.check_signature(
            keys={key_id: key},
            headers={h: response.headers.get(h, "") for h in protocol.SIGNATURE_HEADERS},
            body=response.content,
            now=timezone.now(),
            window=settings.FEDERATION_REPLAY_WINDOW_SECONDS,
        )
        if answer["partnership"] != str(pid) or answer["key_id"] != key_id:
            raise ValueError("the answer names another partnership or key")
        name = str((answer.get("provider") or {}).get("name") or "")[:200]
    except (ValueError, KeyError, TypeError, protocol.Refused) as exc:
        log.warning("federation: unverifiable handshake answer from %s: %s", url, exc)
        raise HandshakeFailed(
            fields={"remote_url": [_("The answer of the partner's deployment could not be verified.")]}
        ) from None
    try:
        with transaction.atomic():
            return Partnership.objects.create(
                id=pid,
                requester_account=account,
                provider_account=None,
                remote_url=url,
                remote_name=name or url,
                state=PartnershipState.INVITED,
                type_map=offered["type_map"],
                status_to_provider=offered["status_to_provider"],
                status_to_requester=offered["status_to_requester"],
                attachments=offered["attachments"],
                note=note,
                key_id=key_id,
                key=key,
            )
    except IntegrityError:
        raise InvalidInput(fields={"code": [_("This invitation code has already been used.")]}) from None


# ---------------------------------------------------------------------------- the provider's side of the handshake
def _str_map(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _parse_handshake(body: bytes) -> dict:
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or doc.get("v") != protocol.VERSION:
            raise ValueError("unknown version")
        nonce, requester, terms = doc["nonce"], doc["requester"], doc["terms"]
        if not isinstance(nonce, str) or not 16 <= len(nonce) <= 64:
            raise ValueError("bad nonce")
        if not isinstance(requester, dict) or not isinstance(requester.get("name"), str):
            raise ValueError("bad requester")
        URLValidator(schemes=["http", "https"])(requester.get("url") or "")
        if not isinstance(terms, dict) or not all(_str_map(terms.get(n, {})) for n in TERM_NAMES):
            raise ValueError("bad terms")
        if not terms.get("type_map") or not isinstance(terms.get("attachments", True), bool):
            raise ValueError("bad terms")
        if not isinstance(doc.get("note", ""), str) or len(doc.get("note", "")) > 2000:
            raise ValueError("bad note")
        uuid.UUID(doc["partnership"])
        return doc
    except (ValueError, TypeError, KeyError, ValidationError) as exc:
        raise protocol.Refused("bad_envelope", f"The handshake is not valid: {exc}.") from None


def receive_handshake(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """A requester on another deployment presents an invitation code made here. Checks the code
    and its signature, makes (or, on a retry, refreshes) the invited partnership and uses the code
    up, in one transaction. Returns the signed answer; raises protocol.Refused, writing nothing."""
    from tenants_shared.accounts.models import AccountStatus

    from .services import _headers

    headers = _headers(headers)
    code_id = headers[protocol.HEADER_KEY_ID]
    now = timezone.now()
    with transaction.atomic():
        code = (
            InvitationCode.objects.select_for_update().select_related("account").filter(pk=code_id).first()
            if protocol.CODE_ID_RE.match(code_id or "")
            else None
        )
        if code is None:
            raise protocol.Refused("unknown_code", "No such invitation code here.", 404)
        protocol.check_signature(
            keys={code.pk: code.secret},
            headers=headers,
            body=body,
            now=now,
            window=settings.FEDERATION_REPLAY_WINDOW_SECONDS,
        )
        doc = _parse_handshake(body)
        pid = protocol.partnership_for_code(code.secret)
        if doc.get("invitation") != code.pk or doc["partnership"] != str(pid):
            raise protocol.Refused("bad_envelope", "The handshake names another code or partnership.")
        if headers[protocol.HEADER_PARTNERSHIP] != str(pid):
            raise protocol.Refused("partnership_mismatch", "The headers name another partnership.")
        if code.revoked_at is not None:
            raise protocol.Refused("code_revoked", "The invitation code was withdrawn.", 410)
        account = code.account
        existing = Partnership.objects.select_for_update().filter(pk=pid).first()
        if code.used_at is not None:
            retry = (
                existing is not None
                and code.partnership_id == pid
                and existing.state == PartnershipState.INVITED
                and existing.provider_account_id == account.pk
            )
            if not retry:
                raise protocol.Refused("code_used", "The invitation code has already been used.", 409)
        elif code.expires_at <= now:
            raise protocol.Refused("code_expired", "The invitation code has expired.", 410)
        elif existing is not None:
            raise protocol.Refused("code_used", "The invitation code has already been used.", 409)
        from billing.licensing import licence_for

        if (
            account.status in (AccountStatus.SUSPENDED, AccountStatus.CLOSED)
            or not account.ready_at
            or not licence_for(account).has(Feature.FEDERATION)
        ):
            raise protocol.Refused("not_available", "The account cannot take part in partnerships now.", 403)
        provider_nonce = code.provider_nonce or secrets.token_hex(16)
        key_id, key = protocol.handshake_key(code.secret, pid, doc["nonce"], provider_nonce)
        terms = doc["terms"]
        fields = dict(
            requester_account=None,
            provider_account=account,
            remote_url=doc["requester"]["url"].rstrip("/"),
            remote_name=doc["requester"]["name"][:200],
            state=PartnershipState.INVITED,
            type_map=terms["type_map"],
            status_to_provider=terms.get("status_to_provider", {}),
            status_to_requester=terms.get("status_to_requester", {}),
            attachments=terms.get("attachments", True),
            note=doc.get("note", ""),
            key_id=key_id,
            key=key,
        )
        if existing is None:
            Partnership.objects.create(id=pid, **fields)
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            existing.save()
        code.used_at, code.partnership_id = code.used_at or now, pid
        code.requester_nonce, code.provider_nonce = doc["nonce"], provider_nonce
        code.save(update_fields=["used_at", "partnership_id", "requester_nonce", "provider_nonce"])
    answer = protocol.canonical(
        {
            "v": protocol.VERSION,
            "partnership": str(pid),
            "nonce": provider_nonce,
            "key_id": key_id,
            "provider": {"name": account.name, "url": settings.FEDERATION_BASE_URL.rstrip("/")},
        }
    )
    return answer, protocol.signed_headers(partnership=pid, key_id=key_id, key=key, body=answer)


# ---------------------------------------------------------------------------- partnership state across deployments
def _local_side(p: Partnership) -> str:
    return Side.REQUESTER if p.requester_account_id else Side.PROVIDER


def announce(p: Partnership) -> None:
    """Inside the change's transaction: this side's state changed; send it after commit."""
    if not p.remote_url:
        return
    Partnership.objects.filter(pk=p.pk).update(state_seq=F("state_seq") + 1, state_attempts=0)
    p.refresh_from_db(fields=["state_seq", "state_attempts"])
    _kick_state(p)


def _kick_state(p: Partnership, countdown: float | None = None) -> None:
    account = p.account_of(_local_side(p))
    enqueue_for_account(
        "federation.send_partnership_state",
        schema_name=account.schema_name,
        countdown=countdown,
        partnership_id=str(p.pk),
    )


def state_payload(p: Partnership) -> dict:
    side = _local_side(p)
    account = p.account_of(side)
    payload = {
        "state": p.state,
        "reason": p.reason,
        "name": account.name if account else "",
        "attachments": p.attachments,
        **{name: getattr(p, name) for name in TERM_NAMES},
    }
    if p.rotation_nonce:
        payload["key"] = {"id": p.key_id, "nonce": p.rotation_nonce}
    return payload


def send_state(*, partnership_id: str) -> bool:
    """Deliver this side's current partnership state (one message, numbered `state_seq`) to the
    partner's inbox. Retried with backoff until taken; True when the partner has it. Senders of
    one partnership take turns (an advisory lock); the row itself is not locked during the call."""
    from .services import DeliveryFailed, _advisory_lock, _backoff
    from .transport import post_envelope, sign

    with transaction.atomic():
        _advisory_lock(uuid.UUID(str(partnership_id)), "state-out")
        p = (
            Partnership.objects.select_related("requester_account", "provider_account")
            .filter(pk=partnership_id)
            .first()
        )
        if p is None or not p.remote_url:
            return False
        if p.state_sent_seq >= p.state_seq:
            return True
        side, seq, nonce = _local_side(p), p.state_seq, p.rotation_nonce
        body, headers = sign(
            p,
            side,
            message_id=protocol.message_id_for(p.pk, side, seq),
            link=p.pk,  # a partnership message names the partnership as its link
            seq=seq,
            kind="partnership",
            payload=state_payload(p),
        )
        try:
            post_envelope(p, body, headers)
        except DeliveryFailed as exc:
            Partnership.objects.filter(pk=p.pk).update(
                state_attempts=F("state_attempts") + 1, state_error=str(exc)[:2000]
            )
            if p.state_attempts + 1 < settings.FEDERATION_MAX_ATTEMPTS:
                _kick_state(p, countdown=_backoff(p.state_attempts + 1))
            log.warning("federation: partnership state %s not delivered: %s", p.pk, exc)
            return False
        Partnership.objects.filter(pk=p.pk, state_sent_seq__lt=seq).update(
            state_sent_seq=seq, state_attempts=0, state_error=""
        )
        if nonce:  # the partner now holds the rotated key
            Partnership.objects.filter(pk=p.pk, rotation_nonce=nonce).update(rotation_nonce="")
        return True


def signing_key(p: Partnership) -> tuple[str, str]:
    """(key id, key) this side signs with: during its own rotation, until the partner has taken
    it, the key the partner still holds."""
    if p.rotation_nonce and p.previous_key_id:
        return p.previous_key_id, p.previous_key
    return p.key_id, p.key


# which partner state this side takes, from which of its own (the partner's side decides the rest)
_TAKES = {
    (Side.PROVIDER, PartnershipState.ACTIVE): {PartnershipState.INVITED, PartnershipState.SUSPENDED},
    (Side.PROVIDER, PartnershipState.DECLINED): {PartnershipState.INVITED},
    (Side.REQUESTER, PartnershipState.ACTIVE): {PartnershipState.SUSPENDED},
    (Side.PROVIDER, PartnershipState.SUSPENDED): {PartnershipState.ACTIVE},
    (Side.REQUESTER, PartnershipState.SUSPENDED): {PartnershipState.ACTIVE},
    (Side.PROVIDER, PartnershipState.ENDED): {
        PartnershipState.INVITED,
        PartnershipState.ACTIVE,
        PartnershipState.SUSPENDED,
    },
    (Side.REQUESTER, PartnershipState.ENDED): {
        PartnershipState.INVITED,
        PartnershipState.ACTIVE,
        PartnershipState.SUSPENDED,
    },
}


def apply_state(p: Partnership, msg: protocol.Message, signed_with: str) -> dict:
    """The partner's state message (already signature-checked with key `signed_with`): newer than
    the last one taken → apply what this side's state allows; older or the same → a duplicate."""
    from .models import TicketLink
    from .services import _kick, in_account

    if p.account_of(msg.side) is not None or p.account_of(Partnership.other(msg.side)) is None:
        raise protocol.Refused("not_allowed", "Partnership state crosses between deployments only.", 403)
    if msg.link != p.pk:
        raise protocol.Refused("bad_envelope", "A partnership message names the partnership as its link.")
    with transaction.atomic():
        p = (
            Partnership.objects.select_for_update(of=("self",))
            .select_related("requester_account", "provider_account")
            .get(pk=p.pk)
        )
        if msg.seq <= p.remote_state_seq:
            return {"result": "duplicate", "applied": True}
        d = msg.payload
        now = timezone.now()
        key = d.get("key")
        if isinstance(key, dict) and key.get("id") and key.get("id") != p.key_id:
            # the provider's rotation wins over one of ours the partner has not taken yet
            if not p.rotation_nonce or msg.side == Side.PROVIDER:
                from .services import accepted_keys

                base = accepted_keys(p, now)[signed_with]
                p.previous_key_id, p.previous_key = signed_with, base
                p.previous_key_until = now + dt.timedelta(seconds=settings.FEDERATION_KEY_OVERLAP_SECONDS)
                p.key_id = str(key["id"])[:32]
                p.key = protocol.rotated_key(base, p.pk, p.key_id, str(key.get("nonce") or ""))
                p.rotation_nonce = ""
        new_state = d.get("state")
        resumed = False
        if p.state != new_state and p.state in _TAKES.get((msg.side, new_state), set()):
            if new_state == PartnershipState.ACTIVE and p.state == PartnershipState.INVITED:
                p.accepted_at = now
                for name in TERM_NAMES:
                    if _str_map(d.get(name)):
                        setattr(p, name, d[name])
            elif new_state == PartnershipState.ACTIVE:
                p.suspended_at, p.suspended_by, resumed = None, "", True
            elif new_state == PartnershipState.SUSPENDED:
                p.suspended_at, p.suspended_by = now, msg.side
            elif new_state in (PartnershipState.ENDED, PartnershipState.DECLINED):
                p.ended_at, p.ended_by = now, msg.side
            p.state = new_state
            p.reason = str(d.get("reason") or "")[:5000]
        if isinstance(d.get("name"), str) and d["name"]:
            p.remote_name = d["name"][:200]
        p.remote_state_seq = msg.seq
        p.save()
        if resumed:  # what waited in this side's outboxes goes now
            with in_account(p.account_of(Partnership.other(msg.side))):
                for link_id in TicketLink.objects.filter(partnership_id=p.pk).values_list("pk", flat=True):
                    _kick(link_id)
    return {"result": "accepted"}


@transaction.atomic
def rotate_key(*, actor: User, partnership: Partnership) -> Partnership:
    """An admin of either side rotates the signing key. On one deployment the shared row simply
    gets a new key; across deployments the new key is derived from the current one and a nonce
    that this side announces (signed with the current key); the old key stays valid for the
    overlap period on both sides."""
    from .services import _current_account, _lock_partnership
    from .services import rotate_key as rotate_local

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    p = _lock_partnership(_current_account(), partnership.pk)
    if p.state in (PartnershipState.ENDED, PartnershipState.DECLINED):
        from .services import WrongPartnershipState

        raise WrongPartnershipState()
    if not p.remote_url:
        return rotate_local(partnership=p)
    if p.rotation_nonce:
        raise RotationPending()
    nonce = secrets.token_hex(16)
    new_id = secrets.token_hex(8)
    p.previous_key_id, p.previous_key = p.key_id, p.key
    p.previous_key_until = timezone.now() + dt.timedelta(seconds=settings.FEDERATION_KEY_OVERLAP_SECONDS)
    p.key_id, p.key = new_id, protocol.rotated_key(p.previous_key, p.pk, new_id, nonce)
    p.rotation_nonce = nonce
    p.save()
    announce(p)
    return p
