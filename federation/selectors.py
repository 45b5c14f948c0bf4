"""Reads of federation that views (and later reports and the console) share."""

from __future__ import annotations

from django.utils import timezone

from .directory.models import InvitationCode, Partnership
from .models import InboxMessage, OutboxMessage, TicketLink


def partnership_doc(p: Partnership, account) -> dict:
    side = p.side_of(account)
    other = p.account_of(Partnership.other(side)) if side else None
    return {
        "id": str(p.pk),
        "state": p.state,
        "side": side,
        "partner": {
            "name": other.name if other is not None else p.remote_name,
            "address": other.slug if other is not None else p.remote_url,
        },
        "type_map": p.type_map,
        "status_to_provider": p.status_to_provider,
        "status_to_requester": p.status_to_requester,
        "attachments": p.attachments,
        "note": p.note,
        "reason": p.reason,
        "invited_at": p.invited_at,
        "accepted_at": p.accepted_at,
        "suspended_at": p.suspended_at,
        "ended_at": p.ended_at,
        "key_id": p.key_id,
        # across deployments: has the partner taken this side's latest state (and key rotation)?
        "state_delivered": p.state_sent_seq >= p.state_seq,
        "delivery_error": p.state_error,
    }


def invitation_code_doc(code: InvitationCode, secret_code: str | None = None) -> dict:
    doc = {
        "id": code.pk,
        "state": code.state_at(timezone.now()),
        "note": code.note,
        "created_by": code.created_by,
        "created_at": code.created_at,
        "expires_at": code.expires_at,
        "used_at": code.used_at,
        "revoked_at": code.revoked_at,
        "partnership": str(code.partnership_id) if code.partnership_id else None,
    }
    if secret_code is not None:
        doc["code"] = secret_code  # shown once, when the code is made
    return doc


def _out(m: OutboxMessage) -> dict:
    return {
        "direction": "out",
        "id": str(m.message_id),
        "link": str(m.link_id),
        "seq": m.seq,
        "kind": m.kind,
        "at": m.created_at,
        "sent_at": m.sent_at,
        "applied_at": None,
        "attempts": m.attempts,
        "error": m.last_error,
        "parked_at": m.parked_at,
    }


def _in(m: InboxMessage) -> dict:
    return {
        "direction": "in",
        "id": str(m.message_id),
        "link": str(m.link_id),
        "seq": m.seq,
        "kind": m.kind,
        "at": m.received_at,
        "sent_at": m.sent_at,
        "applied_at": m.applied_at,
        "attempts": 0,
        "error": m.error,
        "parked_at": m.parked_at,
    }


def ticket_links(ticket) -> list[dict]:
    """A ticket's links with their message logs (both directions, in order)."""
    links = list(TicketLink.objects.filter(ticket=ticket).order_by("created_at"))
    ids = [link.pk for link in links]
    outs: dict = {}
    for m in OutboxMessage.objects.filter(link_id__in=ids).order_by("seq"):
        outs.setdefault(m.link_id, []).append(_out(m))
    ins: dict = {}
    for m in InboxMessage.objects.filter(link_id__in=ids).order_by("seq"):
        ins.setdefault(m.link_id, []).append(_in(m))
    partners = {
        p.pk: p
        for p in Partnership.objects.select_related("requester_account", "provider_account").filter(
            pk__in={link.partnership_id for link in links}
        )
    }
    docs = []
    for link in links:
        p = partners.get(link.partnership_id)
        other = p.account_of("provider" if link.role == "sender" else "requester") if p else None
        docs.append(
            {
                "id": str(link.pk),
                "partnership": str(link.partnership_id),
                "partner": other.name if other is not None else (p.remote_name if p else ""),
                "role": link.role,
                "state": link.state,
                "remote_ref": link.remote_ref,
                "remote_status": link.remote_status,
                "remote_assignee": link.remote_assignee,
                "remote_checklist": link.remote_checklist,
                "note": link.note,
                "reason": link.reason,
                "created_at": link.created_at,
                "messages": outs.get(link.pk, []) + ins.get(link.pk, []),
            }
        )
    return docs


