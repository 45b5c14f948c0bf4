"""The one ticket filter specification: REST list filters, saved views and live matching.

`TicketFilter` declares the filters the ticket list takes (names, types, help: the API schema).
Parsing a set of parameters (a query string, a saved view's stored filters, a live queue's
filters) gives one `TicketQuery`; that same object

- narrows a queryset (`TicketQuery.apply`, what `GET /tickets/` runs), and
- answers whether one ticket snapshot matches (`matches(snapshot, query)`, pure: no database),
  the websocket consumer's test for live queues and saved views.

A snapshot is a dict in the live payload's encoding (docs/live.md: `type` is the type's code,
`status` the status key, references are ids); `snapshot_of(ticket)` gives the full one with every
field a filter reads. The live payload carries only `LIVE_FILTERS`' fields: a query using others
(`TicketQuery.live_answerable` false) is checked in the database (`selectors.ticket_matches`).
Full-text search (`q`) is only ever answered by PostgreSQL (`DB_ONLY`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import django_filters as df
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from . import extensions
from .models import OPEN_CATEGORIES, Category, ConfirmationState, Ticket


class CsvIn(df.BaseInFilter, df.CharFilter):
    pass


class NumbersIn(df.BaseInFilter, df.NumberFilter):
    pass


class TicketFilter(df.FilterSet):
    """The parameters of the ticket list. Validation and the schema come from here; what each
    filter means is `TicketQuery` (`filter_queryset` hands the cleaned values to it)."""

    type = CsvIn(field_name="ticket_type__code", help_text="Type codes, comma-separated")
    status = CsvIn(field_name="status__key")
    category = df.MultipleChoiceFilter(choices=Category.choices, distinct=False)  # no join: no DISTINCT
    priority = NumbersIn(field_name="priority")
    is_open = df.BooleanFilter()
    group = df.CharFilter(method="by_query", help_text="Group id, or 'mine'")
    assignee = df.CharFilter(method="by_query", help_text="Person id, 'me' or 'none'")
    requester = df.CharFilter(method="by_query", help_text="Person id or 'me'")
    company = NumbersIn(field_name="company_id")
    location = df.NumberFilter(method="by_query", help_text="Location id; includes everything under it")
    equipment = NumbersIn(field_name="equipment_id")
    channel = CsvIn(field_name="channel")
    parent = df.NumberFilter(field_name="parent_id")
    created_after = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = df.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")
    updated_after = df.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    planned_finish_before = df.IsoDateTimeFilter(field_name="planned_finish", lookup_expr="lt")
    planned_finish_after = df.IsoDateTimeFilter(field_name="planned_finish", lookup_expr="gte")
    q = df.CharFilter(method="by_query", help_text="Full-text search (Russian and English)")
    confirmation = df.MultipleChoiceFilter(
        field_name="confirmation_state",
        choices=ConfirmationState.choices,
        distinct=False,
        help_text="awaiting (resolved work waiting for its requester), confirmed, auto_confirmed, returned",
    )
    awaiting_approval = df.BooleanFilter(
        method="by_query", help_text="true: an approval round is open on the ticket"
    )

    class Meta:
        model = Ticket
        fields: list[str] = []

    def by_query(self, queryset, name, value):  # pragma: no cover - filter_queryset applies them all
        raise AssertionError("TicketQuery.apply applies every filter")

    def filter_queryset(self, queryset):
        query = TicketQuery.from_cleaned(self.form.cleaned_data, self.data, user=self.request.user)
        return query.apply(queryset)


FILTER_NAMES = frozenset(TicketFilter.base_filters)
# What the live payload's ticket carries enough of to answer (docs/live.md).
LIVE_FILTERS = frozenset(
    {"type", "status", "category", "priority", "group", "assignee", "company", "requester", "is_open"}
)
DB_ONLY = frozenset({"q"})  # PostgreSQL full-text search: no pure equivalent
CUSTOM_FIELD = "f."  # `f.<key>=<value>`: a custom field equals (or, for a list, contains) the value
_CSV = frozenset(name for name, f in TicketFilter.base_filters.items() if isinstance(f, df.BaseCSVFilter))


def coerce_field_value(raw: str) -> Any:
    """Query-string value of a custom field filter: JSON when it parses (numbers, booleans), else text."""
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return raw
    return value if isinstance(value, (int, float, bool)) else raw


def as_params(filters: Mapping[str, Any]) -> QueryDict:
    """Stored or live filters (JSON values) as the query string the list API would receive: a list
    is several values (for the comma-separated filters: one value, joined), a boolean is
    `true`/`false`."""
    params = QueryDict(mutable=True)
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        values = ["true" if v is True else "false" if v is False else str(v) for v in values]
        params.setlist(key, [",".join(values)] if key in _CSV and len(values) > 1 else values)
    return params


def custom_fields(params: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for name in params:
        if name.startswith(CUSTOM_FIELD) and len(name) > len(CUSTOM_FIELD):
            out[name[len(CUSTOM_FIELD) :]] = coerce_field_value(params.get(name))
    return out


# ---------------------------------------------------------------------------- the parsed query
def _person(value: str, me: int | None) -> int | None:
    if value == "me":
        return me
    if value == "none":
        return None
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(fields={"filter": [_("Use a person id, 'me' or 'none'.")]}) from None


_EMPTY = ([], (), {}, "", None)


@dataclass(frozen=True)
class TicketQuery:
    """Parsed ticket filters: `values` holds each given filter's cleaned value, with the person
    references resolved (`me`, `none`, `mine`), `location` the subtree's path (None: no such
    location, nothing matches) and `fields` the custom field filters."""

    values: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.values) | frozenset(CUSTOM_FIELD + key for key in self.fields)

    @property
    def live_answerable(self) -> bool:
        """True when the live payload's ticket alone answers `matches`."""
        return set(self.values) <= LIVE_FILTERS and not self.fields

    @classmethod
    def from_cleaned(
        cls,
        cleaned: Mapping[str, Any],
        params: Mapping[str, Any],
        *,
        user=None,
        me: int | None = None,
        my_groups: Callable[[], frozenset[int]] | None = None,
        location_path: Callable[[Any], str | None] | None = None,
    ) -> TicketQuery:
        """From `TicketFilter`'s cleaned data. The person's id and groups come from `user` (or
        `me` / `my_groups`); a location id is looked up by `location_path` (default: the database)."""
        if user is not None:
            from tenant_apps import permissions as perms

            me = user.pk
            my_groups = my_groups or (lambda: perms.group_ids(user))
        values: dict[str, Any] = {}
        for name in TicketFilter.base_filters:  # declaration order: the order filters apply in
            value = cleaned.get(name)
            if value in _EMPTY:
                continue
            if name in ("assignee", "requester"):
                value = _person(value, me)
            elif name == "group":
                if value == "mine":
                    value = ("mine", frozenset(my_groups() if my_groups else ()))
                else:
                    try:
                        value = int(value)
                    except ValueError:
                        raise InvalidInput(fields={"group": [_("Use a group id or 'mine'.")]}) from None
            elif name == "location":
                value = (location_path or _location_path)(value)
            elif name == "q":
                value = value.strip()[:200]
                if not value:
                    continue
            values[name] = value
        return cls(values=values, fields=custom_fields(params))

    # ------------------------------------------------------------------ (a) the queryset
    def apply(self, queryset: QuerySet[Ticket]) -> QuerySet[Ticket]:
        from . import selectors

        for name, value in self.values.items():
            if name == "type":
                queryset = queryset.filter(ticket_type__code__in=value)
            elif name == "status":
                queryset = queryset.filter(status__key__in=value)
            elif name == "category":
                queryset = queryset.filter(category__in=value)
            elif name == "priority":
                queryset = queryset.filter(priority__in=value)
            elif name == "is_open":
                queryset = queryset.filter(is_open=value)
            elif name == "group":
                if isinstance(value, tuple):
                    queryset = queryset.filter(group_id__in=value[1])
                else:
                    queryset = queryset.filter(group_id=value)
            elif name == "assignee":
                queryset = (
                    queryset.filter(assignee__isnull=True)
                    if value is None
                    else queryset.filter(assignee_id=value)
                )
            elif name == "requester":
                queryset = queryset.filter(requester_id=value)
            elif name == "company":
                queryset = queryset.filter(company_id__in=value)
            elif name == "location":
                if value is None:
                    return queryset.none()
                queryset = queryset.filter(location__path__startswith=value)
            elif name == "equipment":
                queryset = queryset.filter(equipment_id__in=value)
            elif name == "channel":
                queryset = queryset.filter(channel__in=value)
            elif name == "parent":
                queryset = queryset.filter(parent_id=value)
            elif name in _BOUNDS:
                column, lookup = _BOUNDS[name]
                queryset = queryset.filter(**{f"{column}__{lookup}": value})
            elif name == "q":
                queryset = selectors.search(queryset, value)
            elif name == "confirmation":
                queryset = queryset.filter(confirmation_state__in=value)
            elif name == "awaiting_approval":
                queryset = selectors.awaiting_approval(queryset, value)
            elif (extra := extensions.filter_for(name)) is not None:  # another app's (extensions.py)
                queryset = extra.apply(queryset, value)
            else:  # pragma: no cover - a filter declared above and not applied here
                raise AssertionError(f"unhandled ticket filter {name}")
        for key, value in self.fields.items():
            queryset = queryset.filter(Q(fields__contains={key: value}) | Q(fields__contains={key: [value]}))
        return queryset


