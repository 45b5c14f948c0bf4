"""Partners on other deployments: invitation codes and the handshake (both sides)."""

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
from django.utils import timezone
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput, NotFound

from billing.licensing import Feature, ensure_feature
from tenant_apps import permissions as perms
from tenant_apps.desk import services as desk
from tenant_apps.people.models import User

from . import accounts, protocol
from .directory.models import InvitationCode, Partnership, PartnershipState, Side
from .errors import HandshakeFailed
from .terms import TERM_NAMES, check_terms, str_map

log = logging.getLogger("atrium.federation")


HANDSHAKE_PATH = "/federation/handshake/"


MAX_HANDSHAKE_BODY = 64 * 1024


def invitation_codes_of(account):
    return InvitationCode.objects.filter(account=account)


@transaction.atomic
def create_invitation_code(
    *, actor: User, note: str = "", valid_hours: int | None = None
) -> tuple[InvitationCode, str]:
    """An admin makes a single-use code for a partner on another deployment. Returns the row and
    the code (`<id>.<secret>`), which is shown this once."""
    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = accounts.current_account()
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

    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    row = (
        InvitationCode.objects.select_for_update()
        .filter(account=accounts.current_account(), pk=str(code_id))
        .first()
    )
    if row is None:
        raise NotFound()
    if row.used_at is None and row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
    return row


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
    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = accounts.current_account()
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
    cleaned = check_terms(terms, Side.REQUESTER, errors)
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
        if not isinstance(terms, dict) or not all(str_map(terms.get(n, {})) for n in TERM_NAMES):
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

    headers = protocol.pick_headers(headers)
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
