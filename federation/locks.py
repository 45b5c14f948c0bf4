"""PostgreSQL advisory locks that serialize work per link (or partnership) and purpose."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection

log = logging.getLogger("atrium.federation")


def _lock_id(key: uuid.UUID, purpose: str) -> int:
    digest = hashlib.blake2b(f"{purpose}:{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def advisory_lock(key: uuid.UUID, purpose: str) -> None:
    """A transaction lock per link and purpose ("in": applying, "state-out": sending a
    partnership's state). Both sides of a same-deployment link share one database, so the
    purposes must not share a lock."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(key, purpose)])


@contextmanager
def held(key: uuid.UUID, purpose: str) -> Iterator[None]:
    """A session lock per link and purpose ("out": draining) held across several transactions
    of the holder (a drain reads, delivers and marks in separate ones); released at the end, or
    by PostgreSQL when the connection goes."""
    lock_id = _lock_id(key, purpose)
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(%s)", [lock_id])
        except DatabaseError as exc:  # an aborted transaction: the lock goes with the connection
            log.warning("federation: could not release the %s lock of %s: %s", purpose, key, exc)
