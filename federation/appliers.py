"""The receiving side's applier of each message kind, declared in the registry
(`registry.applies`): `apply(msg, link, partnership, local_side) -> TicketLink`, run by
`inbox.apply_ready` in a savepoint of its own, as the partner's change (`origin.inbound`). An
applier raises to park the message; on a link no longer active it notes that and does nothing.
The partner acts as its person here (`person.partner_person`) through desk services with
`actor=origin.acting_for(partner)` (the system actor "federation" for the partner's person).
"""

from __future__ import annotations

import base64

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps.desk import confirmation, events
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import (
    Channel,
    EventKind,
    Status,
    TicketType,
)

from . import files, links, origin, outbox, person, protocol, registry
from .directory.models import Partnership, Side
from .models import InboxMessage, LinkRole, LinkState, MessageKind, TicketLink


def _note_ignored(msg: InboxMessage, link: TicketLink) -> TicketLink:
    msg.error = f"ignored: the link is {link.state}"
    return link


def _signed(body: str, author: str | None) -> str:
    """The partner's text with its author's name under it. A text the desk would take is never
    refused for the name: it is shortened to make room (one longer than the desk takes is)."""
    if not author:
        return body
    suffix = f"\n\n— {str(author)[:150]}"
    room = desk.COMMENT_MAX_LENGTH - len(suffix)
    if room < len(body) <= desk.COMMENT_MAX_LENGTH:
        body = body[: room - 1] + "…"
    return body + suffix


def _require(link: TicketLink | None) -> TicketLink:
    if link is None:
        raise ValueError("no link: the share has not been applied")
    return link


@registry.applies(MessageKind.SHARE)
def _apply_share(msg: InboxMessage, link: TicketLink | None, p: Partnership, side: str) -> TicketLink:
    if link is not None:
        raise ValueError("the link already exists")
    d = msg.payload
    code = p.type_map.get(d.get("type"))
    ticket_type = TicketType.objects.filter(code=code, is_active=True).first()
    if ticket_type is None:
        raise InvalidInput(_("The mapped ticket type “%(t)s” does not exist here.") % {"t": code})
    partner = person.partner_person(p, side)
    description = d.get("description") or ""
    extra = [
        line
        for line in (
            _("Partner's ticket: %(ref)s") % {"ref": d.get("ref", "")},
            _("Location: %(l)s") % {"l": d["location"]} if d.get("location") else "",
            _("Client: %(c)s") % {"c": d["company"]} if d.get("company") else "",
            _("Note from the partner: %(n)s") % {"n": d["note"]} if d.get("note") else "",
        )
        if line
    ]
    description = "\n".join([description, "", *extra]).strip() if extra else description
    fields = {}
    if ticket_type.form_fields.filter(key="client_reference").exists():
        fields["client_reference"] = str(d.get("ref", ""))[:100]
    ticket = desk.file_ticket(
        actor=origin.acting_for(partner),
        ticket_type=ticket_type,
        title=(d.get("title") or _("Forwarded ticket"))[:300],
        description=description,
        fields=fields,
        priority=d.get("priority"),
        requester=partner,
        company=partner.company,
        planned_start=protocol.parse_datetime(d.get("planned_start")),
        planned_finish=protocol.parse_datetime(d.get("planned_finish")),
        channel=Channel.FEDERATION,
    )
    link = TicketLink.objects.create(
        id=msg.link_id,
        ticket=ticket,
        partnership_id=p.pk,
        role=LinkRole.RECEIVER,
        remote_ref=str(d.get("ref", ""))[:100],
        remote_status=((d.get("status") or {}).get("name") or "")[:100],
        note=d.get("note") or "",
    )
    for c in d.get("conversation") or []:
        body = (c.get("body") or "").strip()
        if body:
            desk.add_comment(
                actor=origin.acting_for(partner), ticket=ticket, body=_signed(body, c.get("author"))
            )
    events.record(
        ticket,
        EventKind.FEDERATION,
        partner,
        public=False,
        action="received",
        link=str(link.pk),
        ref=link.remote_ref,
        note=link.note,
    )
    ticket.refresh_from_db()
    # tell the forwarding side our number, who works on it and where it stands
    outbox.queue_message(
        link,
        MessageKind.UPDATE,
        {
            "ref": ticket.key,
            "assignee": ticket.assignee.full_name if ticket.assignee_id else "",
            "status": {"key": ticket.status.key, "name": ticket.status.name},
        },
    )
    return link


