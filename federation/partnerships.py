"""Partnerships as an account admin changes them: invite, accept, decline, suspend, resume, end,
rotate the key.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput, NotFound

from billing.licensing import Feature, ensure_feature
from tenant_apps import permissions as perms
from tenant_apps.desk import services as desk
from tenant_apps.people.models import User

from . import accounts, keys, links, outbox, protocol, remote, state
from .directory.models import Partnership, PartnershipState, Side
from .errors import RotationPending, WrongPartnershipState
from .models import LinkState, MessageKind, TicketLink
from .terms import check_terms


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


def lock_partnership(account, pk) -> Partnership:
    found = partnership_for(account, pk)
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("requester_account", "provider_account")
        .get(pk=found.pk)
    )


def _locked_for_admin(actor: User, partnership: Partnership) -> tuple[Any, Partnership]:
    """The prologue of every change an account admin makes to a partnership: may they, which
    account is acting, and the partnership row locked for the rest of the transaction."""
    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    account = accounts.current_account()
    return account, lock_partnership(account, partnership.pk)


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
    account = accounts.current_account()
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
    cleaned = check_terms(terms, Side.REQUESTER, errors)
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
    cleaned = check_terms(terms, Side.PROVIDER, errors)
    type_map = {**p.type_map, **cleaned.get("type_map", {})}
    if set(type_map) != set(p.type_map):
        errors["type_map"] = [_("Map only the types the inviting account offered.")]
    elif not all(type_map.values()):
        errors["type_map"] = [_("Map every offered type to one of your ticket types.")]
    else:
        check_terms({"type_map": type_map}, Side.PROVIDER, errors)
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
        outbox.kick(link_id)
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
        outbox.queue_message(link, MessageKind.UNSHARE, {"reason": p.reason})
        links.orphan_link(link, actor=actor, reason=p.reason)
    _announce(p)
    return p


def _announce(p: Partnership) -> None:
    """Across deployments, the partner learns this side's new state by a signed message."""
    if p.remote_url:
        state.announce(p)


@transaction.atomic
def rotate_partnership_key(*, actor: User, partnership: Partnership) -> Partnership:
    """An admin of either side rotates the signing key. On one deployment the shared row simply
    gets a new key; across deployments the new key is derived from the current one and a nonce
    that this side announces (signed with the current key); the old key stays valid for the
    overlap period on both sides."""
    if not perms.can_manage_partnerships(actor):
        raise desk.PermissionDenied()
    p = lock_partnership(accounts.current_account(), partnership.pk)
    if p.state in (PartnershipState.ENDED, PartnershipState.DECLINED):
        raise WrongPartnershipState()
    if not p.remote_url:
        return keys.rotate_key(partnership=p)
    if p.rotation_nonce:
        raise RotationPending()
    nonce = secrets.token_hex(16)
    new_id = secrets.token_hex(8)
    p.previous_key_id, p.previous_key = p.key_id, p.key
    p.previous_key_until = timezone.now() + dt.timedelta(seconds=settings.FEDERATION_KEY_OVERLAP_SECONDS)
    p.key_id, p.key = new_id, protocol.rotated_key(p.previous_key, p.pk, new_id, nonce)
    p.rotation_nonce = nonce
    p.save()
    state.announce(p)
    return p
