"""Partnership state across deployments: each side's whole state as a signed, numbered message."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kernel.tasks import enqueue_for_account

from . import accounts, keys, outbox, protocol
from .directory.models import Partnership, PartnershipState, Side
from .models import TicketLink
from .terms import TERM_NAMES, str_map


def local_side(p: Partnership) -> str:
    return Side.REQUESTER if p.requester_account_id else Side.PROVIDER


def announce(p: Partnership) -> None:
    """Inside the change's transaction: this side's state changed; send it after commit."""
    if not p.remote_url:
        return
    Partnership.objects.filter(pk=p.pk).update(state_seq=F("state_seq") + 1, state_attempts=0)
    p.refresh_from_db(fields=["state_seq", "state_attempts"])
    kick_state(p)


def kick_state(p: Partnership, countdown: float | None = None) -> None:
    account = p.account_of(local_side(p))
    enqueue_for_account(
        "federation.send_partnership_state",
        schema_name=account.schema_name,
        countdown=countdown,
        partnership_id=str(p.pk),
    )


def state_payload(p: Partnership) -> dict:
    side = local_side(p)
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
                base = keys.accepted_keys(p, now)[signed_with]
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
                    if str_map(d.get(name)):
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
            with accounts.in_account(p.account_of(Partnership.other(msg.side))):
                for link_id in TicketLink.objects.filter(partnership_id=p.pk).values_list("pk", flat=True):
                    outbox.kick(link_id)
    return {"result": "accepted"}