@registry.applies(MessageKind.COMMENT)
def _apply_comment(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    if (msg.payload.get("body") or "").strip():
        _apply_comments([msg], link, p, side)
    return link


@registry.applies_run(MessageKind.COMMENT)
def _apply_comments(msgs: list[InboxMessage], link: TicketLink, p: Partnership, side: str) -> TicketLink:
    """Comments with text, on an active link, as one change of the ticket."""
    desk.add_comments(
        actor=origin.acting_for(person.partner_person(p, side)),
        ticket=link.ticket,
        bodies=[_signed(m.payload["body"].strip(), m.payload.get("author")) for m in msgs],
    )
    return link


@registry.applies(MessageKind.STATUS)
def _apply_status(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    mapping = p.status_to_requester if side == Side.REQUESTER else p.status_to_provider
    link.remote_status = (d.get("name") or d.get("key") or "")[:100]
    link.save(update_fields=["remote_status", "updated_at"])
    target_key = mapping.get(d.get("key") or "")
    ticket = desk.lock_ticket(link.ticket)
    partner = person.partner_person(p, side)
    if target_key:
        target = Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, key=target_key).first()
        if target is None:
            raise InvalidInput(_("The mapped status “%(s)s” does not exist here.") % {"s": target_key})
        if target.pk != ticket.status_id:
            desk.move_as_system(
                ticket=ticket,
                target=target,
                origin=origin.acting_for(partner),
                note=_("Partner: %(s)s") % {"s": link.remote_status},
            )
    else:
        events.record(
            ticket,
            EventKind.FEDERATION,
            partner,
            public=False,
            action="partner_status",
            status=link.remote_status,
        )
    if (d.get("comment") or "").strip():
        desk.add_comment(
            actor=origin.acting_for(partner),
            ticket=ticket,
            body=_signed(d["comment"].strip(), d.get("author")),
        )
    return link


@registry.applies(MessageKind.UPDATE)
def _apply_update(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    partner = person.partner_person(p, side)
    changed = []
    for name, field in (("ref", "remote_ref"), ("assignee", "remote_assignee")):
        if name in d and str(d[name] or "")[:150] != getattr(link, field):
            setattr(link, field, str(d[name] or "")[:150])
            changed.append(field)
    if isinstance(d.get("status"), dict):
        link.remote_status = (d["status"].get("name") or "")[:100]
        changed.append("remote_status")
    if changed:
        link.save(update_fields=[*changed, "updated_at"])
        if "remote_assignee" in changed:
            events.record(
                desk.lock_ticket(link.ticket),
                EventKind.FEDERATION,
                partner,
                public=False,
                action="partner_assignee",
                assignee=link.remote_assignee,
            )
    dates = {k: protocol.parse_datetime(d[k]) for k in ("planned_start", "planned_finish") if k in d}
    if dates:
        desk.update_ticket(actor=origin.acting_for(partner), ticket=link.ticket, changes=dates)
    return link


@registry.applies(MessageKind.CHECKLIST)
def _apply_checklist(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    item = {k: d.get(k) for k in ("checklist", "label", "value", "done", "comment", "author")}
    rows = [
        r
        for r in link.remote_checklist
        if (r.get("checklist"), r.get("label")) != (item["checklist"], item["label"])
    ]
    link.remote_checklist = [*rows, item]
    link.save(update_fields=["remote_checklist", "updated_at"])
    events.record(
        desk.lock_ticket(link.ticket),
        EventKind.FEDERATION,
        person.partner_person(p, side),
        public=False,
        action="partner_checklist",
        **{k: item[k] for k in ("checklist", "label", "value", "done")},
    )
    return link


@registry.applies(MessageKind.CONFIRMATION)
def _apply_confirmation(msg, link, p, side):
    """The requester side confirmed, returned or rated the work: recorded on this side's ticket
    (its status arrives as a status message of its own)."""
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    confirmation.apply_partner_answer(
        ticket=link.ticket, actor=person.partner_person(p, side), answer=msg.payload
    )
    return link


@registry.applies(MessageKind.ATTACHMENT)
def _apply_attachment(msg, link, p, side):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    d = msg.payload
    if int(d.get("size") or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValueError("the partner's file is larger than the limit")
    content = base64.b64decode(d["data"], validate=True) if d.get("data") else files.fetch(d.get("url") or "")
    upload = SimpleUploadedFile(str(d.get("name") or "file")[:200], content)
    desk.add_attachment(
        actor=origin.acting_for(person.partner_person(p, side)), ticket=link.ticket, upload=upload
    )
    return link


def _end_link(msg, link, p, side, *, state: str, action: str, cancel: bool):
    link = _require(link)
    if link.state != LinkState.ACTIVE:
        return _note_ignored(msg, link)
    reason = msg.payload.get("reason") or ""
    partner = person.partner_person(p, side)
    ticket = desk.lock_ticket(link.ticket)
    link.state, link.reason = state, reason
    link.save(update_fields=["state", "reason", "updated_at"])
    if cancel:
        target = links.cancelled_status(ticket)
        if target is not None and target.pk != ticket.status_id and ticket.is_open:
            desk.move_as_system(ticket=ticket, target=target, origin=origin.acting_for(partner), note=action)
    events.record(ticket, EventKind.FEDERATION, partner, public=False, action=action, reason=reason)
    return link


@registry.applies(MessageKind.RECALL)
def _apply_recall(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.RECALLED, action="recalled", cancel=True)


@registry.applies(MessageKind.DECLINE)
def _apply_decline(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.DECLINED, action="declined", cancel=False)


@registry.applies(MessageKind.UNSHARE)
def _apply_unshare(msg, link, p, side):
    return _end_link(msg, link, p, side, state=LinkState.ORPHANED, action="orphaned", cancel=False)
