"""Forwarding: a dispatcher (or a routing rule) hands a ticket to a partner; recall and decline."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import DomainError, InvalidInput, NotFound

from billing.licensing import Feature, ensure_feature
from tenant_apps import permissions as perms
from tenant_apps.desk import events
from tenant_apps.desk import routing as routing_actions
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import (
    Channel,
    Comment,
    EventKind,
    Ticket,
    TicketType,
)
from tenant_apps.people.models import User

from . import accounts, links, origin, outbox, partnerships, protocol
from .directory.models import Partnership, PartnershipState, Side
from .errors import NoActiveLink, NotForwardable, PartnershipNotActive
from .models import LinkRole, LinkState, MessageKind, TicketLink


def _location_name(ticket: Ticket) -> str:
    location = ticket.location
    if location is None:
        return ""
    names, node = [], location
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " / ".join(reversed(names))


def _share_payload(ticket: Ticket, note: str) -> dict:
    conversation = [
        {"author": c.author.full_name if c.author else "", "body": c.body, "at": protocol.iso(c.created_at)}
        for c in Comment.objects.filter(ticket=ticket, internal=False).select_related("author").order_by("id")
    ]
    return {
        "type": ticket.ticket_type.code,
        "ref": ticket.key,
        "title": ticket.title,
        "description": ticket.description,
        "priority": ticket.priority,
        "status": {"key": ticket.status.key, "name": ticket.status.name, "category": ticket.status.category},
        "location": _location_name(ticket),
        "company": ticket.company.name if ticket.company_id else "",
        "planned_start": protocol.iso(ticket.planned_start),
        "planned_finish": protocol.iso(ticket.planned_finish),
        "conversation": conversation,
        "note": note,
    }


def _check_forwardable(account, ticket: Ticket, partnership_id) -> Partnership:
    """The partnership a ticket may be forwarded on now, or the domain error saying why not."""
    try:
        p = partnerships.partnership_for(account, partnership_id)
    except NotFound:
        raise InvalidInput(fields={"partnership": [_("No such partnership.")]}) from None
    ensure_feature(Feature.FEDERATION, account)
    if p.side_of(account) != Side.REQUESTER:
        raise NotForwardable(_("Only the requesting side of a partnership forwards tickets."))
    if p.state != PartnershipState.ACTIVE:
        raise PartnershipNotActive()
    if ticket.ticket_type.code not in p.type_map:
        raise NotForwardable(
            _("Tickets of type “%(t)s” are not forwarded to this partner.") % {"t": ticket.ticket_type.name}
        )
    if not ticket.is_open:
        raise NotForwardable(_("Only open tickets are forwarded."))
    if TicketLink.objects.filter(ticket=ticket, partnership_id=p.pk, state=LinkState.ACTIVE).exists():
        raise NotForwardable(_("This ticket is already forwarded to this partner."))
    return p


def forward_targets(account, ticket: Ticket) -> list[dict[str, str]]:
    """The partnerships `ticket` may be forwarded on now, by the very check forwarding makes
    (`_check_forwardable`): the requesting side of an active partnership whose terms take the
    ticket's type, the ticket open and not already forwarded there, the plan with federation.
    What the ticket page asks before it offers the forward control."""
    out = []
    for p in partnerships.partnerships_of(account).filter(
        requester_account=account, state=PartnershipState.ACTIVE
    ):
        try:
            _check_forwardable(account, ticket, p.pk)
        except DomainError:
            continue
        partner = p.provider_account.name if p.provider_account_id else p.remote_name
        out.append({"partnership": str(p.pk), "partner": partner})
    return out


def _clean_note(note) -> str:
    note = (note or "").strip() if isinstance(note, str) or note is None else None
    if note is None:
        raise InvalidInput(fields={"note": [_("Send text.")]})
    if len(note) > 5000:
        raise InvalidInput(fields={"note": [_("Use at most 5000 characters.")]})
    return note


def _link_and_share(ticket: Ticket, p: Partnership, note: str, actor: User | None, **event) -> TicketLink:
    link = TicketLink.objects.create(ticket=ticket, partnership_id=p.pk, role=LinkRole.SENDER, note=note)
    outbox.queue_message(link, MessageKind.SHARE, _share_payload(ticket, note))
    partner = p.provider_account.name if p.provider_account_id else p.remote_name
    events.record(
        ticket,
        EventKind.FORWARDED,
        actor,
        public=False,
        link=str(link.pk),
        partner=partner,
        note=note,
        **event,
    )
    return link


@transaction.atomic
def forward_ticket(*, actor: User, ticket: Ticket, partnership_id, note: str = "") -> TicketLink:
    """A dispatcher hands the ticket to a partner: a link and its `share` message, one transaction."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied(_("Only dispatchers and account admins forward tickets."))
    account = accounts.current_account()
    ticket = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    p = _check_forwardable(account, ticket, partnership_id)
    return _link_and_share(ticket, p, _clean_note(note), actor)


