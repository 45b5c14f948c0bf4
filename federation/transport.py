"""Moving signed messages to the partner: in-process on this deployment, HTTP(S) otherwise, and
the retry policy (`TRANSIENT` refusals, `backoff`).

Both paths carry the same bytes and headers through the same checks and the same inbox recording
(`inbox.receive` for one message over HTTP, `inbox.receive_many` for an in-process batch), so ids,
ordering, idempotency and every refusal are identical. Both run outside the sender's transaction
(`delivery.drain_link`): the in-process path records the batch in the receiver's schema in a
transaction of the receiver's own, and a failure there is a failed delivery the sender retries,
as an HTTP 500 would be. It only skips the network and records a drained batch in one step.
"""

from __future__ import annotations

import json
import logging
import random

import requests
from django.conf import settings

from . import inbox, keys, protocol
from .directory.models import Partnership
from .errors import DeliveryFailed

log = logging.getLogger("atrium.federation")

# Refusals worth retrying: the partnership may resume, clocks and key rotations settle.
TRANSIENT = frozenset({"partnership_suspended", "partnership_not_active", "stale", "unknown_key"})


def backoff(attempts: int) -> float:
    base = settings.FEDERATION_RETRY_BASE_SECONDS * (2 ** min(attempts - 1, 20))
    return min(settings.FEDERATION_RETRY_CAP_SECONDS, base) * random.uniform(0.5, 1.0)  # jitter


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


def sign(
    p: Partnership, side: str, *, message_id, link, seq: int, kind: str, payload: dict
) -> tuple[bytes, dict[str, str]]:
    """`side`'s envelope in partnership `p`, and its headers, signed with the key this side signs
    with now (`keys.signing_key`: the old one while the partner has not taken a rotation)."""
    body = protocol.envelope(
        message_id=message_id, partnership=p.pk, link=link, seq=seq, kind=kind, side=side, payload=payload
    )
    key_id, key = keys.signing_key(p)
    return body, protocol.signed_headers(partnership=p.pk, key_id=key_id, key=key, body=body)


def _signed(p: Partnership, side: str, msg) -> tuple[bytes, dict[str, str]]:
    """Outbox row `msg`, signed."""
    return sign(
        p, side, message_id=msg.message_id, link=msg.link_id, seq=msg.seq, kind=msg.kind, payload=msg.payload
    )


def deliver_many(p: Partnership, side: str, msgs: list) -> tuple[int, Exception | None]:
    """Send outbox rows `msgs` of `side` (one link, in sequence order) to the other side until one
    cannot go: returns how many went, and the DeliveryFailed of the next one (or None).
    Called outside the sender's transaction. In-process, the batch is checked, recorded and
    applied in the partner's account in one step, in a transaction of the partner's own (an
    exception there rolls it back whole: nothing went, retry later). Over HTTP, one POST per
    message, each signed just before it goes."""
    if is_local(p):
        try:
            outcomes = inbox.receive_many([_signed(p, side, m) for m in msgs], partnership=p)
        except Exception as exc:  # noqa: BLE001 - the receiver failed (its transaction rolled back): retry
            log.warning("federation: the receiving account failed on a batch: %s", exc, exc_info=True)
            return 0, DeliveryFailed(f"receiver: {type(exc).__name__}: {exc}")
        last = outcomes[-1] if outcomes else None
        if isinstance(last, protocol.Refused):
            failed = DeliveryFailed(f"{last.code}: {last.detail}", permanent=last.code not in TRANSIENT)
            return len(outcomes) - 1, failed
        return len(outcomes), None
    for i, msg in enumerate(msgs):
        try:
            post_envelope(p, *_signed(p, side, msg))
        except DeliveryFailed as exc:
            return i, exc
    return len(msgs), None


def post_envelope(p: Partnership, body: bytes, headers: dict[str, str]) -> dict:
    """POST signed bytes to the partner's inbox over HTTP(S). Raises DeliveryFailed."""
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