def exhausted_state_messages(account) -> list[dict]:
    """This account's partnership state messages to partners on other deployments that used up
    their attempts (FEDERATION_MAX_ATTEMPTS) unsent: parked like ticket messages, and replayed the
    same way (`services.replay`, direction "out", the message's id)."""
    from django.conf import settings
    from django.db.models import F, Q

    from . import protocol
    from .directory.models import Side

    if account is None or not hasattr(account, "created_at"):
        return []
    rows = []
    exhausted = Partnership.objects.filter(
        Q(requester_account=account) | Q(provider_account=account),
        state_sent_seq__lt=F("state_seq"),
        state_attempts__gte=settings.FEDERATION_MAX_ATTEMPTS,
    ).exclude(remote_url="")
    for p in exhausted.order_by("invited_at"):
        side = Side.REQUESTER if p.requester_account_id else Side.PROVIDER
        rows.append(
            {
                "direction": "out",
                "id": str(protocol.message_id_for(p.pk, side, p.state_seq)),
                "link": str(p.pk),  # a partnership message names the partnership as its link
                "seq": p.state_seq,
                "kind": "partnership",
                "at": p.invited_at,
                "sent_at": None,
                "applied_at": None,
                "attempts": p.state_attempts,
                "error": p.state_error,
                "parked_at": None,
            }
        )
    return rows


def parked_messages(account=None) -> list[dict]:
    """Messages of the current schema's account parked in either direction (`account`: the account
    itself, when the connection's tenant is only its schema)."""
    from django.db import connection

    outs = [
        _out(m) for m in OutboxMessage.objects.filter(parked_at__isnull=False).order_by("parked_at")[:500]
    ]
    ins = [_in(m) for m in InboxMessage.objects.filter(parked_at__isnull=False).order_by("parked_at")[:500]]
    return exhausted_state_messages(account or getattr(connection, "tenant", None)) + outs + ins


def health_for_account(account) -> dict:
    """What the operator console shows on an account's page: partnerships by state, and the
    delivery state of its links (read inside the account's schema)."""
    from django.db.models import Count, Min, Q
    from django_tenants.utils import schema_context

    partnerships = dict(
        Partnership.objects.filter(Q(requester_account=account) | Q(provider_account=account))
        .values_list("state")
        .annotate(n=Count("pk"))
    )
    with schema_context(account.schema_name):
        outbox = OutboxMessage.objects.filter(sent_at__isnull=True).aggregate(
            backlog=Count("pk", filter=Q(parked_at__isnull=True)),
            parked=Count("pk", filter=Q(parked_at__isnull=False)),
            oldest=Min("created_at", filter=Q(parked_at__isnull=True)),
        )
        inbox = InboxMessage.objects.filter(applied_at__isnull=True).aggregate(
            waiting=Count("pk", filter=Q(parked_at__isnull=True)),
            parked=Count("pk", filter=Q(parked_at__isnull=False)),
        )
        links = TicketLink.objects.count()
    return {
        "partnerships": ", ".join(f"{state}: {n}" for state, n in sorted(partnerships.items())) or "—",
        "links": links,
        "outbox backlog": outbox["backlog"],
        "oldest unsent": outbox["oldest"].isoformat(timespec="seconds") if outbox["oldest"] else "—",
        "outbox parked": outbox["parked"],
        "inbox waiting for a predecessor": inbox["waiting"],
        "inbox parked": inbox["parked"],
    }


def parked_for_account(account) -> list[dict]:
    """The console's list of an account's parked messages (both directions), with the ticket of
    each message's link where the link exists here (read inside the account's schema)."""
    from django_tenants.utils import schema_context

    with schema_context(account.schema_name):
        rows = parked_messages(account)
        keys = {
            str(link.pk): link.ticket.key
            for link in TicketLink.objects.filter(pk__in={r["link"] for r in rows}).select_related(
                "ticket__ticket_type"
            )
        }
    return [{**r, "ticket": keys.get(r["link"], "")} for r in rows]


def forward_targets(account, ticket) -> list[dict]:
    """Partners `ticket` may be forwarded to now (see forwarding.forward_targets: the same check)."""
    from .forwarding import forward_targets as targets

    return targets(account, ticket)
