"""Writes to tickets. Each function is one transaction that records its TicketEvent(s)."""

from __future__ import annotations

import secrets
import uuid
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.uploads import accept_upload

from billing import licensing
from tenant_apps import permissions as perms
from tenant_apps.objects.models import Equipment, Location
from tenant_apps.people.models import Company, ResponsibilityGroup, User

from . import checklists, configcache, confirmation, events, routing, uploads
from .fields import clean_field_values
from .models import (
    OPEN_CATEGORIES,
    Attachment,
    BulkJob,
    BulkJobState,
    Category,
    Channel,
    Comment,
    EventKind,
    Priority,
    Status,
    Ticket,
    TicketType,
    Transition,
)
from .origin import Origin, as_origin


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_detail = gettext_lazy("You may not do this.")


class TicketClosed(DomainError):
    code = "ticket_closed"
    status = 409
    default_detail = gettext_lazy("This ticket is closed and can no longer be changed.")


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    status = 409
    default_detail = gettext_lazy("This ticket cannot move to that status.")


STANDARD_EDITABLE = (
    "title",
    "description",
    "priority",
    "company",
    "location",
    "equipment",
    "group",
    "assignee",
    "planned_start",
    "planned_finish",
    "parent",
)
REFERENCES = {
    "company": Company,
    "location": Location,
    "equipment": Equipment,
    "group": ResponsibilityGroup,
    "assignee": User,
    "requester": User,
    "parent": Ticket,
}


