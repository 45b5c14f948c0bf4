"""The desk every new account starts with, by account kind.

Installed once per kind into the template schemas (tenants_shared/accounts/template.py), so a
sign-up copies it with the schema instead of building it: it costs nothing per account. Any change
to this file changes the template fingerprint, and templates are rebuilt on the next deploy.
Everything goes through the configuration services, so defaults obey the same rules as edits.

Names are installed in English; `localize_defaults` then names them in the new account's language
(the account's language at sign-up), looking each up in default_names.py (Russian in
locale/ru). Provisioning calls it for every new account, cloned or migrated.
"""

from __future__ import annotations

from tenant_apps.people.models import ResponsibilityGroup, Role

from .config import save_routing_rule, save_ticket_type, save_workflow
from .models import Priority, TicketType

REQUESTERS = [Role.KEY_USER, Role.EMPLOYEE]
EVERYONE = [Role.KEY_USER, Role.EMPLOYEE, Role.VISITOR, Role.DISPATCHER, Role.ENGINEER, Role.GUARD]
AGENT_FILERS = [Role.DISPATCHER, Role.ENGINEER, Role.GUARD]


def _incident_workflow():
    return save_workflow(
        workflow=None,
        code="incident",
        confirm_status="closed",
        return_status="in_progress",
        name="Incident",
        statuses=[
            {"key": "new", "name": "New", "category": "new", "is_initial": True},
            {"key": "in_progress", "name": "In progress", "category": "open"},
            {"key": "waiting", "name": "Waiting", "category": "waiting"},
            {"key": "resolved", "name": "Resolved", "category": "resolved"},
            {"key": "closed", "name": "Closed", "category": "closed"},
            {"key": "cancelled", "name": "Cancelled", "category": "cancelled"},
        ],
        transitions=[
            {"source": "new", "target": "in_progress", "name": "Take into work"},
            {
                "source": "new",
                "target": "cancelled",
                "name": "Cancel",
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
            {
                "source": "in_progress",
                "target": "waiting",
                "name": "Wait (parts, access, contractor)",
                "comment_required": True,
            },
            {"source": "waiting", "target": "in_progress", "name": "Resume"},
            {"source": "in_progress", "target": "resolved", "name": "Resolve", "comment_required": True},
            {
                "source": "resolved",
                "target": "closed",
                "name": "Confirm",
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
            {
                "source": "resolved",
                "target": "in_progress",
                "name": "Return for rework",
                "comment_required": True,
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
        ],
    )


def _request_workflow(review_group: ResponsibilityGroup, done_group: ResponsibilityGroup | None = None):
    return save_workflow(
        workflow=None,
        code="request",
        confirm_status="closed",
        return_status="approved",
        name="Request with review",
        statuses=[
            {"key": "submitted", "name": "Submitted", "category": "new", "is_initial": True},
            {"key": "in_review", "name": "In review", "category": "open"},
            {"key": "approved", "name": "Approved", "category": "open"},
            {"key": "rejected", "name": "Rejected", "category": "cancelled"},
            {"key": "completed", "name": "Completed", "category": "resolved"},
            {"key": "closed", "name": "Closed", "category": "closed"},
            {"key": "withdrawn", "name": "Withdrawn", "category": "cancelled"},
        ],
        transitions=[
            {
                "source": "submitted",
                "target": "in_review",
                "name": "Start review",
                "set_group": review_group.pk,
            },
            {
                "source": "submitted",
                "target": "withdrawn",
                "name": "Withdraw",
                "allowed_roles": ["requester"],
            },
            {
                "source": "in_review",
                "target": "approved",
                "name": "Approve",
                "allowed_roles": [Role.APPROVER, Role.DISPATCHER, Role.ACCOUNT_ADMIN],
                **({"set_group": done_group.pk, "clear_assignee": True} if done_group else {}),
            },
            {
                "source": "in_review",
                "target": "rejected",
                "name": "Reject",
                "comment_required": True,
                "allowed_roles": [Role.APPROVER, Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
            {"source": "approved", "target": "completed", "name": "Complete"},
            {
                "source": "completed",
                "target": "closed",
                "name": "Close",
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
        ],
    )


def _approval_workflow():
    """Tenant activities that the mall's services approve (tenant_apps.approvals moves the ticket
    between the first five statuses; people move it on from "approved")."""
    requester_or_desk = ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN]
    return save_workflow(
        workflow=None,
        code="approval",
        confirm_status="closed",
        return_status="approved",
        name="Request with approval",
        statuses=[
            {"key": "pending_approval", "name": "Pending approval", "category": "new", "is_initial": True},
            {"key": "needs_rework", "name": "Needs rework", "category": "waiting"},
            {"key": "approved", "name": "Approved", "category": "open"},
            {"key": "approved_with_remarks", "name": "Approved with remarks", "category": "open"},
            {"key": "rejected", "name": "Rejected", "category": "cancelled"},
            {"key": "completed", "name": "Completed", "category": "resolved"},
            {"key": "closed", "name": "Closed", "category": "closed"},
            {"key": "withdrawn", "name": "Withdrawn", "category": "cancelled"},
        ],
        transitions=[
            {
                "source": "pending_approval",
                "target": "withdrawn",
                "name": "Withdraw",
                "allowed_roles": ["requester"],
            },
            {
                "source": "needs_rework",
                "target": "withdrawn",
                "name": "Withdraw",
                "allowed_roles": ["requester"],
            },
            {"source": "approved", "target": "completed", "name": "Complete"},
            {"source": "approved_with_remarks", "target": "completed", "name": "Complete"},
            {"source": "completed", "target": "closed", "name": "Close", "allowed_roles": requester_or_desk},
        ],
    )


def _policy(type_code: str, name: str, groups: list, *, approved_group=None, hours=None) -> None:
    from tenant_apps.approvals.services import save_policy

    save_policy(
        policy=None,
        data={
            "ticket_type": TicketType.objects.get(code=type_code),
            "name": name,
            "order": 10,  # room for narrower policies before it
            "approver_groups": [g.pk for g in groups],
            "pending_status": "pending_approval",
            "rework_status": "needs_rework",
            "approved_status": "approved",
            "remarks_status": "approved_with_remarks",
            "rejected_status": "rejected",
            "approved_group": approved_group.pk if approved_group else None,
            "deadline_hours": hours,
        },
    )


def _checklist(type_code: str, name: str, items: list[dict], required_for: list[str]) -> None:
    from .checklists import save_template

    save_template(
        template=None,
        data={
            "ticket_type": TicketType.objects.get(code=type_code).pk,
            "name": name,
            "required_for": required_for,
            "items": items,
        },
    )


def _groups(*specs: tuple[str, str]) -> dict[str, ResponsibilityGroup]:
    return {code: ResponsibilityGroup.objects.create(code=code, name=name) for code, name in specs}


def _type(code, name, prefix, workflow, filers, fields=(), priority=Priority.NORMAL, order=0, description=""):
    return save_ticket_type(
        ticket_type=None,
        data={
            "code": code,
            "name": name,
            "prefix": prefix,
            "workflow": workflow,
            "filing_roles": list(filers),
            "default_priority": priority,
            "order": order,
            "description": description,
            "form_fields": list(fields),
        },
    )


def _rule(name, order, types, group, assignee=None, **extra):
    actions = {"group": group.pk}
    if assignee:
        actions["assignee"] = {"mode": assignee}
    save_routing_rule(
        rule=None,
        data={"name": name, "order": order, "conditions": {"types": types}, "actions": actions, **extra},
    )


def install_mall_operator() -> None:
    g = _groups(
        ("operations", "Operations"),
        ("engineering", "Engineering"),
        ("plumbing", "Plumbing"),
        ("cleaning", "Cleaning"),
        ("security", "Security / Guards"),
        ("marketing", "Marketing"),
    )
    incident = _incident_workflow()
    request = _approval_workflow()
    when = {"key": "when", "label": "Noticed at", "kind": "datetime"}
    _type(
        "breakdown",
        "Breakdown",
        "BRK",
        incident,
        EVERYONE,
        [when],
        order=1,
        description="Something is broken: a door closer, lighting, an escalator.",
    )
    _type(
        "leak",
        "Leak",
        "LEAK",
        incident,
        EVERYONE,
        [
            {
                "key": "severity",
                "label": "How bad",
                "kind": "choice",
                "required": True,
                "choices": ["drip", "stream", "flood"],
            },
            when,
        ],
        priority=Priority.HIGH,
        order=2,
    )
    _type("dirt", "Cleaning needed", "CLN", incident, EVERYONE, [], order=3)
    _type(
        "climate",
        "Too hot / too cold",
        "CLM",
        incident,
        EVERYONE,
        [
            {
                "key": "feeling",
                "label": "It is",
                "kind": "choice",
                "required": True,
                "choices": ["too_hot", "too_cold"],
            },
            {
                "key": "temperature",
                "label": "Temperature, °C",
                "kind": "number",
                "min_value": -30,
                "max_value": 60,
            },
        ],
        order=4,
    )
    _type(
        "no_water",
        "No water",
        "WTR",
        incident,
        EVERYONE,
        [
            {
                "key": "hot_or_cold",
                "label": "Water",
                "kind": "choice",
                "required": True,
                "choices": ["hot", "cold", "both"],
            },
        ],
        priority=Priority.HIGH,
        order=5,
    )
    _type(
        "works_permit",
        "Works permit",
        "WRK",
        request,
        REQUESTERS,
        [
            {
                "key": "works_kind",
                "label": "Works",
                "kind": "choice",
                "required": True,
                "choices": ["repair", "electrical", "fit_out", "dismantling", "other"],
            },
            {"key": "start", "label": "Start", "kind": "datetime", "required": True},
            {"key": "finish", "label": "Finish", "kind": "datetime", "required": True},
            {"key": "contractor", "label": "Performed by", "kind": "text", "required": True},
            {"key": "hot_works", "label": "Hot works (welding, cutting)", "kind": "boolean"},
        ],
        order=10,
    )
    goods = [
        {"key": "when", "label": "Date and time", "kind": "datetime", "required": True},
        {"key": "goods", "label": "Goods", "kind": "long_text", "required": True},
        {"key": "vehicle_plate", "label": "Vehicle plate", "kind": "text", "max_length": 20},
        {"key": "loaders", "label": "Loaders", "kind": "number", "min_value": 0, "max_value": 50},
    ]
    _type("goods_in", "Goods move-in", "GIN", request, REQUESTERS, goods, order=11)
    _type("goods_out", "Goods move-out", "GOUT", request, REQUESTERS, goods, order=12)
    _type(
        "marketing_event",
        "Marketing event",
        "MKT",
        request,
        REQUESTERS,
        [
            {"key": "event_date", "label": "Event date", "kind": "date", "required": True},
            {"key": "place", "label": "Place in the mall", "kind": "text", "required": True},
        ],
        order=13,
    )
    _type(  # pass rows are written by tenant_apps.passes (holders, window, codes); see docs/passes.md
        "pass",
        "Pass request",
        "PASS",
        request,
        [*REQUESTERS, Role.GUARD],
        [
            {
                "key": "pass_kind",
                "label": "Pass",
                "kind": "choice",
                "required": True,
                "choices": ["permanent", "temporary"],
            },
            {"key": "person_name", "label": "Person or driver", "kind": "text", "required": True},
            {"key": "document", "label": "Document", "kind": "text"},
            {"key": "vehicle_plate", "label": "Vehicle plate", "kind": "text", "max_length": 20},
            {"key": "valid_from", "label": "Valid from", "kind": "date", "required": True},
            {"key": "valid_to", "label": "Valid to", "kind": "date"},
            {"key": "purpose", "label": "Purpose", "kind": "long_text", "max_length": 2000},
        ],
        order=14,
    )
    _rule("Leaks to plumbing", 10, ["leak", "no_water"], g["plumbing"], "least_open")
    _rule(
        "Breakdowns and climate to engineering", 20, ["breakdown", "climate"], g["engineering"], "least_open"
    )
    _rule("Cleaning", 30, ["dirt"], g["cleaning"], "round_robin")
    _rule("Works permits to engineering", 40, ["works_permit"], g["engineering"])
    _rule("Goods to operations", 50, ["goods_in", "goods_out"], g["operations"])
    _rule("Marketing events", 60, ["marketing_event"], g["marketing"])
    _rule("Passes to security", 70, ["pass"], g["security"])
    _policy("works_permit", "Works: engineering and security", [g["engineering"], g["security"]], hours=24)
    for code in ("goods_in", "goods_out"):
        _policy(code, "Goods: operations", [g["operations"]], approved_group=g["security"], hours=4)
    _policy(
        "marketing_event", "Events: marketing and operations", [g["marketing"], g["operations"]], hours=48
    )
    _policy("pass", "Passes: security", [g["security"]], approved_group=g["security"], hours=8)
    _checklist(
        "goods_in",
        "At the gate",
        [
            {"label": "Goods brought in", "kind": "check", "required": True},
            {"label": "Vehicle plate matches the request", "kind": "yes_no"},
            {"label": "Number of loaders", "kind": "number"},
        ],
        ["completed"],
    )
    _checklist(
        "goods_out",
        "At the gate",
        [
            {"label": "Goods taken out", "kind": "check", "required": True},
            {"label": "Vehicle plate matches the request", "kind": "yes_no"},
        ],
        ["completed"],
    )
    _checklist(
        "works_permit",
        "Before closing the works",
        [
            {"label": "Workplace cleaned", "kind": "check", "required": True},
            {"label": "Fire safety checked", "kind": "check", "required": True},
            {"label": "Notes for the next shift", "kind": "text"},
        ],
        ["completed"],
    )


def install_retail_chain() -> None:
    g = _groups(("facilities", "Facilities"), ("it", "IT"), ("purchasing", "Purchasing"), ("hr", "HR"))
    incident = _incident_workflow()
    request = _request_workflow(g["purchasing"])
    store_filers = [Role.EMPLOYEE, Role.KEY_USER, *AGENT_FILERS]
    _type(
        "maintenance",
        "Store maintenance",
        "MNT",
        incident,
        store_filers,
        [
            {
                "key": "equipment_kind",
                "label": "What",
                "kind": "choice",
                "required": True,
                "choices": ["refrigeration", "lighting", "hvac", "doors", "plumbing", "other"],
            },
        ],
        order=1,
    )
    _type(
        "it",
        "IT problem",
        "IT",
        incident,
        store_filers,
        [
            {
                "key": "system",
                "label": "System",
                "kind": "choice",
                "required": True,
                "choices": ["pos", "network", "computer", "printer", "pharmacy_system", "other"],
            },
        ],
        order=2,
    )
    _type(
        "purchase",
        "Purchase request",
        "PUR",
        request,
        store_filers,
        [
            {"key": "items", "label": "Items", "kind": "long_text", "required": True},
            {"key": "budget", "label": "Budget", "kind": "number", "min_value": 0},
        ],
        order=3,
    )
    _type(
        "hr",
        "HR request",
        "HR",
        request,
        store_filers,
        [
            {
                "key": "topic",
                "label": "Topic",
                "kind": "choice",
                "required": True,
                "choices": ["hiring", "schedule", "payroll", "vacation", "other"],
            },
        ],
        order=4,
    )
    _rule("Maintenance to facilities", 10, ["maintenance"], g["facilities"], "least_open")
    _rule("IT", 20, ["it"], g["it"], "least_open")
    _rule("HR", 30, ["hr"], g["hr"])


def install_contractor() -> None:
    g = _groups(("field_engineers", "Field engineers"), ("dispatch", "Dispatch"))
    workflow = save_workflow(
        workflow=None,
        code="work_order",
        confirm_status="closed",
        return_status="in_progress",
        name="Work order",
        statuses=[
            {"key": "new", "name": "New", "category": "new", "is_initial": True},
            {"key": "assigned", "name": "Assigned", "category": "open"},
            {"key": "in_progress", "name": "In progress", "category": "open"},
            {"key": "on_hold", "name": "On hold", "category": "waiting"},
            {"key": "done", "name": "Done", "category": "resolved"},
            {"key": "closed", "name": "Closed", "category": "closed"},
            {"key": "declined", "name": "Declined", "category": "cancelled"},
        ],
        transitions=[
            {"source": "new", "target": "assigned", "name": "Assign", "required_fields": ["assignee"]},
            {
                "source": "new",
                "target": "declined",
                "name": "Decline",
                "comment_required": True,
                "allowed_roles": [Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
            {"source": "assigned", "target": "in_progress", "name": "Start"},
            {"source": "in_progress", "target": "on_hold", "name": "Hold", "comment_required": True},
            {"source": "on_hold", "target": "in_progress", "name": "Resume"},
            {"source": "in_progress", "target": "done", "name": "Done", "comment_required": True},
            {
                "source": "done",
                "target": "closed",
                "name": "Close",
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
            {
                "source": "done",
                "target": "in_progress",
                "name": "Return",
                "comment_required": True,
                "allowed_roles": ["requester", Role.DISPATCHER, Role.ACCOUNT_ADMIN],
            },
        ],
    )
    _type(
        "work_order",
        "Work order",
        "WO",
        workflow,
        [Role.KEY_USER, Role.EMPLOYEE, *AGENT_FILERS],
        [
            {"key": "client_reference", "label": "Client's reference", "kind": "text", "max_length": 100},
        ],
        order=1,
    )
    _rule("Work orders to field engineers", 10, ["work_order"], g["field_engineers"], "least_open")


def install_other() -> None:
    g = _groups(("support", "Support"))
    incident = _incident_workflow()
    _type("request", "Request", "REQ", incident, EVERYONE, [], order=1)
    _rule("Everything to support", 10, ["request"], g["support"], "least_open")


INSTALLERS = {
    "mall_operator": install_mall_operator,
    "retail_chain": install_retail_chain,
    "contractor": install_contractor,
    "other": install_other,
}


def install_defaults(kind: str) -> None:
    INSTALLERS[kind]()


def localize_defaults(language: str) -> int:
    """Name the default desk of the current schema in `language`: types (and their descriptions and
    form labels), workflows, statuses, transitions, groups, routing rules, approval policies and
    checklists (names and items). Only names still equal to a default's English name change, so it
    is for a new account (provisioning), and a no-op in English. Returns how many rows changed."""
    from tenant_apps.approvals.models import ApprovalPolicy

    from .default_names import translations
    from .models import ChecklistTemplate, FormField, RoutingRule, Status, Transition, Workflow

    names = translations(language)
    if not names:
        return 0
    changed = 0
    plain = [
        (TicketType, ("name", "description")),
        (FormField, ("label",)),
        (Workflow, ("name",)),
        (Status, ("name",)),
        (Transition, ("name",)),
        (ResponsibilityGroup, ("name",)),
        (RoutingRule, ("name",)),
        (ApprovalPolicy, ("name",)),
    ]
    for model, fields in plain:
        rows = []
        for row in model.objects.all():
            touched = False
            for name in fields:
                local = names.get(getattr(row, name))
                if local is not None:
                    setattr(row, name, local)
                    touched = True
            if touched:
                rows.append(row)
        if rows:
            model.objects.bulk_update(rows, list(fields))
            changed += len(rows)
    templates = []
    for template in ChecklistTemplate.objects.all():
        template.name = names.get(template.name, template.name)
        template.items = [
            {**item, "label": names.get(item.get("label"), item.get("label"))} for item in template.items
        ]
        templates.append(template)
    if templates:
        ChecklistTemplate.objects.bulk_update(templates, ["name", "items"])
        changed += len(templates)
    return changed