_BOUNDS = {
    "created_after": ("created_at", "gte"),
    "created_before": ("created_at", "lt"),
    "updated_after": ("updated_at", "gte"),
    "planned_finish_before": ("planned_finish", "lt"),
    "planned_finish_after": ("planned_finish", "gte"),
}


def _location_path(location_id) -> str | None:
    from tenant_apps.objects.models import Location

    return Location.objects.filter(pk=location_id).values_list("path", flat=True).first()


# ---------------------------------------------------------------------------- parsing
def parse(
    params: Mapping[str, Any],
    *,
    user=None,
    me: int | None = None,
    my_groups: Callable[[], frozenset[int]] | None = None,
    location_path: Callable[[Any], str | None] | None = None,
) -> TicketQuery:
    """Parse a query string (a QueryDict) or stored / live filters (a dict of JSON values) with the
    list API's rules; a value that is not valid is refused (InvalidInput) as the API refuses it."""
    if not isinstance(params, QueryDict):
        params = as_params(params)
    filterset = TicketFilter(data=params, queryset=Ticket.objects.none())
    if not filterset.form.is_valid():
        raise InvalidInput(
            fields={name: [str(e) for e in errors] for name, errors in filterset.form.errors.items()}
        )
    return TicketQuery.from_cleaned(
        filterset.form.cleaned_data,
        params,
        user=user,
        me=me,
        my_groups=my_groups,
        location_path=location_path,
    )