def _resolve_references(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    """Turn ids into objects of this account's schema; unknown ids become field messages."""
    out = {}
    for name, value in data.items():
        model = REFERENCES.get(name)
        if model is None or value is None or hasattr(value, "pk"):
            out[name] = value
            continue
        obj = (
            model.objects.filter(pk=value).first()
            if isinstance(value, int) and not isinstance(value, bool)
            else None
        )
        if obj is None:
            errors[name] = [_("No such item.")]
        out[name] = obj
    return out


def _check_standard(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    if "title" in data and not (data["title"] or "").strip():
        errors["title"] = [_("This field is required.")]
    if "priority" in data and data["priority"] not in Priority.values:
        errors["priority"] = [_("Choose one of: %(p)s.") % {"p": ", ".join(map(str, Priority.values))}]
    assignee = data.get("assignee")
    if assignee is not None and getattr(assignee, "pk", None) and not assignee.is_agent:
        errors["assignee"] = [_("Only agents can be responsible for a ticket.")]
    start, finish = data.get("planned_start"), data.get("planned_finish")
    if start and finish and finish < start:
        errors["planned_finish"] = [_("The planned finish is before the planned start.")]
    equipment, location = data.get("equipment"), data.get("location")
    if (
        equipment is not None
        and getattr(equipment, "pk", None)
        and location is None
        and equipment.location_id
    ):
        data["location"] = equipment.location


def refresh_search(ticket_id: int, *, touch: Ticket | None = None) -> None:
    """Rebuild the ticket's full-text vector (Russian and English) from title, description and
    public comments. `touch`: the ticket instance, whose `updated_at` is set now in the same
    statement."""
    touched = ""
    params: list = [ticket_id, ticket_id]
    if touch is not None:
        touch.updated_at = timezone.now()
        touched, params = "updated_at = %s, ", [touch.updated_at, ticket_id, ticket_id]
    with connection.cursor() as cur:
        cur.execute(
            """
            UPDATE desk_ticket t SET """
            + touched
            + """search =
                setweight(to_tsvector('russian', coalesce(t.title, '')), 'A')
             || setweight(to_tsvector('english', coalesce(t.title, '')), 'A')
             || setweight(to_tsvector('russian', coalesce(t.description, '')), 'B')
             || setweight(to_tsvector('english', coalesce(t.description, '')), 'B')
             || setweight(to_tsvector('russian', coalesce(c.body, '')), 'C')
             || setweight(to_tsvector('english', coalesce(c.body, '')), 'C')
              FROM (SELECT string_agg(body, ' ') AS body FROM desk_comment
                     WHERE ticket_id = %s AND NOT internal) c
             WHERE t.id = %s
            """,
            params,
        )


_VECTOR_SQL = (
    "setweight(to_tsvector('russian', %s), 'A') || setweight(to_tsvector('english', %s), 'A')"
    " || setweight(to_tsvector('russian', %s), 'B') || setweight(to_tsvector('english', %s), 'B')"
)


def _search_vector(title: str, description: str) -> RawSQL:
    """The vector refresh_search would compute for a ticket with no comments yet."""
    return RawSQL(_VECTOR_SQL, [title, title, description, description])


def _next_number() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval('desk_ticket_number_seq')")
        return cur.fetchone()[0]


def _set_status(ticket: Ticket, status: Status) -> None:
    ticket.status = status
    ticket.category = status.category
    ticket.is_open = status.category in OPEN_CATEGORIES
    now = timezone.now()
    if status.category == Category.RESOLVED and ticket.resolved_at is None:
        ticket.resolved_at = now
    if status.category in (Category.CLOSED, Category.CANCELLED):
        ticket.closed_at = now
    if status.category in OPEN_CATEGORIES:
        ticket.resolved_at = None
        ticket.closed_at = None
    confirmation.status_entered(ticket, status, now)


def _display(value: Any) -> Any:
    if value is None:
        return None
    if hasattr(value, "pk"):
        return {"id": value.pk, "name": str(value)}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@configcache.scope()  # the configuration version is read once for the whole filing
@transaction.atomic
def file_ticket(
    *,
    actor: User | Origin,
    ticket_type: TicketType,
    title: str,
    description: str = "",
    fields: dict | None = None,
    priority: int | None = None,
    requester: User | int | None = None,
    company: Company | int | None = None,
    location: Location | int | None = None,
    equipment: Equipment | int | None = None,
    planned_start=None,
    planned_finish=None,
    channel: str = Channel.WEB,
    parent: Ticket | int | None = None,
    watchers: list[int] | None = None,
    attachments: list[int] | None = None,
) -> Ticket:
    """File a ticket: validate the form, number it, route it, record it. All or nothing.

    `attachments` and file field values name the actor's own uploads made before filing
    (desk/uploads.py): the ticket adopts them.
    `actor`: the person filing, or an Origin; a system actor (e.g. federation) files on its own
    authority, for its person, without the person's permission checks (it has made its own)."""
    origin = as_origin(actor)
    actor = origin.person
    config = configcache.current()
    if not origin.is_system and not perms.can_file(actor, ticket_type):
        raise PermissionDenied(_("You may not file tickets of this type."))
    errors: dict[str, list[str]] = {}
    if not origin.is_system and requester is not None and getattr(requester, "pk", requester) != actor.pk:
        if not perms.can_file_for_others(actor):
            raise PermissionDenied(_("You may file tickets only for yourself."))
    refs = _resolve_references(
        {
            "requester": requester,
            "company": company,
            "location": location,
            "equipment": equipment,
            "parent": parent,
        },
        errors,
    )
    requester_obj = refs["requester"] or actor
    if requester_obj is None:  # a system actor filing for nobody in particular
        raise InvalidInput(fields={"requester": [_("This field is required.")]})
    standard = {
        "title": title,
        "priority": priority if priority is not None else ticket_type.default_priority,
        "planned_start": planned_start,
        "planned_finish": planned_finish,
        "equipment": refs["equipment"],
        "location": refs["location"],
    }
    _check_standard(standard, errors)
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    form = config.form(ticket_type.pk)
    cleaned, field_errors = clean_field_values(
        form, fields, files=None if origin.is_system else uploads.usable_for(actor)
    )
    errors.update(field_errors)
    if attachments and not origin.is_system:
        try:
            attachments = uploads.check_attachment_ids(actor, attachments)
        except InvalidInput as exc:
            errors.update(exc.fields)
    company_obj = refs["company"] or requester_obj.company
    if not requester_obj.is_agent and requester_obj.company_id and company_obj != requester_obj.company:
        errors["company"] = [_("A requester files for their own company.")]
    if errors:
        raise InvalidInput(fields=errors)
    initial = config.initial_status(ticket_type.workflow_id)
    if initial is None:
        raise InvalidInput(fields={"ticket_type": [_("This type's workflow has no initial status.")]})

    ticket = Ticket(
        number=_next_number(),
        ticket_type=ticket_type,
        title=title.strip(),
        description=description or "",
        priority=standard["priority"],
        requester=requester_obj,
        company=company_obj,
        location=standard["location"],
        equipment=standard["equipment"],
        fields=cleaned,
        planned_start=planned_start,
        planned_finish=planned_finish,
        channel=channel,
        parent=refs["parent"],
        search=_search_vector(title.strip(), description or ""),  # computed by the INSERT itself
    )
    _set_status(ticket, initial)
    outcome = routing.route(ticket)
    ticket.save(force_insert=True)
    watcher_ids = set(watchers or []) | set(getattr(ticket, "_routing_watchers", []))
    if watcher_ids:
        found = list(User.objects.filter(pk__in=watcher_ids).values_list("pk", flat=True))
        ticket.watchers.add(*found)
        watcher_ids = set(found)
    ticket.known_watcher_ids = sorted(watcher_ids)  # the detail answer needs no re-read
    history = [
        events.entry(
            ticket,
            EventKind.CREATED,
            origin,
            public=True,
            number=ticket.number,
            status=initial.key,
            channel=channel,
            title=ticket.title,
        )
    ]
    if outcome.applied:
        history.append(
            events.entry(
                ticket,
                EventKind.ROUTED,
                Origin.system_actor("routing", label=_("Routing")),
                public=False,
                rules=outcome.applied,
                group=_display(ticket.group),
                assignee=_display(ticket.assignee),
                priority=ticket.priority,
            )
        )
    events.record_all(history)
    if not origin.is_system:
        adopted = [*(attachments or []), *uploads.file_values(form, cleaned)]
        uploads.adopt_uploads(actor=actor, ticket=ticket, ids=adopted)
    routing.run_registered_actions(ticket)
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().select_related("ticket_type", "status").get(pk=ticket.pk)


REQUESTER_EDITABLE = ("title", "description", "location", "equipment", "planned_start", "planned_finish")


@transaction.atomic
def update_ticket(
    *,
    actor: User | Origin,
    ticket: Ticket,
    changes: dict[str, Any],
    requester_edit: bool = False,
) -> Ticket:
    """Change standard and custom fields; one 'changed' event with the diff (and 'assigned').

    `requester_edit`: a process (approval rework) lets the requester edit their own request's
    form (title, description, place, dates, custom fields), nothing else. A system actor (an
    Origin) changes the standard fields without the person's checks."""
    origin = as_origin(actor)
    actor = origin.person
    ticket = _lock(ticket)
    if origin.is_system:
        editable = set(STANDARD_EDITABLE)
    elif requester_edit:
        if ticket.requester_id != actor.pk and not perms.can_change_ticket(actor, ticket):
            raise PermissionDenied()
        editable = set(REQUESTER_EDITABLE)
    else:
        if not perms.can_change_ticket(actor, ticket):
            raise PermissionDenied()
        editable = set(STANDARD_EDITABLE)
    if not origin.is_system and ticket.category in (Category.CLOSED, Category.CANCELLED):
        raise TicketClosed()  # for those who could change it; the others were refused above
    errors: dict[str, list[str]] = {}
    unknown = set(changes) - editable - {"fields"}
    for name in unknown:
        errors[name] = [_("This field cannot be changed here.")]
    data = _resolve_references({k: v for k, v in changes.items() if k in STANDARD_EDITABLE}, errors)
    if "parent" in data and data["parent"] is not None and data["parent"].pk == ticket.pk:
        errors["parent"] = [_("A ticket cannot be its own parent.")]
    merged = {
        "planned_start": data.get("planned_start", ticket.planned_start),
        "planned_finish": data.get("planned_finish", ticket.planned_finish),
        **{k: v for k, v in data.items() if k not in ("planned_start", "planned_finish")},
    }
    _check_standard(merged, errors)
    if "location" in merged and "location" not in data:
        data["location"] = merged["location"]
    new_fields = ticket.fields
    if "fields" in changes:
        new_fields, field_errors = clean_field_values(
            configcache.current().form(ticket.ticket_type_id),
            changes["fields"],
            existing=ticket.fields,
            partial=True,
            files=None if origin.is_system else uploads.usable_for(actor, ticket),
        )
        errors.update(field_errors)
    if errors:
        raise InvalidInput(fields=errors)

    diff: dict[str, list] = {}
    for name, value in data.items():
        current = getattr(ticket, name)
        if name == "title":
            value = value.strip()
        if (current.pk if hasattr(current, "pk") else current) != (
            value.pk if hasattr(value, "pk") else value
        ):
            diff[name] = [_display(current), _display(value)]
            setattr(ticket, name, value)
    if new_fields != ticket.fields:
        diff["fields"] = [ticket.fields, new_fields]
        ticket.fields = new_fields
    if not diff:
        return ticket
    ticket.save()
    if "fields" in diff and not origin.is_system:
        form = configcache.current().form(ticket.ticket_type_id)
        uploads.adopt_named(actor=actor, ticket=ticket, ids=uploads.file_values(form, changes["fields"]))
    assignment = {k: diff.pop(k) for k in ("assignee", "group") if k in diff}
    if diff:
        events.record(ticket, EventKind.CHANGED, origin, public=True, changes=diff)
    if assignment:
        events.record(ticket, EventKind.ASSIGNED, origin, public=True, changes=assignment)
    if {"title", "description"} & set(diff):
        refresh_search(ticket.pk)
    return ticket


def move_as_system(
    *,
    ticket: Ticket,
    target: Status,
    origin: Origin,
    note: str = "",
    set_group: ResponsibilityGroup | None = None,
    clear_assignee: bool = False,
) -> Ticket:
    """A system actor (approvals, federation, confirmation) moves a locked ticket to `target`,
    bypassing the manual transitions; the status_changed event names it (`process`) and the
    person it acts for. Call inside the system actor's own transaction."""
    if not connection.in_atomic_block:
        raise RuntimeError("system actors move tickets inside their own transaction")
    if not origin.is_system:
        raise ValueError("only a system actor moves a ticket past its workflow's transitions")
    old_status = ticket.status
    assignment = {}
    if old_status.pk != target.pk:
        _set_status(ticket, target)
    if set_group is not None and set_group.pk != ticket.group_id:
        assignment["group"] = [_display(ticket.group), _display(set_group)]
        ticket.group = set_group
    if clear_assignee and ticket.assignee_id:
        assignment["assignee"] = [_display(ticket.assignee), None]
        ticket.assignee = None
    ticket.save()
    history = []
    if old_status.pk != target.pk:
        history.append(
            events.entry(
                ticket,
                EventKind.STATUS_CHANGED,
                origin,
                public=True,
                process=origin.system,
                transition=note,
                changes={"status": [old_status.key, target.key]},
                category=target.category,
                from_category=old_status.category,
            )
        )
    if assignment:
        history.append(events.entry(ticket, EventKind.ASSIGNED, origin, public=True, changes=assignment))
    if history:
        events.record_all(history)
    return ticket


def lock_ticket(ticket: Ticket) -> Ticket:
    """The ticket row locked for the rest of the caller's transaction (processes use it)."""
    return _lock(ticket)


def available_transitions(user: User, ticket: Ticket) -> list[Transition]:
    transitions = configcache.current().transitions_from(ticket.status_id)
    return [t for t in transitions if perms.can_transition(user, ticket, t)]


@transaction.atomic
def transition_ticket(
    *, actor: User | Origin, ticket: Ticket, to: str, comment: str = "", fields: dict | None = None
) -> Ticket:
    """Move a ticket along its workflow. `to` is the target status key. A comment made with the
    transition is a "commented" event of its own, right after the "status_changed" event (which
    names it too, as it always has)."""
    origin = as_origin(actor)
    actor = origin.person
    ticket = _lock(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    transition = (
        Transition.objects.filter(source_id=ticket.status_id, target__key=to)
        .select_related("target", "set_group", "set_assignee")
        .prefetch_related("allowed_groups")
        .first()
    )
    if transition is None:
        raise TransitionNotAllowed(
            _("No transition from “%(src)s” to “%(dst)s”.") % {"src": ticket.status.name, "dst": to}
        )
    if not perms.can_transition(actor, ticket, transition):
        raise PermissionDenied(_("You may not make this transition."))
    errors: dict[str, list[str]] = {}
    if transition.comment_required and not (comment or "").strip():
        errors["comment"] = [_("This transition needs a comment.")]
    new_fields = ticket.fields
    if fields:
        new_fields, field_errors = clean_field_values(
            configcache.current().form(ticket.ticket_type_id),
            fields,
            existing=ticket.fields,
            partial=True,
            files=uploads.usable_for(actor, ticket),
        )
        errors.update(field_errors)
    for name in transition.required_fields or []:
        present = new_fields.get(name) if name not in STANDARD_EDITABLE else getattr(ticket, name, None)
        if present in (None, "", []):
            errors[f"fields.{name}" if name not in STANDARD_EDITABLE else name] = [
                _("Fill this in before “%(t)s”.") % {"t": transition.name}
            ]
    missing = checklists.unfinished_required(ticket, transition.target.key)
    if missing:
        errors["checklist"] = [_("Complete the checklist first: %(items)s.") % {"items": "; ".join(missing)}]
    if errors:
        raise InvalidInput(fields=errors)

    old_status = ticket.status
    _set_status(ticket, transition.target)
    assignment = {}
    if transition.set_group_id and transition.set_group_id != ticket.group_id:
        assignment["group"] = [_display(ticket.group), _display(transition.set_group)]
        ticket.group = transition.set_group
    if transition.set_assignee_id and transition.set_assignee_id != ticket.assignee_id:
        assignment["assignee"] = [_display(ticket.assignee), _display(transition.set_assignee)]
        ticket.assignee = transition.set_assignee
    elif transition.clear_assignee and ticket.assignee_id:
        assignment["assignee"] = [_display(ticket.assignee), None]
        ticket.assignee = None
    field_diff = {"fields": [ticket.fields, new_fields]} if new_fields != ticket.fields else {}
    ticket.fields = new_fields
    ticket.save()
    comment_obj = None
    if (comment or "").strip():
        comment_obj = Comment.objects.create(
            ticket=ticket, author=actor, body=comment.strip(), internal=False
        )
    history = [
        events.entry(
            ticket,
            EventKind.STATUS_CHANGED,
            origin,
            public=True,
            transition=transition.name,
            changes={"status": [old_status.key, transition.target.key]},
            category=transition.target.category,
            from_category=old_status.category,
            comment_id=comment_obj.pk if comment_obj else None,
            comment=comment_obj.body if comment_obj else None,
            **({"field_changes": field_diff} if field_diff else {}),
        )
    ]
    if comment_obj:
        history.append(
            events.entry(
                ticket,
                EventKind.COMMENTED,
                origin,
                public=True,
                comment_id=comment_obj.pk,
                internal=False,
                body=comment_obj.body,
                transition=transition.name,
            )
        )
    events.record_all(history)
    if field_diff:
        form = configcache.current().form(ticket.ticket_type_id)
        uploads.adopt_named(actor=actor, ticket=ticket, ids=uploads.file_values(form, fields))
    if assignment:
        events.record(ticket, EventKind.ASSIGNED, origin, public=True, changes=assignment)
    if comment_obj:
        refresh_search(ticket.pk)
    return ticket


COMMENT_MAX_LENGTH = 20000


def add_comment(*, actor: User | Origin, ticket: Ticket, body: str, internal: bool = False) -> Comment:
    """A system actor (an Origin) writes for its person without the person's checks."""
    return add_comments(actor=actor, ticket=ticket, bodies=[body], internal=internal)[0]


@transaction.atomic
def add_comments(
    *,
    actor: User | Origin,
    ticket: Ticket,
    bodies: list[str],
    internal: bool = False,
) -> list[Comment]:
    """Several comments by one author on one ticket, in this order, as one change: one lock, one
    INSERT for the comments and one for their events, one search refresh. All or none: a body
    that is empty or too long refuses the whole call. Federation applies a partner's run of
    comments this way."""
    origin = as_origin(actor)
    actor = origin.person
    ticket = _lock(ticket)
    if not origin.is_system and not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    if not origin.is_system and not perms.can_comment(actor, ticket, internal=internal):
        raise PermissionDenied(_("Only the desk's staff write internal comments."))
    for body in bodies:
        if not (body or "").strip():
            raise InvalidInput(fields={"body": [_("Write something.")]})
        if len(body) > COMMENT_MAX_LENGTH:
            raise InvalidInput(fields={"body": [_("Use at most 20000 characters.")]})
    rows = [Comment(ticket=ticket, author=actor, body=body.strip(), internal=internal) for body in bodies]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        Comment.objects.bulk_create(rows)  # PostgreSQL returns their ids
    if internal:
        ticket.save(update_fields=["updated_at"])
    else:
        refresh_search(ticket.pk, touch=ticket)  # the vector and updated_at, in one statement
    events.record_all(
        [
            events.entry(
                ticket,
                EventKind.COMMENTED,
                origin,
                public=not internal,
                comment_id=comment.pk,
                internal=internal,
                body=comment.body,
            )
            for comment in rows
        ]
    )
    return rows


@transaction.atomic
def add_attachment(
    *,
    actor: User | Origin,
    ticket: Ticket,
    upload,
    internal: bool = False,
    comment: Comment | None = None,
) -> Attachment:
    """Store a file on a ticket. Its type is read from the content, never trusted from the name;
    images are stored re-encoded without their metadata (kernel/uploads.py). A system actor (an
    Origin) stores for its person without the person's checks."""
    origin = as_origin(actor)
    actor = origin.person
    ticket = _lock(ticket)
    if not origin.is_system and not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    if not origin.is_system and not perms.can_comment(actor, ticket, internal=internal):
        raise PermissionDenied(_("Only the desk's staff add internal files."))
    accepted = accept_upload(upload)
    mime, name = accepted.content_type, accepted.name
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        token=secrets.token_hex(16),
        name=name,
        content_type=mime,
        size=accepted.size,
        internal=internal,
        uploaded_by=actor,
    )
    attachment.file.save(name, accepted.file, save=False)
    attachment.save()
    ticket.save(update_fields=["updated_at"])
    events.record(
        ticket,
        EventKind.ATTACHMENT_ADDED,
        origin,
        public=not internal,
        attachment_id=attachment.pk,
        name=name,
        size=accepted.size,
        content_type=mime,
    )
    return attachment


@transaction.atomic
def set_watchers(
    *, actor: User | Origin, ticket: Ticket, add: list[int] = (), remove: list[int] = ()
) -> Ticket:
    """Agents who may change the ticket manage watchers; anyone who sees it may watch or unwatch
    it themselves."""
    origin = as_origin(actor)
    actor = origin.person
    ticket = _lock(ticket)
    if not perms.can_view_ticket(actor, ticket):
        raise NotFound()
    others = (set(add) | set(remove)) - {actor.pk}
    if others and not perms.can_change_ticket(actor, ticket):
        raise PermissionDenied(_("You may only watch or unwatch a ticket yourself."))
    found = set(User.objects.filter(pk__in=set(add)).values_list("pk", flat=True))
    if set(add) - found:
        raise InvalidInput(
            fields={"add": [_("Unknown people: %(ids)s.") % {"ids": sorted(set(add) - found)}]}
        )
    before = set(ticket.watchers.values_list("pk", flat=True))
    after = (before | set(add)) - set(remove)
    if after == before:
        return ticket
    ticket.watchers.add(*(after - before))
    ticket.watchers.remove(*(before - after))
    events.record(
        ticket,
        EventKind.WATCHERS_CHANGED,
        origin,
        public=False,
        added=sorted(after - before),
        removed=sorted(before - after),
    )
    return ticket


BULK_FIELDS = ("priority", "group", "assignee", "planned_start", "planned_finish")
BULK_MAX = 1000


def queue_bulk_update(*, actor: User, ticket_ids: list[int], changes: dict) -> BulkJob:
    """Check the request now, apply it in a worker (large selections must not hold a web request).
    The job's row is what the agent follows until it is done."""
    from kernel.tasks import enqueue_for_account, require_broker

    errors: dict[str, list[str]] = {}
    if not ticket_ids or len(ticket_ids) > BULK_MAX:
        errors["ids"] = [_("Send 1 to %(n)d ticket ids.") % {"n": BULK_MAX}]
    if not changes or set(changes) - set(BULK_FIELDS):
        errors["changes"] = [_("Bulk changes may set: %(f)s.") % {"f": ", ".join(BULK_FIELDS)}]
    if not perms.is_agent(actor):
        raise PermissionDenied()
    if errors:
        raise InvalidInput(fields=errors)
    visible = perms.visible_tickets(actor, Ticket.objects.filter(pk__in=ticket_ids)).count()
    if visible != len(set(ticket_ids)):
        raise InvalidInput(fields={"ids": [_("Some tickets do not exist or are not yours to see.")]})
    payload = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in changes.items()}
    # the job is only work for a worker: without a broker, say so (503) before writing anything. A
    # broker lost between this check and the commit leaves the job queued for sweep_bulk_jobs.
    require_broker()
    with transaction.atomic():
        job = BulkJob.objects.create(
            id=uuid.uuid4(), actor=actor, ticket_ids=sorted(set(ticket_ids)), changes=payload
        )
        enqueue_for_account("desk.bulk_update", schema_name=connection.schema_name, job_id=str(job.pk))
    return job


def bulk_update(*, job_id: str) -> BulkJob | None:
    """Apply a bulk job's change to each of its tickets, each in its own transaction through
    update_ticket (so each gets its event and permission check), recording each outcome on the
    job as it goes. A retry (a worker lost halfway) skips the tickets already recorded."""

    with _bulk_job_lock(job_id) as mine:
        if not mine:
            return None  # another worker runs this job now (a sweep queued it twice)
        return _apply_bulk_job(job_id)


@contextmanager
def _bulk_job_lock(job_id: str):
    """One run of a job at a time: a session-level advisory lock, released when the run ends or
    its database session does (a killed worker's session ends with it)."""
    key = f"desk.bulk:{connection.schema_name}:{job_id}"
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(hashtextextended(%s, 0))", [key])
        mine = cur.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_advisory_unlock(hashtextextended(%s, 0))", [key])


def sweep_bulk_jobs(*, older_than_seconds: int = 120) -> int:
    """Queue again the jobs still waiting for a worker this long after they were asked for (their
    task was lost: the broker went away at the commit). Running them twice is harmless."""
    from kernel.tasks import send_now

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = BulkJob.objects.filter(state=BulkJobState.QUEUED, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    queued = 0
    for job_id in stale[:1000]:
        queued += send_now("desk.bulk_update", schema_name=connection.schema_name, job_id=str(job_id))
    return queued


def _apply_bulk_job(job_id: str) -> BulkJob | None:
    from django.utils.dateparse import parse_datetime

    job = BulkJob.objects.select_related("actor").filter(pk=job_id).first()
    if job is None or job.state == BulkJobState.DONE:
        return job
    try:
        # the licence as the worker finds it, not as it was when the agent asked: a desk paused
        # (read-only) or suspended since then writes nothing, and the job says why
        licensing.ensure_writable()
    except DomainError as exc:
        handled = set(job.updated) | {r["id"] for r in job.refused}
        job.refused.extend(
            {"id": pk, "code": exc.code, "fields": {"licence": [str(exc.detail)]}}
            for pk in job.ticket_ids
            if pk not in handled
        )
        job.state, job.finished_at = BulkJobState.DONE, timezone.now()
        job.save(update_fields=["refused", "state", "finished_at"])
        return job
    BulkJob.objects.filter(pk=job.pk).update(state=BulkJobState.RUNNING)
    changes = {
        k: (parse_datetime(v) if k.startswith("planned_") and isinstance(v, str) else v)
        for k, v in job.changes.items()
    }
    handled = set(job.updated) | {r["id"] for r in job.refused}
    for ticket in Ticket.objects.filter(pk__in=job.ticket_ids).exclude(pk__in=handled).order_by("pk"):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    update_ticket(actor=job.actor, ticket=ticket, changes=dict(changes))
                job.updated.append(ticket.pk)
            except DomainError as exc:
                job.refused.append({"id": ticket.pk, "code": exc.code, "fields": exc.fields})
            # the outcome is recorded in the same transaction as the change: a lost worker
            # neither repeats a change nor loses one
            BulkJob.objects.filter(pk=job.pk).update(updated=job.updated, refused=job.refused)
    gone = set(job.ticket_ids) - set(job.updated) - {r["id"] for r in job.refused}
    job.refused.extend({"id": pk, "code": "not_found", "fields": {}} for pk in sorted(gone))
    job.state, job.finished_at = BulkJobState.DONE, timezone.now()
    job.save(update_fields=["refused", "state", "finished_at"])
    return job
