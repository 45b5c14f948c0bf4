"""Parked messages: an admin's (or an operator's) replay."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput, NotFound

from tenant_apps import permissions as perms
from tenant_apps.desk import services as desk
from tenant_apps.people.models import User

from . import accounts, inbox, outbox, state
from .directory.models import Partnership
from .models import InboxMessage, OutboxMessage
from .selectors import exhausted_state_messages


@transaction.atomic
def replay(*, actor: User, direction: str, message_id) -> dict:
    """An admin retries a parked message after fixing its cause: an outbound one is sent again
    (attempts start over), an inbound one is applied again (with what waited behind it)."""
    if not perms.can_handle_parked_messages(actor):
        raise desk.PermissionDenied()
    return _replay(direction, message_id)


def replay_in_account(*, account, direction: str, message_id) -> dict:
    """The same replay for a platform operator (the console checks the role and audits it), run
    inside `account`'s schema: a named control-plane service."""
    with accounts.in_account(account), transaction.atomic():
        return _replay(direction, message_id)


def _replay(direction: str, message_id) -> dict:
    try:
        mid = uuid.UUID(str(message_id))
    except ValueError:
        raise NotFound() from None
    if direction == "out":
        msg = (
            OutboxMessage.objects.select_for_update().filter(message_id=mid, parked_at__isnull=False).first()
        )
        if msg is None:
            return _replay_partnership_state(mid)
        msg.parked_at, msg.next_attempt_at, msg.attempts = None, None, 0
        msg.save(update_fields=["parked_at", "next_attempt_at", "attempts"])
        outbox.kick(msg.link_id)
        return {"direction": "out", "id": str(mid), "result": "queued"}
    if direction == "in":
        msg = InboxMessage.objects.select_for_update().filter(message_id=mid, parked_at__isnull=False).first()
        if msg is None:
            raise NotFound()
        msg.parked_at, msg.error = None, ""
        msg.save(update_fields=["parked_at", "error"])
        p = Partnership.objects.select_related("requester_account", "provider_account").get(
            pk=msg.partnership_id
        )
        side = p.side_of(accounts.current_account())
        inbox.apply_ready(msg.link_id, p, side)
        msg.refresh_from_db()
        return {
            "direction": "in",
            "id": str(mid),
            "result": "applied" if msg.applied_at else ("parked" if msg.parked_at else "waiting"),
            "error": msg.error,
        }
    raise InvalidInput(fields={"direction": [_("Choose “in” or “out”.")]})


def _replay_partnership_state(mid: uuid.UUID) -> dict:
    """A partnership state message that used up its attempts is sent again (attempts start over)."""
    row = next((r for r in exhausted_state_messages(accounts.current_account()) if r["id"] == str(mid)), None)
    if row is None:
        raise NotFound()
    p = Partnership.objects.select_related("requester_account", "provider_account").get(pk=row["link"])
    Partnership.objects.filter(pk=p.pk).update(state_attempts=0, state_error="")
    state.kick_state(p)
    return {"direction": "out", "id": str(mid), "result": "queued"}
