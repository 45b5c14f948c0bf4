"""Checklists: templates per ticket type and stage, items on tickets, ticking them.

Items appear on a ticket when it is filed (templates without a stage) or when it enters the
template's stage, once per template. Each tick records who, when, an optional comment and photo,
and is a ticket event. Required items must be done before a transition into a status the template
lists in `required_for` (transition_ticket asks `unfinished_required`).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput, NotFound

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change

from . import configcache, events
from .models import ChecklistItem, ChecklistItemKind, ChecklistTemplate, EventKind, Status, Ticket, TicketType

MAX_ITEMS = 50


# ---------------------------------------------------------------------------- templates
@transaction.atomic
def save_template(
    *, actor=None, template: ChecklistTemplate | None, data: dict[str, Any]
) -> ChecklistTemplate:
    """`actor`: the account admin (checked, audited); None for the platform's default configuration."""
    ensure_allowed(actor, perms.can_configure_desk)
    created = template is None
    errors: dict[str, list[str]] = {}
    type_ref = data.get("ticket_type", getattr(template, "ticket_type_id", None))
    ticket_type = TicketType.objects.filter(pk=type_ref).first() if isinstance(type_ref, int) else None
    if ticket_type is None:
        errors["ticket_type"] = [_("No such ticket type.")]
    name = (data.get("name", getattr(template, "name", "")) or "").strip()
    if not name:
        errors["name"] = [_("This field is required.")]
    keys = (
        set(Status.objects.filter(workflow_id=ticket_type.workflow_id).values_list("key", flat=True))
        if ticket_type
        else set()
    )
    stage_key = data.get("stage", getattr(getattr(template, "stage", None), "key", None))
    if stage_key and ticket_type and stage_key not in keys:
        errors["stage"] = [_("No status “%(k)s” in this type's workflow.") % {"k": stage_key}]
    required_for = data.get("required_for", getattr(template, "required_for", []))
    if not isinstance(required_for, list) or (ticket_type and set(required_for) - keys):
        errors["required_for"] = [_("List status keys of this type's workflow.")]
    items = data.get("items", getattr(template, "items", []))
    cleaned = []
    if not isinstance(items, list) or not items:
        errors["items"] = [_("Give at least one item.")]
    elif len(items) > MAX_ITEMS:
        errors["items"] = [_("Use at most %(n)d items.") % {"n": MAX_ITEMS}]
    else:
        for i, item in enumerate(items):
            label = (item.get("label") or "").strip() if isinstance(item, dict) else ""
            kind = item.get("kind", ChecklistItemKind.CHECK) if isinstance(item, dict) else None
            if not label or len(label) > 300:
                errors[f"items.{i}.label"] = [_("Give a label of up to 300 characters.")]
            if kind not in ChecklistItemKind.values:
                errors[f"items.{i}.kind"] = [
                    _("Choose one of: %(k)s.") % {"k": ", ".join(ChecklistItemKind.values)}
                ]
            if not errors:
                cleaned.append({"label": label, "kind": kind, "required": bool(item.get("required"))})
    if errors:
        raise InvalidInput(fields=errors)
    template = template or ChecklistTemplate()
    template.ticket_type = ticket_type
    template.name = name
    template.stage = (
        Status.objects.get(workflow_id=ticket_type.workflow_id, key=stage_key) if stage_key else None
    )
    template.required_for = required_for
    template.items = cleaned
    template.order = data.get("order", template.order or 0)
    template.save()
    record_change(
        actor=actor,
        action="checklist_template.created" if created else "checklist_template.changed",
        target=template,
        details={"fields": sorted(data)},
    )
    return template


@transaction.atomic
def delete_template(*, actor=None, template: ChecklistTemplate) -> None:
    ensure_allowed(actor, perms.can_configure_desk)
    record_change(actor=actor, action="checklist_template.deleted", target=template)
    template.delete()  # items already on tickets stay, with who ticked them


