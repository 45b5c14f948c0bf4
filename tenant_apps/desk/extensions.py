"""Ticket extensions: apps above the desk add to the ticket payload and the ticket list without
the desk importing them (docs/sla.md is the first user).

An app registers, in its AppConfig.ready():
- a payload field (`payload_field`): its name in the list and detail payloads, the select_related
  joins it reads (so the list stays one query for its rows) and the function giving its value;
- list filters (`list_filter`): declared into the one filter spec (`filters.TicketFilter`: the
  REST list, saved views and live queues take them), applied to the queryset, and answered by
  the database only (a live queue using one asks `selectors.ticket_matches`);
- orderings (`ordering`): a name for `?ordering=` (and `-name`) and how to annotate the queryset
  with a non-null value of that name (the cursor pagination reads it from each row).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet


@dataclass(frozen=True)
class PayloadField:
    name: str
    joins: tuple[str, ...]
    value: Callable[[Any, Any], Any]  # (ticket, the person asking or None) -> JSON value
    schema: Any = None  # a DRF serializer field describing it (OpenAPI)


@dataclass(frozen=True)
class ListFilter:
    name: str
    declaration: Any  # a django_filters Filter (validation, help, the schema)
    apply: Callable[[QuerySet, Any], QuerySet]


@dataclass(frozen=True)
class Ordering:
    name: str
    annotate: Callable[[QuerySet], QuerySet]


_fields: dict[str, PayloadField] = {}
_filters: dict[str, ListFilter] = {}
_orderings: dict[str, Ordering] = {}


def payload_field(field: PayloadField) -> None:
    _fields[field.name] = field


def list_filter(item: ListFilter) -> None:
    from .filters import TicketFilter

    _filters[item.name] = item
    TicketFilter.base_filters[item.name] = item.declaration


def ordering(item: Ordering) -> None:
    _orderings[item.name] = item


def payload_fields() -> tuple[PayloadField, ...]:
    return tuple(_fields.values())


def joins() -> tuple[str, ...]:
    return tuple(j for f in _fields.values() for j in f.joins)


def filter_for(name: str) -> ListFilter | None:
    return _filters.get(name)


def ordering_for(name: str) -> Ordering | None:
    return _orderings.get(name)


def ordering_names() -> tuple[str, ...]:
    return tuple(_orderings)
