"""The wire format: envelopes, HMAC-SHA256 signatures, the replay window (docs/federation.md).

Pure functions, no database: any implementation that follows docs/federation.md interoperates.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

VERSION = 1
HEADER_PARTNERSHIP = "X-Atrium-Partnership"
HEADER_KEY_ID = "X-Atrium-Key-Id"
HEADER_TIMESTAMP = "X-Atrium-Timestamp"
HEADER_SIGNATURE = "X-Atrium-Signature"
SIGNATURE_HEADERS = (HEADER_PARTNERSHIP, HEADER_KEY_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE)
KINDS = frozenset(
    {
        "share",
        "update",
        "comment",
        "attachment",
        "status",
        "checklist",
        "recall",
        "decline",
        "unshare",
        "confirmation",  # the requester side confirmed, returned or rated the provider's work
        "partnership",  # across deployments: a side's full partnership state (link = partnership id)
    }
)
ENVELOPE_FIELDS = ("v", "id", "partnership", "link", "seq", "kind", "from", "sent_at", "payload")


def new_key() -> tuple[str, str]:
    """(key id, key): 128 bits of id, 256 bits of key, both URL-safe text."""
    return secrets.token_hex(8), secrets.token_urlsafe(32)


# ---------------------------------------------------------------------------- handshake and keys
HANDSHAKE_LABEL = b"atrium-federation-v1"
CODE_ID_RE = re.compile(r"^[0-9a-f]{16}$")


def new_invitation_code() -> tuple[str, str]:
    """(id, secret) of an invitation code; the code handed over is `id + "." + secret`."""
    return secrets.token_hex(8), secrets.token_urlsafe(24)


def split_code(code: str) -> tuple[str, str] | None:
    code_id, dot, secret = (code or "").strip().partition(".")
    if not dot or not CODE_ID_RE.match(code_id) or not re.fullmatch(r"[A-Za-z0-9_-]{16,128}", secret):
        return None
    return code_id, secret


def _derive(key: str, *parts: str) -> bytes:
    return hmac.new(
        key.encode(), b"|".join([HANDSHAKE_LABEL, *(p.encode() for p in parts)]), hashlib.sha256
    ).digest()


def partnership_for_code(secret: str) -> uuid.UUID:
    """The partnership id an invitation code leads to: the same on every retry of the handshake,
    so a retry after a lost answer finds the partnership it already made."""
    return uuid.UUID(bytes=_derive(secret, "partnership")[:16], version=4)


def handshake_key(
    secret: str, partnership: uuid.UUID, requester_nonce: str, provider_nonce: str
) -> tuple[str, str]:
    """(key id, key) both sides derive from the invitation secret and both nonces; never sent."""
    raw = _derive(secret, "key", str(partnership), requester_nonce, provider_nonce)
    key_id = _derive(secret, "key-id", str(partnership), requester_nonce, provider_nonce).hex()[:16]
    return key_id, base64.urlsafe_b64encode(raw).decode().rstrip("=")


def rotated_key(current_key: str, partnership: uuid.UUID, key_id: str, nonce: str) -> str:
    """The next key, derived from the current one and the rotation's nonce; never sent."""
    raw = _derive(current_key, "rotate", str(partnership), key_id, nonce)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def message_id_for(partnership: uuid.UUID, side: str, seq: int) -> uuid.UUID:
    """The id of a side's `partnership` message number `seq` (the same on every resend)."""
    return uuid.uuid5(partnership, f"partnership:{side}:{seq}")