@transaction.atomic
def forward_as_subticket(
    *,
    actor: User,
    ticket: Ticket,
    partnership_id,
    note: str = "",
    type_code: str = "",
    title: str = "",
) -> tuple[Ticket, TicketLink]:
    """A dispatcher hands part of the work to a partner in one step: a sub-ticket of `ticket`
    (its parent) of a type the partner takes, filed and forwarded in one transaction. The type
    defaults to the parent's when the partner takes it; the title to the parent's."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied(_("Only dispatchers and account admins forward tickets."))
    account = accounts.current_account()
    parent = desk.lock_ticket(ticket)
    if not perms.can_view_ticket(actor, parent):
        raise NotFound()
    try:
        p = partnerships.partnership_for(account, partnership_id)
    except NotFound:
        raise InvalidInput(fields={"partnership": [_("No such partnership.")]}) from None
    note = _clean_note(note)
    code = (type_code or "").strip() or parent.ticket_type.code
    if code not in p.type_map:
        raise InvalidInput(
            fields={
                "type": [
                    _("This partner takes tickets of these types: %(t)s.")
                    % {"t": ", ".join(sorted(p.type_map))}
                ]
            }
        )
    child_type = TicketType.objects.filter(code=code, is_active=True).first()
    if child_type is None:
        raise InvalidInput(fields={"type": [_("No such ticket type.")]})
    if len(title or "") > 300:
        raise InvalidInput(fields={"title": [_("Use at most 300 characters.")]})
    child = desk.file_ticket(
        actor=actor,
        ticket_type=child_type,
        title=(title or "").strip() or parent.title,
        description=parent.description,
        fields=parent.fields if child_type.pk == parent.ticket_type_id else {},
        priority=parent.priority,
        requester=parent.requester_id,
        company=parent.company_id,
        location=parent.location_id,
        equipment=parent.equipment_id,
        planned_start=parent.planned_start,
        planned_finish=parent.planned_finish,
        parent=parent,
    )
    # a routing rule may already have forwarded the new ticket to this very partner
    link = TicketLink.objects.filter(ticket=child, partnership_id=p.pk, state=LinkState.ACTIVE).first()
    if link is None:
        child = desk.lock_ticket(child)
        link = _link_and_share(child, _check_forwardable(account, child, p.pk), note, actor)
    partner = p.provider_account.name if p.provider_account_id else p.remote_name
    events.record(
        parent,
        EventKind.FEDERATION,
        actor,
        public=False,
        action="subticket_forwarded",
        subticket=child.key,
        subticket_id=child.pk,
        link=str(link.pk),
        partner=partner,
    )
    return child, link


def _validate_forward_action(spec: Any, conditions: dict) -> list[str]:
    """A routing rule's `forward` action, checked when the rule is saved: a partnership of this
    account (the requesting side), active, taking every type the rule is limited to."""
    if not isinstance(spec, dict) or set(spec) - {"partnership", "note"}:
        return [_('Send {"partnership": "<id>", "note": "<text>"}.')]
    account = accounts.current_account()
    try:
        p = partnerships.partnership_for(account, spec.get("partnership"))
    except NotFound:
        return [_("No such partnership.")]
    if p.side_of(account) != Side.REQUESTER:
        return [_("Only the requesting side of a partnership forwards tickets.")]
    if p.state != PartnershipState.ACTIVE:
        return [_("This partnership is not active.")]
    types = conditions.get("types") if isinstance(conditions, dict) else None
    if not types or not isinstance(types, list):
        return [
            _("Limit the rule to ticket types this partner takes: %(t)s.")
            % {"t": ", ".join(sorted(p.type_map))}
        ]
    refused = sorted({str(t) for t in types} - set(p.type_map))
    if refused:
        return [
            _("Tickets of these types are not forwarded to this partner: %(t)s.") % {"t": ", ".join(refused)}
        ]
    note = spec.get("note", "")
    if not isinstance(note, str) or len(note) > 5000:
        return [_("The note is text of at most 5000 characters.")]
    return []


def _forward_by_rule(ticket: Ticket, spec: dict, rule: dict) -> None:
    """Routing chose to forward a newly filed ticket. Filing never fails for it: a partnership
    suspended or ended since the rule was saved leaves the ticket here with an event saying why.
    Tickets that came from a partner are not forwarded by rules (two accounts' rules could
    otherwise pass tickets back and forth for ever); a dispatcher may still forward them."""
    routing = {"actor_name": _("Routing"), "rule": rule["rule"], "rule_id": rule["id"]}
    if ticket.channel == Channel.FEDERATION:
        events.record(
            ticket,
            EventKind.FEDERATION,
            None,
            public=False,
            action="forward_skipped",
            reason=_("Tickets received from a partner are not forwarded by routing rules."),
            **routing,
        )
        return
    try:
        with transaction.atomic():
            ticket = desk.lock_ticket(ticket)
            p = _check_forwardable(accounts.current_account(), ticket, spec.get("partnership"))
            _link_and_share(ticket, p, _clean_note(spec.get("note", "")), None, **routing)
    except DomainError as exc:
        events.record(
            ticket,
            EventKind.FEDERATION,
            None,
            public=False,
            action="forward_skipped",
            reason=str(exc.detail) + "".join(f" {m}" for msgs in exc.fields.values() for m in msgs),
            **routing,
        )


routing_actions.register_action("forward", validate=_validate_forward_action, apply=_forward_by_rule)


def _active_link(ticket: Ticket, role: str) -> TicketLink:
    link = TicketLink.objects.filter(ticket=ticket, role=role, state=LinkState.ACTIVE).first()
    if link is None:
        raise NoActiveLink()
    return link


@transaction.atomic
def recall_ticket(*, actor: User, ticket: Ticket, reason: str = "") -> TicketLink:
    """The forwarding side takes the ticket back: the partner's copy is cancelled there."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied()
    ticket = desk.lock_ticket(ticket)
    link = _active_link(ticket, LinkRole.SENDER)
    reason = (reason or "").strip()
    outbox.queue_message(link, MessageKind.RECALL, {"reason": reason, "author": actor.full_name})
    link.state, link.reason = LinkState.RECALLED, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    events.record(ticket, EventKind.FEDERATION, actor, public=False, action="recalled", reason=reason)
    return link


@transaction.atomic
def decline_ticket(*, actor: User, ticket: Ticket, reason: str) -> TicketLink:
    """The receiving side refuses a forwarded ticket, with a reason; its copy is cancelled here."""
    if not perms.can_forward(actor):
        raise desk.PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why the ticket is declined.")]})
    ticket = desk.lock_ticket(ticket)
    link = _active_link(ticket, LinkRole.RECEIVER)
    target = links.cancelled_status(ticket)
    if target is not None and target.pk != ticket.status_id:
        desk.move_as_system(ticket=ticket, target=target, origin=origin.acting_for(actor), note=_("Declined"))
    outbox.queue_message(link, MessageKind.DECLINE, {"reason": reason, "author": actor.full_name})
    link.state, link.reason = LinkState.DECLINED, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    events.record(ticket, EventKind.FEDERATION, actor, public=False, action="declined", reason=reason)
    return link
