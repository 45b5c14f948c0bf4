"""Delivery: draining each link's outbox to the partner (`drain_link`, a Celery task per link,
queued after commit by `outbox.kick`), the sweeper that catches a drain lost on its way, and
sending this side's partnership state across deployments (`send_state`). Exponential backoff
with jitter (`transport.backoff`); a message refused for good, or failing too often, is parked.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from kernel.tasks import starting

from . import locks, outbox, person, protocol, state, transport
from .directory.models import Partnership, PartnershipState, Side
from .errors import DeliveryFailed
from .models import LinkRole, MessageKind, OutboxMessage

log = logging.getLogger("atrium.federation")


def drain_link(*, link_id: str) -> int:
    """Send the link's unsent messages in sequence order; stop at the first that cannot go now.
    Returns how many were sent.

    Drains of one link take turns (a session lock per link, held across the steps below). Per
    batch of up to FEDERATION_DRAIN_BATCH messages, with the partnership read once:
    1. read the batch, in a transaction of the sender's;
    2. deliver it outside any transaction of the sender's: over HTTP the partner's deployment
       records it; on this deployment `inbox.receive_many` records and applies it in the
       receiver's schema, in the receiver's own transaction (so the two accounts never commit
       or fail together, exactly as over HTTP);
    3. mark what went (sent) and what did not (an attempt, a backoff, or parked), in a new
       transaction of the sender's.
    A crash between 2 and 3 resends the batch: duplicates the receiver's inbox ignores by id."""
    starting(outbox.drain_key(connection.schema_name, link_id))  # before the read: later commits queue anew
    sent = 0
    token = person.start_remembering()
    try:
        with locks.held(uuid.UUID(link_id), "out"):
            while True:
                with transaction.atomic():
                    batch = list(
                        OutboxMessage.objects.select_related("link")
                        .filter(link_id=link_id, sent_at__isnull=True, parked_at__isnull=True)
                        .order_by("seq")[: settings.FEDERATION_DRAIN_BATCH]
                    )
                    if not batch:
                        return sent
                    link = batch[0].link
                    p = (
                        Partnership.objects.select_related("requester_account", "provider_account")
                        .filter(pk=link.partnership_id)
                        .first()
                    )
                side = Side.REQUESTER if link.role == LinkRole.SENDER else Side.PROVIDER
                now = timezone.now()
                ready: list[OutboxMessage] = []
                stop = False
                for msg in batch:
                    if msg.next_attempt_at and msg.next_attempt_at > now:
                        stop = True  # backing off: the failed attempt queued the drain that retries it
                        break
                    if (
                        p is not None
                        and p.state == PartnershipState.SUSPENDED
                        and msg.kind != MessageKind.UNSHARE
                    ):
                        stop = True  # waits; resuming the partnership drains every link again
                        break
                    ready.append(msg)
                delivered: list[int] = []
                failed: list[tuple[OutboxMessage, DeliveryFailed, bool]] = []
                while ready:
                    if p is None:
                        went, failure = (
                            0,
                            DeliveryFailed("the partnership no longer exists", permanent=True),
                        )
                    else:
                        went, failure = transport.deliver_many(p, side, ready)
                    delivered += [m.pk for m in ready[:went]]
                    if failure is None:
                        break
                    msg, ready = ready[went], ready[went + 1 :]
                    parked = failure.permanent or msg.attempts + 1 >= settings.FEDERATION_MAX_ATTEMPTS
                    failed.append((msg, failure, parked))
                    if not parked:
                        stop = True
                        break
                with transaction.atomic():
                    for msg, failure, parked in failed:
                        msg.attempts += 1
                        msg.last_error = str(failure)[:2000]
                        if parked:
                            # the receiver holds later messages back until this one is replayed
                            msg.parked_at = now
                            log.warning("federation: parked outbound %s: %s", msg.message_id, failure)
                        else:
                            delay = transport.backoff(msg.attempts)
                            msg.next_attempt_at = now + dt.timedelta(seconds=delay)
                            outbox.kick(msg.link_id, countdown=delay)
                        msg.save(update_fields=["attempts", "last_error", "parked_at", "next_attempt_at"])
                    if delivered:
                        OutboxMessage.objects.filter(pk__in=delivered).update(
                            sent_at=timezone.now(), attempts=models.F("attempts") + 1, last_error=""
                        )
                        sent += len(delivered)
                if stop or len(batch) < settings.FEDERATION_DRAIN_BATCH:
                    # a message committed after our read queued its own drain, which waits for
                    # this lock and then finds it
                    return sent
    finally:
        person.stop_remembering(token)


def sweep_outbox() -> int:
    """Queue a drain for each link of this account holding messages that should have gone by now:
    unsent, not parked, not backing off, older than FEDERATION_SWEEP_GRACE_SECONDS, in a
    partnership that is not suspended (resuming drains those). Catches a drain lost on its way (a
    broker restart, a crash between commit and queueing); a drain that is only waiting is not
    queued twice. Returns how many links it found due."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.FEDERATION_SWEEP_GRACE_SECONDS)
    suspended = Partnership.objects.filter(state=PartnershipState.SUSPENDED).values_list("pk", flat=True)
    link_ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True, parked_at__isnull=True, created_at__lt=cutoff)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=cutoff))
        .exclude(link__partnership_id__in=list(suspended))
        .values_list("link_id", flat=True)
        .distinct()
    )
    with transaction.atomic():
        for link_id in link_ids:
            outbox.kick(link_id)
    if link_ids:
        log.info("federation: the sweep queued drains for %d links", len(link_ids))
    return len(link_ids)


def send_state(*, partnership_id: str) -> bool:
    """Deliver this side's current partnership state (one message, numbered `state_seq`) to the
    partner's inbox. Retried with backoff until taken; True when the partner has it. Senders of
    one partnership take turns (an advisory lock); the row itself is not locked during the call."""
    with transaction.atomic():
        locks.advisory_lock(uuid.UUID(str(partnership_id)), "state-out")
        p = (
            Partnership.objects.select_related("requester_account", "provider_account")
            .filter(pk=partnership_id)
            .first()
        )
        if p is None or not p.remote_url:
            return False
        if p.state_sent_seq >= p.state_seq:
            return True
        side, seq, nonce = state.local_side(p), p.state_seq, p.rotation_nonce
        body, headers = transport.sign(
            p,
            side,
            message_id=protocol.message_id_for(p.pk, side, seq),
            link=p.pk,  # a partnership message names the partnership as its link
            seq=seq,
            kind="partnership",
            payload=state.state_payload(p),
        )
        try:
            transport.post_envelope(p, body, headers)
        except DeliveryFailed as exc:
            Partnership.objects.filter(pk=p.pk).update(
                state_attempts=F("state_attempts") + 1, state_error=str(exc)[:2000]
            )
            if p.state_attempts + 1 < settings.FEDERATION_MAX_ATTEMPTS:
                state.kick_state(p, countdown=transport.backoff(p.state_attempts + 1))
            log.warning("federation: partnership state %s not delivered: %s", p.pk, exc)
            return False
        Partnership.objects.filter(pk=p.pk, state_sent_seq__lt=seq).update(
            state_sent_seq=seq, state_attempts=0, state_error=""
        )
        if nonce:  # the partner now holds the rotated key
            Partnership.objects.filter(pk=p.pk, rotation_nonce=nonce).update(rotation_nonce="")
        return True
