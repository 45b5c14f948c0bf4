"""The routing tester: which rules a draft ticket would meet and what they would do, written nowhere.

It runs the desk's own routing (`routing.route`, the code `services.file_ticket` runs on filing)
over an unsaved ticket built from a draft like the create payload, inside a savepoint that is
rolled back, so even a round-robin rule's turn is not consumed. Registered actions (e.g.
forwarding to a partner) are reported, never run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from . import configcache, routing
from .fields import clean_field_values
from .models import Channel, Priority, Ticket
from .services import _display, _resolve_references


def _explain(applied: list[dict[str, Any]], ticket: Ticket) -> str:
    """One line per applied rule, as a reader of the ticket's history would say it."""
    if not applied:
        return _("No rule matches: the ticket would be filed without a group or an assignee.")
    lines = []
    for step in applied:
        did = step["set"]
        parts = []
        if "group" in did:
            parts.append(_("group “%(v)s”") % {"v": did["group"]})
        if "assignee" in did:
            parts.append(_("assignee %(v)s") % {"v": did["assignee"]})
        if "priority" in did:
            parts.append(_("priority “%(v)s”") % {"v": Priority(did["priority"]).label})
        if did.get("watchers"):
            parts.append(_("%(n)d watcher(s)") % {"n": len(did["watchers"])})
        if "forward" in did:
            parts.append(_("forwarding to a partner account"))
        for name in did:
            if name not in ("group", "assignee", "assignee_mode", "priority", "watchers", "forward"):
                parts.append(name)
        lines.append(_("Rule “%(rule)s” sets %(what)s.") % {"rule": step["rule"], "what": ", ".join(parts)})
    return " ".join(lines)


def preview(
    *,
    ticket_type,
    title: str = "",
    description: str = "",
    fields: dict | None = None,
    priority: int | None = None,
    requester=None,
    company=None,
    location=None,
    equipment=None,
    channel: str = Channel.WEB,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    refs = _resolve_references(
        {"requester": requester, "company": company, "location": location, "equipment": equipment},
        errors,
    )
    if priority is not None and priority not in Priority.values:
        errors["priority"] = [_("Choose one of: %(p)s.") % {"p": ", ".join(map(str, Priority.values))}]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    # a draft: values given are checked as filing would, required ones may still be missing
    cleaned, field_errors = clean_field_values(
        configcache.current().form(ticket_type.pk), fields, partial=True
    )
    errors.update(field_errors)
    if errors:
        raise InvalidInput(fields=errors)
    requester_obj = refs["requester"]
    equipment_obj = refs["equipment"]
    ticket = Ticket(
        ticket_type=ticket_type,
        title=(title or "").strip(),
        description=description or "",
        priority=priority if priority is not None else ticket_type.default_priority,
        requester=requester_obj,
        company=refs["company"] or getattr(requester_obj, "company", None),
        location=refs["location"] or getattr(equipment_obj, "location", None),
        equipment=equipment_obj,
        fields=cleaned,
        channel=channel,
    )
    with transaction.atomic():
        outcome = routing.route(ticket, now=now)
        transaction.set_rollback(True)  # nothing routing touched (a round-robin turn) is kept
    first = outcome.applied[0] if outcome.applied else None
    return {
        "matched": bool(outcome.applied),
        "rule": {"id": first["id"], "name": first["rule"]} if first else None,
        "applied": outcome.applied,
        "result": {
            "group": _display(ticket.group),
            "assignee": _display(ticket.assignee),
            "priority": ticket.priority,
            "watchers": sorted(set(getattr(ticket, "_routing_watchers", []))),
        },
        "explanation": _explain(outcome.applied, ticket),
    }
