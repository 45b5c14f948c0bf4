"""Where a change comes from, as far as federation is concerned: the process name federation
acts under, and the link an inbound change arrived on (never echoed back on it).
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

PROCESS = "federation"  # the desk services' `process`: no person's checks, the partner person acts


_inbound_link: contextvars.ContextVar[uuid.UUID | None] = contextvars.ContextVar("fed_inbound", default=None)


@contextmanager
def inbound(link_id: uuid.UUID) -> Iterator[None]:
    """Changes made inside are the partner's own (or the link's state): never sent back on it."""
    token = _inbound_link.set(link_id)
    try:
        yield
    finally:
        _inbound_link.reset(token)


def inbound_link() -> uuid.UUID | None:
    """The link the change being made came from (inside `inbound`), else None."""
    return _inbound_link.get()