def saved_view_params(saved, params: QueryDict) -> QueryDict:
    """A saved view's stored filters and ordering under the request's own parameters (which win)."""
    merged = as_params(saved.filters or {})
    if saved.ordering and "ordering" not in params:
        merged["ordering"] = saved.ordering
    for key, values in params.lists():
        merged.setlist(key, values)
    return merged


# ---------------------------------------------------------------------------- (b) pure matching
def snapshot_of(ticket: Ticket) -> dict[str, Any]:
    """Everything a filter reads of one ticket, in the live payload's encoding (its keys are a
    superset of the payload's ticket). `awaiting_approval` and `location_path` are taken from
    annotations of those names when the queryset has them, else read here (a query each)."""
    awaiting = getattr(ticket, "awaiting_approval", None)
    if awaiting is None:
        awaiting = ticket.approval_rounds.filter(outcome="").exists()
    location_path = getattr(ticket, "location_path", None)
    if location_path is None and ticket.location_id is not None:
        location_path = ticket.location.path
    return {
        "id": ticket.pk,
        "key": ticket.key,
        "type": ticket.ticket_type.code,
        "status": ticket.status.key,
        "category": ticket.category,
        "priority": ticket.priority,
        "group": ticket.group_id,
        "assignee": ticket.assignee_id,
        "requester": ticket.requester_id,
        "company": ticket.company_id,
        "is_open": ticket.is_open,
        "location_path": location_path,
        "equipment": ticket.equipment_id,
        "channel": ticket.channel,
        "parent": ticket.parent_id,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "planned_finish": ticket.planned_finish,
        "confirmation": ticket.confirmation_state,
        "awaiting_approval": bool(awaiting),
        "fields": dict(ticket.fields or {}),
    }


def _same_json(a: Any, b: Any) -> bool:
    """Equality as jsonb compares: a boolean never equals a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def _field_matches(have: Any, want: Any) -> bool:
    if _same_json(have, want):
        return True
    return isinstance(have, list) and any(_same_json(item, want) for item in have)


def _in(have: Any, values) -> bool:
    return have is not None and any(have == v for v in values)


def _at(value: Any) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def matches(snapshot: Mapping[str, Any], query: TicketQuery) -> bool:
    """Whether the ticket `snapshot` describes passes every filter of `query` (what `apply` keeps).
    Pure. A live payload's ticket answers queries that are `live_answerable`; full-text search
    (`q`) cannot be answered here (ValueError)."""
    for name, value in query.values.items():
        if name == "type":
            ok = snapshot["type"] in value
        elif name == "status":
            ok = snapshot["status"] in value
        elif name in ("category", "channel", "confirmation"):
            ok = snapshot[name] in value
        elif name in ("priority", "company", "equipment"):
            ok = _in(snapshot[name], value)
        elif name == "is_open":
            is_open = snapshot.get("is_open")
            if is_open is None:
                is_open = snapshot["category"] in OPEN_CATEGORIES
            ok = is_open == value
        elif name == "group":
            ok = snapshot["group"] in value[1] if isinstance(value, tuple) else snapshot["group"] == value
        elif name in ("assignee", "requester"):
            ok = snapshot[name] == value
        elif name == "location":
            path = snapshot["location_path"]
            ok = value is not None and path is not None and path.startswith(value)
        elif name == "parent":
            ok = _in(snapshot["parent"], [value])
        elif name in _BOUNDS:
            column, lookup = _BOUNDS[name]
            at = _at(snapshot[column])
            ok = at is not None and (at >= value if lookup == "gte" else at < value)
        elif name == "awaiting_approval":
            ok = snapshot["awaiting_approval"] == value
        elif name == "q":
            raise ValueError("full-text search is answered by the database only")
        elif extensions.filter_for(name) is not None:
            raise ValueError(f"{name} is answered by the database only")
        else:  # pragma: no cover
            raise AssertionError(f"unhandled ticket filter {name}")
        if not ok:
            return False
    fields = snapshot.get("fields") or {}
    return all(key in fields and _field_matches(fields[key], want) for key, want in query.fields.items())
