"""Reads of tickets shared by the API, websockets and reports."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.postgres.search import SearchQuery
from django.db.models import Q, QuerySet

from tenant_apps import permissions as perms

from .models import BulkJob, Comment, Ticket, TicketEvent

LIST_JOINED = ("ticket_type", "status")
LIST_PREFETCHED = ("requester", "company", "location", "equipment", "group", "assignee")
LIST_RELATED = LIST_JOINED + LIST_PREFETCHED  # bench/desk_api.py compares join strategies


def with_relations(queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket row shows: type and status joined, the other references prefetched."""
    return queryset.select_related(*LIST_JOINED).prefetch_related(*LIST_PREFETCHED)


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


def coerce_field_value(raw: str) -> Any:
    """Query-string value of a custom field filter: JSON when it parses (numbers, booleans), else text."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return raw
    return value if isinstance(value, (int, float, bool)) else raw


def filter_custom_fields(queryset: QuerySet[Ticket], params: dict[str, str]) -> QuerySet[Ticket]:
    """`f.<key>=<value>` matches tickets whose custom field equals (or, for lists, contains) value."""
    for name, raw in params.items():
        if name.startswith("f.") and len(name) > 2:
            key, value = name[2:], coerce_field_value(raw)
            queryset = queryset.filter(Q(fields__contains={key: value}) | Q(fields__contains={key: [value]}))
    return queryset


def comments_for(user, ticket: Ticket) -> QuerySet[Comment]:
    comments = ticket.comments.select_related("author").prefetch_related("attachments")
    return comments if perms.can_see_internal(user) else comments.filter(internal=False)


def events_for(user, ticket: Ticket) -> QuerySet[TicketEvent]:
    events = ticket.events.all()
    return events if perms.can_see_internal(user) else events.filter(public=True)


def attachments_for(user, ticket: Ticket):
    attachments = ticket.attachments.all()
    return attachments if perms.can_see_internal(user) else attachments.filter(internal=False)


def bulk_job_for(user, job_id) -> BulkJob | None:
    """A bulk job is its actor's alone."""
    return BulkJob.objects.filter(pk=job_id, actor=user).first()


def awaiting_approval(queryset: QuerySet[Ticket], waiting: bool = True) -> QuerySet[Ticket]:
    """Tickets with an open approval round (at most one per ticket: no duplicates), or without."""
    open_round = Q(approval_rounds__outcome="")
    return queryset.filter(open_round) if waiting else queryset.exclude(open_round)
