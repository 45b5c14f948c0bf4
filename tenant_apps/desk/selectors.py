"""Reads of tickets shared by the API, websockets and reports."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet

from tenant_apps import permissions as perms

from . import extensions
from .models import (
    Attachment,
    BulkJob,
    Category,
    Comment,
    EventKind,
    SavedView,
    Ticket,
    TicketEvent,
    TicketType,
)

if TYPE_CHECKING:
    from .filters import TicketQuery

LIST_JOINED = ("ticket_type", "status")
LIST_PREFETCHED = ("requester", "company", "location", "equipment", "group", "assignee")
LIST_RELATED = LIST_JOINED + LIST_PREFETCHED  # bench/desk_api.py compares join strategies


def with_relations(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket row shows: type and status joined (and the one-to-one rows of the apps that
    add to the payload: extensions.py), the other references prefetched."""
    return queryset.select_related(*LIST_JOINED, *extensions.joins()).prefetch_related(*LIST_PREFETCHED)


def tickets_for(user) -> QuerySet[Ticket]:
    """Every ticket the person may see, with what a list row shows.

    Type and status are joined; the other references are prefetched in one small query each.
    Joining all eight makes PostgreSQL spend far longer planning the query (an exhaustive join
    search) than running it: tens of milliseconds per page against a few (bench/desk_api.py).
    """
    return perms.visible_tickets(user, with_relations(Ticket.objects.all()))


def ticket_for(user, pk: Any) -> Ticket | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return tickets_for(user).filter(pk=pk).first()


def search(queryset: QuerySet[Ticket], text: str) -> QuerySet[Ticket]:
    """Full-text search in Russian and English over titles, descriptions and public comments."""
    text = (text or "").strip()[:200]
    if not text:
        return queryset
    query = SearchQuery(text, config="russian", search_type="websearch") | SearchQuery(
        text, config="english", search_type="websearch"
    )
    return queryset.filter(search=query)


def ticket_matches(user, query: TicketQuery, ticket_id: int) -> bool:
    """Whether a ticket the person may see passes `query`, asked of the database (for filters the
    live payload cannot answer: search, custom fields, the location subtree...)."""
    return query.apply(tickets_for(user)).filter(pk=ticket_id).exists()


def comments_for(user, ticket: Ticket) -> QuerySet[Comment]:
    comments = ticket.comments.select_related("author").prefetch_related("attachments")
    return comments if perms.can_see_internal(user) else comments.filter(internal=False)