# ---------------------------------------------------------------------------- items on tickets
def _instantiate(ticket: Ticket, *, stage_id: int | None, filing: bool = False) -> None:
    """Copy the templates of this stage onto the ticket, once per template. On filing, templates
    without a stage and those of the initial status come in one query (nothing is there yet)."""
    templates = configcache.current().checklist_templates(ticket.ticket_type_id)
    if filing:
        templates = [t for t in templates if t.stage_id is None or t.stage_id == stage_id]
    else:
        templates = [t for t in templates if t.stage_id == stage_id]
        if templates:
            present = set(ticket.checklist.values_list("template_id", flat=True).distinct())
            templates = [t for t in templates if t.pk not in present]
    rows = [
        ChecklistItem(
            ticket=ticket,
            template=t,
            checklist=t.name,
            position=i,
            label=item["label"],
            kind=item["kind"],
            required=item.get("required", False),
            required_for=t.required_for,
        )
        for t in templates
        for i, item in enumerate(t.items)
    ]
    if rows:
        ChecklistItem.objects.bulk_create(rows)


@events.reaction("checklists", kinds={EventKind.CREATED, EventKind.STATUS_CHANGED})
def _follow_ticket(event) -> None:
    if event.kind == EventKind.CREATED:
        _instantiate(event.ticket, stage_id=event.ticket.status_id, filing=True)
    elif event.kind == EventKind.STATUS_CHANGED:
        _instantiate(event.ticket, stage_id=event.ticket.status_id)


def unfinished_required(ticket: Ticket, target_key: str) -> list[str]:
    """Labels of required items not yet done that block a move into `target_key`."""
    return [
        item.label
        for item in ticket.checklist.filter(required=True, done=False)
        if target_key in (item.required_for or [])
    ]


def _clean_value(kind: str, value: Any) -> tuple[Any, bool]:
    """(stored value, done) for a tick; raises InvalidInput for a value of the wrong kind."""
    if value is None:
        return None, False
    if kind in (ChecklistItemKind.CHECK, ChecklistItemKind.YES_NO):
        if not isinstance(value, bool):
            raise InvalidInput(fields={"value": [_("Send true or false.")]})
        return value, value if kind == ChecklistItemKind.CHECK else True
    if kind == ChecklistItemKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidInput(fields={"value": [_("Send a number.")]})
        return value, True
    text = str(value).strip() if isinstance(value, str) else None
    if not text or len(text) > 5000:
        raise InvalidInput(fields={"value": [_("Write up to 5000 characters.")]})
    return text, True


@transaction.atomic
def tick(*, actor, ticket: Ticket, item_id: int, value: Any, comment: str = "", photo=None) -> ChecklistItem:
    """Record a checklist answer (None clears it). Who may change the ticket may tick."""
    from .services import PermissionDenied, add_attachment, lock_ticket

    ticket = lock_ticket(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    item = ticket.checklist.filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    if not perms.can_tick_checklist(actor, ticket):
        raise PermissionDenied(_("Only the people responsible for this ticket fill in its checklist."))
    stored, done = _clean_value(item.kind, value)
    comment = (comment or "").strip()
    if len(comment) > 5000:
        raise InvalidInput(fields={"comment": [_("Use at most 5000 characters.")]})
    if photo is not None:
        item.photo = add_attachment(actor=actor, ticket=ticket, upload=photo, internal=False)
    before = {"value": item.value, "done": item.done}
    item.value, item.done, item.comment = stored, done, comment or item.comment
    item.done_by, item.done_at = (actor, timezone.now()) if done else (None, None)
    item.save()
    ticket.save(update_fields=["updated_at"])
    events.record(
        ticket,
        EventKind.CHECKLIST_CHANGED,
        actor,
        public=True,
        item=item.pk,
        checklist=item.checklist,
        label=item.label,
        changes={"value": [before["value"], stored], "done": [before["done"], done]},
        comment=comment or None,
        photo=item.photo_id,
    )
    return item
