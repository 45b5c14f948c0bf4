"""Writes to locations and equipment. Location paths are kept right here, and only here."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change

from .models import Equipment, Location, LocationKind


@transaction.atomic
def save_location(*, actor=None, location: Location | None, data: dict) -> Location:
    """Create or change a place of the tree. `actor`: a dispatcher or the account admin (checked,
    audited); None for the platform (demo data, tests' worlds)."""
    ensure_allowed(actor, perms.can_edit_objects)
    created = location is None
    errors: dict[str, list[str]] = {}
    parent = data.get("parent", location.parent if location else None)
    if location is None and not (data.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    if "kind" in data and data["kind"] not in LocationKind.values:
        errors["kind"] = [_("Unknown kind.")]
    if (
        location is not None
        and parent is not None
        and (parent.pk == location.pk or parent.path.startswith(location.path))
    ):
        errors["parent"] = [_("A location cannot be placed inside itself.")]
    if errors:
        raise InvalidInput(fields=errors)
    old_path = location.path if location else None
    location = location or Location()
    for name, value in data.items():
        setattr(location, name, value)
    if not location.pk:
        location.path = ""
        location.save()
    location.path = f"{parent.path if parent else '/'}{location.pk}/"
    location.save()
    if old_path and old_path != location.path:
        # move the whole subtree: replace the old prefix of every descendant's path
        Location.objects.filter(path__startswith=old_path).exclude(pk=location.pk).update(
            path=Concat(Value(location.path), Substr("path", len(old_path) + 1))
        )
    record_change(
        actor=actor,
        action="location.created" if created else "location.changed",
        target=location,
        details={"fields": sorted(data)},
    )
    return location


@transaction.atomic
def delete_location(*, actor=None, location: Location) -> None:
    ensure_allowed(actor, perms.can_edit_objects)
    if location.children.exists() or location.tickets.exists() or location.equipment.exists():
        raise InvalidInput(
            fields={"location": [_("It has places, equipment or tickets; deactivate it instead.")]}
        )
    record_change(actor=actor, action="location.deleted", target=location)
    location.delete()


@transaction.atomic
def save_equipment(*, actor=None, equipment: Equipment | None, data: dict) -> Equipment:
    ensure_allowed(actor, perms.can_edit_objects)
    created = equipment is None
    if equipment is None and not (data.get("name") or "").strip():
        raise InvalidInput(fields={"name": [_("This field is required.")]})
    equipment = equipment or Equipment()
    for name, value in data.items():
        setattr(equipment, name, value)
    equipment.save()
    record_change(
        actor=actor,
        action="equipment.created" if created else "equipment.changed",
        target=equipment,
        details={"fields": sorted(data)},
    )
    return equipment


@transaction.atomic
def delete_equipment(*, actor=None, equipment: Equipment) -> None:
    ensure_allowed(actor, perms.can_edit_objects)
    if equipment.tickets.exists():
        raise InvalidInput(fields={"equipment": [_("Tickets refer to it; deactivate it instead.")]})
    record_change(actor=actor, action="equipment.deleted", target=equipment)
    equipment.delete()
