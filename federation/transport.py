"""Moving one signed message to the partner: in-process on this deployment, HTTP(S) otherwise.

Both paths carry the same bytes and headers to the same `services.receive`, so ids, ordering,
idempotency and every check are identical; the in-process path only skips the network.
"""

from __future__ import annotations

import json
import logging

import requests
from django.conf import settings

from . import protocol
from .directory.models import Partnership

log = logging.getLogger("atrium.federation")

# Refusals worth retrying: the partnership may resume, clocks and key rotations settle.
TRANSIENT = frozenset({"partnership_suspended", "partnership_not_active", "stale", "unknown_key"})


def _inbox_url(p: Partnership) -> str:
    base = p.remote_url or settings.FEDERATION_BASE_URL
    return f"{base.rstrip('/')}/federation/inbox/"


def is_local(p: Partnership) -> bool:
    """Whether messages of this partnership go in-process (both accounts on this deployment)."""
    return (
        not p.remote_url
        and settings.FEDERATION_LOCAL_TRANSPORT == "direct"
        and p.requester_account_id is not None
        and p.provider_account_id is not None
    )


def deliver(p: Partnership, side: str, msg, *, defer_apply: bool = False) -> dict:
    """Send outbox row `msg` of `side` (its link's side) to the other side. Raises DeliveryFailed.
    `defer_apply`: in-process, only record it in the partner's inbox; the caller applies the
    batch (`services.apply_delivered`) before its transaction commits."""
    from .services import DeliveryFailed, receive

    body = protocol.envelope(
        message_id=msg.message_id,
        partnership=p.pk,
        link=msg.link_id,
        seq=msg.seq,
        kind=msg.kind,
        side=side,
        payload=msg.payload,
    )
    from .remote import signing_key

    key_id, key = signing_key(p)
    headers = protocol.signed_headers(partnership=p.pk, key_id=key_id, key=key, body=body)
    if is_local(p):
        try:
            return receive(body, headers, partnership=p, apply=not defer_apply)
        except protocol.Refused as exc:
            raise DeliveryFailed(f"{exc.code}: {exc.detail}", permanent=exc.code not in TRANSIENT) from None
    return post_envelope(p, body, headers)


def post_envelope(p: Partnership, body: bytes, headers: dict[str, str]) -> dict:
    """POST signed bytes to the partner's inbox over HTTP(S). Raises DeliveryFailed."""
    from .services import DeliveryFailed

    extra = (
        {"Host": settings.FEDERATION_HOST_HEADER}
        if settings.FEDERATION_HOST_HEADER and not p.remote_url
        else {}
    )
    try:
        response = requests.post(
            _inbox_url(p), data=body, headers={**headers, **extra}, timeout=settings.FEDERATION_HTTP_TIMEOUT
        )
    except requests.RequestException as exc:
        raise DeliveryFailed(f"network: {exc}") from None
    if response.status_code == 200:
        return response.json()
    try:
        code = response.json().get("code", "")
    except (ValueError, json.JSONDecodeError):
        code = ""
    permanent = 400 <= response.status_code < 500 and response.status_code != 429 and code not in TRANSIENT
    raise DeliveryFailed(f"HTTP {response.status_code} {code}: {response.text[:500]}", permanent=permanent)
