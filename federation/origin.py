"""Where a change comes from, as far as federation is concerned.

- `acting_for(person)`: the origin federation passes to desk services (docs/spine.md, "Origin"):
  the system actor "federation" acting for a person (the partner's stand-in person for what a
  partner did; the dispatcher who declines a forwarded ticket). A system actor skips the
  person's permission checks: federation made its own (a signed partner message, the dispatcher's
  right to forward).
- `inbound(link)`: while a partner's change on `link` is applied, every change made (by
  federation's appliers and by whatever desk services they call, e.g. the confirmation's own
  status move) is the partner's own, and never sent back on that link (echo). A ContextVar,
  because the nested services record their events with their own origins.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from tenant_apps.desk.origin import Origin

PROCESS = "federation"  # the system actor's name (tenant_apps.desk.origin.SYSTEM_ACTORS)


def acting_for(person) -> Origin:
    """The system actor "federation" acting for `person`."""
    return Origin.system_actor(PROCESS, person=person)


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