def events_for(user, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = ticket.events.all()
    return events if perms.can_see_internal(user) else events.filter(public=True)


def last_event_id() -> int:
    """The newest ticket event's id (0: none yet): where a live client starts."""
    return TicketEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_since(user, since: int) -> QuerySet[TicketEvent]:
    """The events after `since` of the tickets the person may see (public ones only for those who
    may not see internal ones), oldest first, with what the live payload reads."""
    events = TicketEvent.objects.filter(id__gt=since, ticket__in=tickets_for(user).values("pk"))
    if not perms.can_see_internal(user):
        events = events.filter(public=True)
    return events.select_related("ticket__ticket_type", "ticket__status").order_by("id")


def attachments_for(user, ticket: Ticket):
    attachments = ticket.attachments.all()
    return attachments if perms.can_see_internal(user) else attachments.filter(internal=False)


def checklist_of(ticket: Ticket):
    return ticket.checklist.select_related("done_by").order_by("id")


def attachment_for_download(user, pk) -> Attachment | None:
    """A file the person may download, or None (no such file, or not theirs to see)."""
    attachment = Attachment.objects.filter(pk=pk).select_related("ticket").first()
    return attachment if attachment is not None and perms.can_download(user, attachment) else None


def ticket_types_for(user, *, fileable: bool = False) -> QuerySet[TicketType]:
    """Agents who configure or dispatch see every type; everyone else (and `fileable`) sees the
    types they may file now."""
    queryset = TicketType.objects.prefetch_related("form_fields").order_by("order", "name")
    if fileable or not perms.is_agent(user):
        return perms.fileable_ticket_types(user, queryset)
    return queryset


def saved_views_for(user) -> QuerySet[SavedView]:
    """One's own saved views; agents also see the ones shared with the team."""
    mine = SavedView.objects.filter(owner=user)
    return (mine | SavedView.objects.filter(shared=True)) if perms.is_agent(user) else mine


def saved_view_for(user, view_id: Any) -> SavedView | None:
    """A saved view the person may apply (theirs, or shared with agents), or None."""
    if isinstance(view_id, str):
        view_id = int(view_id) if view_id.isdigit() else None
    if not isinstance(view_id, int) or isinstance(view_id, bool):
        return None
    saved = SavedView.objects.filter(pk=view_id).first()
    return saved if saved is not None and perms.can_use_saved_view(user, saved) else None


def bulk_job_for(user, job_id) -> BulkJob | None:
    """A bulk job is its actor's alone."""
    return BulkJob.objects.filter(pk=job_id, actor=user).first()


def awaiting_approval(queryset: QuerySet[Ticket], waiting: bool = True) -> QuerySet[Ticket]:
    """Tickets with an open approval round (at most one per ticket: no duplicates), or without."""
    open_round = Q(approval_rounds__outcome="")
    return queryset.filter(open_round) if waiting else queryset.exclude(open_round)


# ---------------------------------------------------------------------------- satisfaction figures
# key -> (the ticket's field, how the label is read, the label of "none")
SATISFACTION_KEYS = {
    "engineer": ("assignee", "assignee__full_name"),
    "group": ("group", "group__name"),
    "type": ("ticket_type", "ticket_type__name"),
}


def parse_bound(raw: str):
    """An ISO date (midnight in the account's zone) or date-time; None if it is neither."""
    import datetime as dt

    from django.utils import timezone
    from django.utils.dateparse import parse_date, parse_datetime

    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is None:
                return None
            value = dt.datetime.combine(day, dt.time())
    except ValueError:
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def satisfaction(*, group_by: str, since=None, until=None) -> list[dict]:
    """Per engineer (the ticket's assignee), group or type: how many ratings and their average
    (ratings given in the period), how many resolutions (moves into a resolved status in the period)
    and how many returns for rework (in the period), and the returned share (returns / resolutions).
    Tickets count under their current assignee, group and type."""
    from django.db.models import Avg, Count
    from django.utils.translation import gettext as _

    field, label_path = SATISFACTION_KEYS[group_by]
    none_label = {"engineer": _("Unassigned"), "group": _("No group"), "type": _("No type")}[group_by]

    def period(queryset, name):
        if since is not None:
            queryset = queryset.filter(**{f"{name}__gte": since})
        if until is not None:
            queryset = queryset.filter(**{f"{name}__lt": until})
        return queryset

    rows: dict = {}

    def row(key, label):
        return rows.setdefault(
            key,
            {
                "key": key,
                "label": label or none_label,
                "ratings": 0,
                "average": None,
                "resolved": 0,
                "returned": 0,
            },
        )

    rated = period(Ticket.objects.filter(rated_at__isnull=False), "rated_at")
    for item in rated.values(f"{field}_id", label_path).annotate(n=Count("id"), avg=Avg("rating")):
        r = row(item[f"{field}_id"], item[label_path])
        r["ratings"], r["average"] = item["n"], round(float(item["avg"]), 2)
    resolutions = period(
        TicketEvent.objects.filter(kind=EventKind.STATUS_CHANGED, data__category=Category.RESOLVED), "at"
    )
    for item in resolutions.values(f"ticket__{field}_id", f"ticket__{label_path}").annotate(n=Count("id")):
        row(item[f"ticket__{field}_id"], item[f"ticket__{label_path}"])["resolved"] = item["n"]
    returns = period(TicketEvent.objects.filter(kind=EventKind.RETURNED), "at")
    for item in returns.values(f"ticket__{field}_id", f"ticket__{label_path}").annotate(n=Count("id")):
        row(item[f"ticket__{field}_id"], item[f"ticket__{label_path}"])["returned"] = item["n"]
    out = []
    for r in rows.values():
        r["returned_share"] = round(r["returned"] / r["resolved"], 3) if r["resolved"] else None
        out.append(r)
    return sorted(out, key=lambda r: (r["key"] is None, str(r["label"]).lower(), r["key"] or 0))
