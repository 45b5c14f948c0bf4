"""Reads of locations and equipment that more than one view needs."""

from __future__ import annotations

from django.utils.translation import gettext as _
from kernel.errors import InvalidInput, NotFound

from .models import Equipment, Location


def _ids(raw: str, name: str) -> list[int]:
    try:
        ids = [int(part) for part in raw.split(",") if part.strip()]
    except ValueError:
        raise InvalidInput(fields={name: [_("Use ids separated by commas.")]}) from None
    if not ids:
        raise InvalidInput(fields={name: [_("Name at least one.")]})
    if len(ids) > 1000:
        raise InvalidInput(fields={name: [_("At most 1000 at a time.")]})
    return list(dict.fromkeys(ids))


def _node(raw: str) -> Location:
    try:
        pk = int(raw)
    except ValueError:
        raise InvalidInput(fields={"subtree": [_("Use a location id.")]}) from None
    node = Location.objects.filter(pk=pk).first()
    if node is None:
        raise NotFound()
    return node


def _selection(params) -> tuple[str | None, str | None]:
    ids, subtree = params.get("ids"), params.get("subtree")
    if bool(ids) == bool(subtree):
        message = _("Give either ids or subtree.")
        raise InvalidInput(fields={"ids": [message], "subtree": [message]})
    return ids, subtree


def locations_for_labels(params) -> list[Location]:
    """`ids=1,2` (in that order) or `subtree=<id>` (the node and everything under it, tree order).
    An id that is not in this account is a 404, never a shorter sheet."""
    ids, subtree = _selection(params)
    if subtree:
        return list(Location.objects.filter(path__startswith=_node(subtree).path).order_by("path"))
    wanted = _ids(ids, "ids")
    found = {item.pk: item for item in Location.objects.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound()
    return [found[pk] for pk in wanted]


def equipment_for_labels(params) -> list[Equipment]:
    """`ids=1,2` or `subtree=<location id>`: the equipment anywhere in that part of the tree."""
    ids, subtree = _selection(params)
    if subtree:
        node = _node(subtree)
        return list(
            Equipment.objects.filter(location__path__startswith=node.path).order_by("location__path", "name")
        )
    wanted = _ids(ids, "ids")
    found = {item.pk: item for item in Equipment.objects.filter(pk__in=wanted)}
    if len(found) != len(wanted):
        raise NotFound()
    return [found[pk] for pk in wanted]