def canonical(doc: dict) -> bytes:
    return json.dumps(doc, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def envelope(
    *,
    message_id: uuid.UUID,
    partnership: uuid.UUID,
    link: uuid.UUID,
    seq: int,
    kind: str,
    side: str,
    payload: dict,
) -> bytes:
    """The exact bytes that are signed and sent."""
    doc = {
        "v": VERSION,
        "id": str(message_id),
        "partnership": str(partnership),
        "link": str(link),
        "seq": seq,
        "kind": kind,
        "from": side,
        "sent_at": timezone.now().isoformat(),
        "payload": payload,
    }
    return canonical(doc)


def signature(key: str, timestamp: str, body: bytes) -> str:
    return hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def pick_headers(raw: dict[str, str]) -> dict[str, str]:
    """The signature headers of a request (any case), each "" when absent."""
    lower = {k.lower(): v for k, v in raw.items()}
    return {h: lower.get(h.lower(), "") for h in SIGNATURE_HEADERS}


def iso(value) -> str | None:
    """A datetime as the wire carries it (ISO 8601), or None."""
    return value.isoformat() if value else None


def parse_datetime(value) -> datetime | None:
    """A wire datetime back, or None when absent or not one."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def signed_headers(*, partnership: uuid.UUID, key_id: str, key: str, body: bytes) -> dict[str, str]:
    ts = str(int(timezone.now().timestamp()))
    return {
        HEADER_PARTNERSHIP: str(partnership),
        HEADER_KEY_ID: key_id,
        HEADER_TIMESTAMP: ts,
        HEADER_SIGNATURE: signature(key, ts, body),
        "Content-Type": "application/json",
    }


class Refused(Exception):
    """A message this side will not take: `code` says why (docs/federation.md, "Refusals")."""

    def __init__(self, code: str, detail: str, status: int = 400):
        self.code, self.detail, self.status = code, detail, status
        super().__init__(f"{code}: {detail}")


@dataclass(frozen=True)
class Message:
    id: uuid.UUID
    partnership: uuid.UUID
    link: uuid.UUID
    seq: int
    kind: str
    side: str
    sent_at: datetime
    payload: dict


def check_signature(
    *, keys: dict[str, str], headers: dict[str, str], body: bytes, now: datetime, window: int
) -> None:
    """`keys`: key id -> key currently accepted for the partnership (current, and previous during
    the overlap). Raises Refused; returns when the signature holds and the timestamp is fresh."""
    ts, key_id, sig = (headers.get(h, "") for h in (HEADER_TIMESTAMP, HEADER_KEY_ID, HEADER_SIGNATURE))
    if not ts or not key_id or not sig:
        raise Refused("unsigned", "The signature headers are missing.", 401)
    try:
        stamp = int(ts)
    except ValueError:
        raise Refused("bad_timestamp", "The timestamp is not a Unix time.", 401) from None
    if abs(now.timestamp() - stamp) > window:
        raise Refused("stale", "The timestamp is outside the replay window.", 401)
    key = keys.get(key_id)
    if key is None:
        raise Refused("unknown_key", "The key id is not (or no longer) valid for this partnership.", 401)
    if not hmac.compare_digest(signature(key, ts, body), sig):
        raise Refused("bad_signature", "The signature does not match the body.", 401)


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def parse(body: bytes) -> Message:
    try:
        doc = json.loads(body)
        if not isinstance(doc, dict) or set(ENVELOPE_FIELDS) - set(doc):
            raise ValueError("fields missing")
        if doc["v"] != VERSION or doc["kind"] not in KINDS or doc["from"] not in ("requester", "provider"):
            raise ValueError("unknown version, kind or side")
        if not isinstance(doc["seq"], int) or doc["seq"] < 1 or not isinstance(doc["payload"], dict):
            raise ValueError("bad seq or payload")
        if _has_nul(doc["payload"]):
            raise ValueError("a NUL character, which no text field can store")
        sent_at = datetime.fromisoformat(doc["sent_at"])
        return Message(
            id=uuid.UUID(doc["id"]),
            partnership=uuid.UUID(doc["partnership"]),
            link=uuid.UUID(doc["link"]),
            seq=doc["seq"],
            kind=doc["kind"],
            side=doc["from"],
            sent_at=sent_at,
            payload=doc["payload"],
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise Refused("bad_envelope", f"The message is not a valid envelope: {exc}.") from None
