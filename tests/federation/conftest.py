"""Federation fixtures: a mall account and a contractor account in an active partnership."""

from __future__ import annotations

import json
import uuid

import pytest

from federation import protocol
from federation.directory.models import Partnership
from tests.support.context import in_account
from tests.support.worlds import TERMS, Mall, Pair, file_leak, make_mall, make_pair

__all__ = ["TERMS", "Mall", "Pair", "envelope_doc", "file_leak", "make_mall", "make_pair", "signed"]

# Tests of this folder written before tests/support say `with _in(mall):`
_in = in_account


def signed(p: Partnership, doc: dict, *, key: str | None = None, ts: int | None = None) -> tuple[bytes, dict]:
    """A raw envelope and its headers, as a partner (or an impostor) would send them."""
    body = json.dumps(doc).encode()
    headers = protocol.signed_headers(partnership=p.pk, key_id=p.key_id, key=key or p.key, body=body)
    if ts is not None:
        headers[protocol.HEADER_TIMESTAMP] = str(ts)
        headers[protocol.HEADER_SIGNATURE] = protocol.signature(key or p.key, str(ts), body)
    return body, headers


def envelope_doc(
    p: Partnership, *, link, seq: int, kind: str, payload: dict, side: str = "requester"
) -> dict:
    from django.utils import timezone

    return {
        "v": 1,
        "id": str(uuid.uuid4()),
        "partnership": str(p.pk),
        "link": str(link),
        "seq": seq,
        "kind": kind,
        "from": side,
        "sent_at": timezone.now().isoformat(),
        "payload": payload,
    }


@pytest.fixture
def pair(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return make_pair()
