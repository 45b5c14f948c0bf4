"""Writes to the desk's configuration: workflows, ticket types with their forms, routing rules.

A workflow is edited as one document (statuses + transitions) and saved atomically. Edits that
would strand tickets are refused: a status that tickets are in cannot be removed, and every status
that is not closed or cancelled must keep a way out.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import DomainError, InvalidInput, NotFound

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change
from tenant_apps.people.models import ResponsibilityGroup, Role, User

from .models import (
    TERMINAL_CATEGORIES,
    Category,
    DeskSettings,
    FieldKind,
    FormField,
    Priority,
    RoutingRule,
    Status,
    TicketType,
    Transition,
    Workflow,
)
from .routing import validate_rule

_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")

ROLE_VALUES = set(Role.values) | {"requester"}


class WorkflowInUse(DomainError):
    code = "workflow_in_use"
    status = 409


def _validate_answers(statuses: list[dict], confirm_status: str, return_status: str) -> dict[str, list[str]]:
    """Where the requester's confirmation and return lead: a closed status and an open one, both
    named or neither (then the workflow's tickets are not confirmed by their requesters)."""
    errors: dict[str, list[str]] = {}
    categories = {s.get("key"): s.get("category") for s in statuses}
    if bool(confirm_status) != bool(return_status):
        errors["confirm_status" if not confirm_status else "return_status"] = [
            _("Name both the status a confirmation leads to and the one a return leads to, or neither.")
        ]
        return errors
    if confirm_status and categories.get(confirm_status) != Category.CLOSED:
        errors["confirm_status"] = [_("Choose a status of this workflow in the “closed” category.")]
    if return_status and categories.get(return_status) not in (Category.NEW, Category.OPEN, Category.WAITING):
        errors["return_status"] = [_("Choose a status of this workflow in a new, open or waiting category.")]
    return errors


def _validate_workflow_document(statuses: list[dict], transitions: list[dict]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    keys = [s.get("key") for s in statuses]
    if not statuses:
        errors["statuses"] = [_("A workflow needs at least one status.")]
        return errors
    if len(set(keys)) != len(keys) or any(not k for k in keys):
        errors["statuses"] = [_("Every status needs a unique key.")]
    for i, s in enumerate(statuses):
        if s.get("category") not in Category.values:
            errors[f"statuses.{i}.category"] = [
                _("Choose one of: %(c)s.") % {"c": ", ".join(Category.values)}
            ]
        if not s.get("name"):
            errors[f"statuses.{i}.name"] = [_("This field is required.")]
        if s.get("color") and not _HEX_COLOR.fullmatch(str(s["color"])):
            errors[f"statuses.{i}.color"] = [_("Give a colour as #RRGGBB, or leave it empty.")]
    if sum(1 for s in statuses if s.get("is_initial")) != 1:
        errors["statuses"] = errors.get("statuses", []) + [_("Exactly one status must be initial.")]
    pairs = set()
    for i, t in enumerate(transitions):
        src, dst = t.get("source"), t.get("target")
        if src not in keys or dst not in keys:
            errors[f"transitions.{i}"] = [_("Source and target must be status keys of this workflow.")]
            continue
        if src == dst:
            errors[f"transitions.{i}"] = [_("A transition must change the status.")]
        if (src, dst) in pairs:
            errors[f"transitions.{i}"] = [_("This transition is defined twice.")]
        pairs.add((src, dst))
        bad_roles = set(t.get("allowed_roles") or []) - ROLE_VALUES
        if bad_roles:
            errors[f"transitions.{i}.allowed_roles"] = [
                _("Unknown roles: %(r)s.") % {"r": ", ".join(sorted(bad_roles))}
            ]
        if not t.get("name"):
            errors[f"transitions.{i}.name"] = [_("This field is required.")]
    if errors:
        return errors
    outgoing = {src for src, _dst in pairs}
    stuck = [
        s["key"] for s in statuses if s["category"] not in TERMINAL_CATEGORIES and s["key"] not in outgoing
    ]
    if stuck:
        errors["transitions"] = [_("These statuses would have no way out: %(s)s.") % {"s": ", ".join(stuck)}]
    return errors


@transaction.atomic
def save_workflow(
    *,
    actor: User | None = None,
    workflow: Workflow | None,
    code: str,
    name: str,
    statuses: list[dict],
    transitions: list[dict],
    confirm_status: str | None = None,
    return_status: str | None = None,
) -> Workflow:
    """Create or replace a workflow's statuses and transitions (matched by status key), and where
    the requester's confirmation and return lead (None: kept as they are). `actor`: the account
    admin (checked, audited); None for the platform's default configuration."""
    ensure_allowed(actor, perms.can_configure_desk)
    created = workflow is None
    errors = _validate_workflow_document(statuses, transitions)
    if confirm_status is None and return_status is None and workflow is not None:
        confirm_status, return_status = workflow.confirm_status, workflow.return_status
        if not errors and (
            _validate_answers(statuses, confirm_status, return_status) if confirm_status else {}
        ):
            confirm_status = return_status = ""  # the statuses they named are gone or changed
    confirm_status, return_status = confirm_status or "", return_status or ""
    if not errors:
        errors.update(_validate_answers(statuses, confirm_status, return_status))
    if not code:
        errors["code"] = [_("This field is required.")]
    elif Workflow.objects.filter(code=code).exclude(pk=getattr(workflow, "pk", None)).exists():
        errors["code"] = [_("Another workflow has this code.")]
    if errors:
        raise InvalidInput(fields=errors)
    if workflow is None:
        workflow = Workflow.objects.create(
            code=code, name=name or code, confirm_status=confirm_status, return_status=return_status
        )
    else:
        workflow = Workflow.objects.select_for_update().get(pk=workflow.pk)
        workflow.code, workflow.name = code, name or code
        workflow.confirm_status, workflow.return_status = confirm_status, return_status
        workflow.save()
    existing = {s.key: s for s in workflow.statuses.all()}
    wanted = {s["key"] for s in statuses}
    removed = [s for key, s in existing.items() if key not in wanted]
    in_use = [s.key for s in removed if s.tickets.exists()]
    if in_use:
        raise WorkflowInUse(
            _("Tickets are in these statuses, so they cannot be removed: %(s)s.") % {"s": ", ".join(in_use)},
            fields={"statuses": [_("In use: %(s)s.") % {"s": ", ".join(in_use)}]},
        )
    workflow.transitions.all().delete()
    for status in removed:
        status.delete()
    Status.objects.filter(workflow=workflow).update(is_initial=False)
    by_key = {}
    for order, s in enumerate(statuses):
        obj = existing.get(s["key"]) or Status(workflow=workflow, key=s["key"])
        obj.name, obj.category, obj.is_initial, obj.order = (
            s["name"],
            s["category"],
            bool(s.get("is_initial")),
            order,
        )
        obj.color = (s.get("color") or "").upper()
        obj.save()
        by_key[s["key"]] = obj
        # tickets already in a status whose category changed follow it
        obj.tickets.exclude(category=obj.category).update(
            category=obj.category, is_open=obj.category in (Category.NEW, Category.OPEN, Category.WAITING)
        )
    group_errors = {}
    for order, t in enumerate(transitions):
        groups = list(ResponsibilityGroup.objects.filter(pk__in=t.get("allowed_groups") or []))
        if len(groups) != len(set(t.get("allowed_groups") or [])):
            group_errors[f"transitions.{order}.allowed_groups"] = [_("Unknown groups.")]
        set_group = (
            ResponsibilityGroup.objects.filter(pk=t.get("set_group")).first() if t.get("set_group") else None
        )
        set_assignee = (
            User.objects.filter(pk=t.get("set_assignee")).first() if t.get("set_assignee") else None
        )
        if t.get("set_group") and set_group is None:
            group_errors[f"transitions.{order}.set_group"] = [_("No such group.")]
        if t.get("set_assignee") and set_assignee is None:
            group_errors[f"transitions.{order}.set_assignee"] = [_("No such person.")]
        transition = Transition.objects.create(
            workflow=workflow,
            source=by_key[t["source"]],
            target=by_key[t["target"]],
            name=t["name"],
            allowed_roles=t.get("allowed_roles") or [],
            comment_required=bool(t.get("comment_required")),
            required_fields=t.get("required_fields") or [],
            set_group=set_group,
            set_assignee=set_assignee,
            clear_assignee=bool(t.get("clear_assignee")),
            order=order,
        )
        transition.allowed_groups.set(groups)
    if group_errors:
        raise InvalidInput(fields=group_errors)
    record_change(
        actor=actor,
        action="workflow.created" if created else "workflow.changed",
        target=workflow,
        details={"statuses": len(statuses), "transitions": len(transitions)},
    )
    return workflow


def _validate_form(fields: list[dict]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    keys = [f.get("key") for f in fields]
    if len(set(keys)) != len(keys) or any(not k for k in keys):
        errors["form_fields"] = [_("Every field needs a unique key.")]
    for i, f in enumerate(fields):
        if f.get("kind") not in FieldKind.values:
            errors[f"form_fields.{i}.kind"] = [
                _("Choose one of: %(k)s.") % {"k": ", ".join(FieldKind.values)}
            ]
        if f.get("kind") in (FieldKind.CHOICE, FieldKind.MULTI_CHOICE) and not f.get("choices"):
            errors[f"form_fields.{i}.choices"] = [_("A choice field needs choices.")]
        if not f.get("label"):
            errors[f"form_fields.{i}.label"] = [_("This field is required.")]
    return errors


@transaction.atomic
def save_ticket_type(
    *, actor: User | None = None, ticket_type: TicketType | None, data: dict[str, Any]
) -> TicketType:
    """Create or update a ticket type and replace its form (fields matched by key). `actor`: the
    account admin (checked, audited); None for the platform's default configuration."""
    ensure_allowed(actor, perms.can_configure_desk)
    created = ticket_type is None
    fields = sorted([*data, *(["form_fields"] if "form_fields" in data else [])])
    errors: dict[str, list[str]] = {}
    form = data.pop("form_fields", None)
    if form is not None:
        errors.update(_validate_form(form))
    for name in ("code", "name", "prefix"):
        if name in data and not data[name]:
            errors[name] = [_("This field is required.")]
    if ticket_type is None:
        for name in ("code", "name", "prefix", "workflow"):
            if not data.get(name):
                errors.setdefault(name, [_("This field is required.")])
    for name in ("code", "prefix"):
        if (
            data.get(name)
            and TicketType.objects.filter(**{name: data[name]})
            .exclude(pk=getattr(ticket_type, "pk", None))
            .exists()
        ):
            errors[name] = [_("Another ticket type uses this.")]
    days = data.get("auto_confirm_days")
    if days is not None and not (isinstance(days, int) and 0 <= days <= 365):
        errors["auto_confirm_days"] = [_("Use a number of days from 0 (never) to 365, or leave it empty.")]
    if "default_priority" in data and data["default_priority"] not in Priority.values:
        errors["default_priority"] = [_("Unknown priority.")]
    if set(data.get("filing_roles") or []) - set(Role.values):
        errors["filing_roles"] = [_("Unknown roles.")]
    if ticket_type is not None and data.get("workflow") and data["workflow"] != ticket_type.workflow:
        if ticket_type.tickets.filter(is_open=True).exists():
            errors["workflow"] = [_("Open tickets use this type's workflow; close them or add a new type.")]
    if errors:
        raise InvalidInput(fields=errors)
    ticket_type = ticket_type or TicketType()
    for name, value in data.items():
        setattr(ticket_type, name, value)
    ticket_type.save()
    if form is not None:
        existing = {f.key: f for f in ticket_type.form_fields.all()}
        wanted = {f["key"] for f in form}
        ticket_type.form_fields.exclude(key__in=wanted).delete()
        for order, spec in enumerate(form):
            obj = existing.get(spec["key"]) or FormField(ticket_type=ticket_type, key=spec["key"])
            for name in (
                "label",
                "kind",
                "required",
                "choices",
                "min_value",
                "max_value",
                "max_length",
                "help_text",
            ):
                if name in spec:
                    setattr(obj, name, spec[name])
            obj.order = order
            obj.save()
    record_change(
        actor=actor,
        action="ticket_type.created" if created else "ticket_type.changed",
        target=ticket_type,
        details={"fields": sorted(set(fields))},
    )
    return ticket_type


@transaction.atomic
def save_routing_rule(
    *, actor: User | None = None, rule: RoutingRule | None, data: dict[str, Any]
) -> RoutingRule:
    ensure_allowed(actor, perms.can_configure_desk)
    created = rule is None
    conditions = data.get("conditions", rule.conditions if rule else {})
    actions = data.get("actions", rule.actions if rule else {})
    errors = validate_rule(conditions, actions)
    if not (data.get("name") or (rule and rule.name)):
        errors["name"] = [_("This field is required.")]
    if errors:
        raise InvalidInput(fields=errors)
    rule = rule or RoutingRule()
    for name, value in data.items():
        setattr(rule, name, value)
    rule.save()
    record_change(
        actor=actor,
        action="routing_rule.created" if created else "routing_rule.changed",
        target=rule,
        details={"fields": sorted(data)},
    )
    return rule


@transaction.atomic
def delete_routing_rule(*, actor: User | None = None, rule: RoutingRule) -> None:
    ensure_allowed(actor, perms.can_configure_desk)
    record_change(actor=actor, action="routing_rule.deleted", target=rule)
    rule.delete()


@transaction.atomic
def save_desk_settings(*, actor: User | None = None, auto_confirm_days) -> DeskSettings:
    """The account's desk-wide settings: how many days resolved work waits for its requester before
    it is confirmed automatically (0: never; a ticket type may say otherwise)."""
    ensure_allowed(actor, perms.can_configure_desk)
    if (
        isinstance(auto_confirm_days, bool)
        or not isinstance(auto_confirm_days, int)
        or not (0 <= auto_confirm_days <= 365)
    ):
        raise InvalidInput(fields={"auto_confirm_days": [_("Use a number of days from 0 (never) to 365.")]})
    settings_row, _made = DeskSettings.objects.select_for_update().get_or_create(pk=1)
    before = settings_row.auto_confirm_days
    settings_row.auto_confirm_days = auto_confirm_days
    settings_row.save()
    record_change(
        actor=actor,
        action="desk_settings.changed",
        details={"auto_confirm_days": {"from": before, "to": auto_confirm_days}},
    )
    return settings_row


def desk_settings() -> DeskSettings:
    return DeskSettings.objects.filter(pk=1).first() or DeskSettings(pk=1)


@transaction.atomic
def delete_ticket_type(*, actor: User | None = None, ticket_type: TicketType) -> None:
    ensure_allowed(actor, perms.can_configure_desk)
    if ticket_type.tickets.exists():
        raise InvalidInput(fields={"type": [_("Tickets of this type exist; deactivate it instead.")]})
    record_change(actor=actor, action="ticket_type.deleted", target=ticket_type)
    ticket_type.delete()


@transaction.atomic
def delete_workflow(*, actor: User | None = None, workflow: Workflow) -> None:
    ensure_allowed(actor, perms.can_configure_desk)
    if workflow.ticket_types.exists():
        raise InvalidInput(fields={"workflow": [_("Ticket types use this workflow.")]})
    record_change(actor=actor, action="workflow.deleted", target=workflow)
    workflow.delete()


def save_saved_view(*, owner, view, data: dict):
    """Create or change a saved view. Private to its owner; agents may share theirs with agents."""
    from tenant_apps import permissions as perms

    from .models import SavedView

    if view is not None and view.owner_id != owner.pk:
        raise NotFound()
    if data.get("shared") and not perms.is_agent(owner):
        raise InvalidInput(fields={"shared": [_("Only the desk's staff share views.")]})
    view = view or SavedView(owner=owner)
    for name, value in data.items():
        setattr(view, name, value)
    view.save()
    return view


def delete_saved_view(*, owner, view) -> None:
    if view.owner_id != owner.pk:
        raise NotFound()
    view.delete()
