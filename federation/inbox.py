"""The inbox: `receive` is the one entry for an incoming message (the HTTP endpoint's), and
`receive_many` the same for a same-deployment batch: signature, replay window, partnership
state, then the inbox row (a duplicate id is a no-op) in the receiving account's schema, in a
transaction of its own; then `apply_ready` applies the link's messages in order with the
registry's appliers, parking a message that fails. Changes applied here are the partner's
(`origin.inbound`): never sent back on the link they came from.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from kernel.errors import DomainError

from billing.licensing import ensure_writable

from . import accounts, keys, locks, origin, protocol, registry, state
from .directory.models import Partnership, PartnershipState, Side
from .models import InboxMessage, LinkRole, LinkState, MessageKind, TicketLink

log = logging.getLogger("atrium.federation")


ACCEPTED = {"result": "accepted"}  # compare with ==; hand out copies


def receive(body: bytes, headers: dict[str, str]) -> dict:
    """Check one incoming message (the HTTP endpoint's) and record it in the receiving account's
    inbox, then apply what is ready. Raises protocol.Refused (nothing recorded) for a message this
    side will not take."""
    p, msg, key_id = _checked(body, headers, None)
    if msg.kind == "partnership":
        return state.apply_state(p, msg, key_id)
    dest_side = Partnership.other(msg.side)
    with accounts.in_account(p.account_of(dest_side)), transaction.atomic():
        result = _record(p, [msg], dest_side)[0]
        if isinstance(result, protocol.Refused):
            raise result
        if result == ACCEPTED:
            apply_ready(msg.link, p, dest_side)
    return result


def receive_many(
    signed: list[tuple[bytes, dict[str, str]]], *, partnership: Partnership
) -> list[dict | protocol.Refused]:
    """The same-deployment transport's batch: messages of one side, every one checked as
    `receive` checks it, recorded in the partner's inbox with one lookup and one INSERT, then
    applied there as `receive` applies, in a transaction of the receiving account's own (the
    delivery calls it outside the sender's transaction, as the HTTP endpoint would be called).
    Returns an outcome per message, in order, up to and including the first refusal (nothing
    after it is recorded)."""
    msgs: list[protocol.Message] = []
    refused: list[protocol.Refused] = []  # the check that ended the batch early, if one did
    for body, headers in signed:
        try:
            p, msg, _key_id = _checked(body, headers, partnership)
            if p.pk != partnership.pk or msg.kind == "partnership" or (msgs and msg.side != msgs[0].side):
                raise protocol.Refused("not_allowed", "Not a message of this batch.", 400)
        except protocol.Refused as exc:
            refused = [exc]
            break
        msgs.append(msg)
    if not msgs:
        return refused
    dest_side = Partnership.other(msgs[0].side)
    with accounts.in_account(partnership.account_of(dest_side)), transaction.atomic():
        recorded = _record(partnership, msgs, dest_side)
        for link_id in dict.fromkeys(m.link for m, o in zip(msgs, recorded, strict=False) if o == ACCEPTED):
            apply_ready(link_id, partnership, dest_side)
    # recording stops at its own first refusal; only a batch recorded whole ends with the check's
    return recorded if len(recorded) < len(msgs) else recorded + refused


def _checked(
    body: bytes, headers: dict[str, str], partnership: Partnership | None
) -> tuple[Partnership, protocol.Message, str]:
    """Everything about one message that needs no inbox: partnership, signature, timestamp,
    envelope, and what the partnership allows. Raises protocol.Refused."""
    headers = protocol.pick_headers(headers)
    try:
        pid = uuid.UUID(headers[protocol.HEADER_PARTNERSHIP])
    except ValueError:
        raise protocol.Refused("unknown_partnership", "No partnership named.", 404) from None
    p = (
        partnership
        if partnership is not None and partnership.pk == pid
        else Partnership.objects.select_related("requester_account", "provider_account")
        .filter(pk=pid)
        .first()
    )
    if p is None:
        raise protocol.Refused("unknown_partnership", "No such partnership here.", 404)
    now = timezone.now()
    protocol.check_signature(
        keys=keys.accepted_keys(p, now),
        headers=headers,
        body=body,
        now=now,
        window=settings.FEDERATION_REPLAY_WINDOW_SECONDS,
    )
    msg = protocol.parse(body)
    if msg.partnership != p.pk:
        raise protocol.Refused("partnership_mismatch", "The envelope names another partnership.")
    if msg.kind == "partnership":
        return p, msg, headers[protocol.HEADER_KEY_ID]
    if p.account_of(Partnership.other(msg.side)) is None:
        raise protocol.Refused("not_here", "The receiving side is not on this deployment.", 404)
    # An ended partnership still takes what was sent before the end (ending stops new messages at
    # the source), so the partner's `unshare` is never stuck behind an earlier message.
    if p.state in (PartnershipState.INVITED, PartnershipState.DECLINED):
        raise protocol.Refused("partnership_not_active", "The partnership is not active.", 409)
    if p.state == PartnershipState.SUSPENDED and msg.kind != MessageKind.UNSHARE:
        raise protocol.Refused("partnership_suspended", "The partnership is suspended; retry later.", 409)
    if msg.kind == MessageKind.SHARE:
        if msg.side != Side.REQUESTER:
            raise protocol.Refused("not_allowed", "Only the requesting side shares tickets.", 403)
        if msg.payload.get("type") not in p.type_map:
            raise protocol.Refused(
                "type_not_allowed", "This ticket type is not forwarded in this partnership."
            )
    if msg.kind == MessageKind.ATTACHMENT and not p.attachments:
        raise protocol.Refused("attachments_not_allowed", "Attachments do not cross in this partnership.")
    if msg.kind == MessageKind.RECALL and msg.side != Side.REQUESTER:
        raise protocol.Refused("not_allowed", "Only the requesting side recalls.", 403)
    if msg.kind == MessageKind.DECLINE and msg.side != Side.PROVIDER:
        raise protocol.Refused("not_allowed", "Only the providing side declines.", 403)
    if msg.kind == MessageKind.CONFIRMATION and msg.side != Side.REQUESTER:
        raise protocol.Refused(
            "not_allowed", "Only the requesting side confirms, returns and rates work.", 403
        )
    return p, msg, headers[protocol.HEADER_KEY_ID]


def _record(p: Partnership, msgs: list, dest_side: str) -> list[dict | protocol.Refused]:
    """Record checked messages in this account's inbox (the current schema, inside a transaction):
    one lookup for their ids, links and sequence numbers, one INSERT for the new ones. An outcome
    per message up to the first refusal, which ends the list; a message already here is a
    duplicate, a no-op."""
    expected_role = LinkRole.RECEIVER if dest_side == Side.PROVIDER else LinkRole.SENDER
    link_ids = {m.link for m in msgs}
    links = {
        link.pk: link for link in TicketLink.objects.filter(pk__in=link_ids).only("partnership_id", "role")
    }
    taken = Q(message_id__in=[m.id for m in msgs])
    for link_id in link_ids:
        taken |= Q(link_id=link_id, seq__in=[m.seq for m in msgs if m.link == link_id])
    found = list(InboxMessage.objects.filter(taken).only("message_id", "link_id", "seq", "applied_at"))
    by_id = {m.message_id: m for m in found}
    by_seq = {(m.link_id, m.seq) for m in found}
    outcomes: list[dict | protocol.Refused] = []
    new: list[InboxMessage] = []
    for msg in msgs:
        link = links.get(msg.link)
        existing = by_id.get(msg.id)
        if link is not None and (link.partnership_id != p.pk or link.role != expected_role):
            outcome = protocol.Refused("unknown_link", "No such link in this partnership.", 404)
        elif link is None and msg.kind != MessageKind.SHARE and dest_side == Side.REQUESTER:
            outcome = protocol.Refused("unknown_link", "No such link in this partnership.", 404)
        elif existing is not None:
            outcome = (
                {"result": "duplicate", "applied": existing.applied_at is not None}
                if (existing.link_id, existing.seq) == (msg.link, msg.seq)
                else protocol.Refused("id_reused", "This message id was used for another message.", 409)
            )
        elif (msg.link, msg.seq) in by_seq:
            outcome = protocol.Refused("seq_taken", "Another message holds this sequence number.", 409)
        else:
            by_seq.add((msg.link, msg.seq))
            new.append(
                InboxMessage(
                    message_id=msg.id,
                    link_id=msg.link,
                    partnership_id=p.pk,
                    seq=msg.seq,
                    kind=msg.kind,
                    payload=msg.payload,
                    sent_at=msg.sent_at,
                )
            )
            outcome = dict(ACCEPTED)
        outcomes.append(outcome)
        if isinstance(outcome, protocol.Refused):
            break
    if new:
        try:
            with transaction.atomic():  # a concurrent twin loses here
                InboxMessage.objects.bulk_create(new)
        except IntegrityError:
            if len(msgs) == 1:
                return [protocol.Refused("seq_taken", "Another message holds this sequence number.", 409)]
            # a concurrent twin took some of them: one at a time, each with its own verdict
            considered, outcomes = msgs[: len(outcomes)], []
            for msg in considered:
                outcomes += _record(p, [msg], dest_side)
                if isinstance(outcomes[-1], protocol.Refused):
                    break
    return outcomes


def apply_ready(link_id: uuid.UUID, p: Partnership, local_side: str) -> int:
    """Apply the link's recorded messages that are next in sequence; a later one waits for its
    predecessor; one that fails is parked with its error and holds the rest back. The waiting
    messages are read in one query and the licence is checked once per call. A run of public
    comments goes in one change (`desk.add_comments`); if that fails, its messages go one by one,
    so only the failing one is parked."""
    applied = 0
    limit = settings.FEDERATION_DRAIN_BATCH * 4
    with transaction.atomic(savepoint=False):  # each message has its own savepoint below
        locks.advisory_lock(link_id, "in")
        link = TicketLink.objects.select_related("ticket").filter(pk=link_id).first()
        expected = link.last_in_seq + 1 if link else 1
        waiting = list(
            InboxMessage.objects.filter(link_id=link_id, seq__gte=expected, applied_at__isnull=True).order_by(
                "seq"
            )[:limit]
        )
        ready: list[InboxMessage] = []
        for msg in waiting:  # the unbroken run that starts at the expected sequence number
            if msg.seq != expected + len(ready) or msg.parked_at is not None:
                break
            ready.append(msg)
        if ready:
            try:
                ensure_writable(connection.tenant)
            except Exception as exc:  # noqa: BLE001 - the licence holds the whole link back, visibly
                _park(ready[0], exc)
                return 0
        i = 0
        while i < len(ready):
            run = _comment_run(ready, i, link)
            if len(run) > 1:
                try:
                    link = _apply_step(
                        link_id,
                        run,
                        partial(registry.run_applier_for(MessageKind.COMMENT), run, link, p, local_side),
                    )
                    applied += len(run)
                    i += len(run)
                    continue
                except Exception:  # noqa: BLE001 - rolled back; one by one parks the failing one
                    log.info("federation: a run of %d comments on %s goes one by one", len(run), link_id)
            msg = ready[i]
            try:
                link = _apply_step(
                    link_id, [msg], partial(registry.applier_for(msg.kind), msg, link, p, local_side)
                )
            except Exception as exc:  # noqa: BLE001 - any failure parks the message, visibly
                _park(msg, exc)
                return applied
            applied += 1
            i += 1
    if len(waiting) == limit and applied == limit:
        applied += apply_ready(link_id, p, local_side)  # more were waiting than one read takes
    return applied


def _apply_step(link_id: uuid.UUID, msgs: list[InboxMessage], apply: Callable[[], TicketLink]) -> TicketLink:
    """Apply consecutive messages with `apply()` in one savepoint, as the partner's changes (never
    echoed back on this link), and mark them applied."""
    with transaction.atomic(), origin.inbound(link_id):
        link = apply()
        link.last_in_seq = msgs[-1].seq
        link.save(update_fields=["last_in_seq", "updated_at"])
        marks = {"applied_at": timezone.now(), "parked_at": None}
        if len(msgs) == 1:  # a single applier may leave a note ("ignored: the link is …")
            marks["error"] = msgs[0].error
        InboxMessage.objects.filter(pk__in=[m.pk for m in msgs]).update(**marks)
        for msg in msgs:
            msg.applied_at, msg.parked_at = marks["applied_at"], None
    return link


def _park(msg: InboxMessage, exc: Exception) -> None:
    detail = exc.fields if isinstance(exc, DomainError) and exc.fields else ""
    msg.error = f"{type(exc).__name__}: {exc} {detail}".strip()[:2000]
    msg.parked_at = timezone.now()
    msg.save(update_fields=["error", "parked_at"])
    log.warning("federation: parked inbound %s (%s): %s", msg.message_id, msg.kind, msg.error)


def _comment_run(ready: list[InboxMessage], start: int, link: TicketLink | None) -> list[InboxMessage]:
    """The messages from `start` on that are public comments with text on an active link."""
    if link is None or link.state != LinkState.ACTIVE:
        return []
    run = []
    for msg in ready[start:]:
        body = msg.payload.get("body")
        if msg.kind != MessageKind.COMMENT or not isinstance(body, str) or not body.strip():
            break
        run.append(msg)
    return run
