"""Validation of a ticket's custom field values against its type's form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from .models import FieldKind, FormField

REFERENCE_KINDS = {
    FieldKind.COMPANY: ("people", "Company"),
    FieldKind.LOCATION: ("objects", "Location"),
    FieldKind.EQUIPMENT: ("objects", "Equipment"),
    FieldKind.PERSON: ("people", "User"),
}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _clean_one(field: FormField, value: Any, files: Callable[[int], bool] | None = None) -> Any:
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
        if not isinstance(value, str):
            raise ValueError(_("Enter text."))
        limit = field.max_length or (300 if kind == FieldKind.TEXT else 10000)
        if len(value) > limit:
            raise ValueError(_("Use at most %(n)d characters.") % {"n": limit})
        return value.strip()
    if kind == FieldKind.NUMBER:
        if isinstance(value, bool):
            raise ValueError(_("Enter a number."))
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise ValueError(_("Enter a number.")) from None
        if not number.is_finite():
            raise ValueError(_("Enter a number."))
        if field.min_value is not None and number < field.min_value:
            raise ValueError(_("Must be at least %(v)s.") % {"v": field.min_value.normalize()})
        if field.max_value is not None and number > field.max_value:
            raise ValueError(_("Must be at most %(v)s.") % {"v": field.max_value.normalize()})
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldKind.DATE:
        parsed = parse_date(value) if isinstance(value, str) else None
        if parsed is None:
            raise ValueError(_("Enter a date as YYYY-MM-DD."))
        return parsed.isoformat()
    if kind == FieldKind.DATETIME:
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError(_("Enter a date and time with a time zone (ISO 8601)."))
        return parsed.astimezone(dt.UTC).isoformat()
    if kind == FieldKind.BOOLEAN:
        if not isinstance(value, bool):
            raise ValueError(_("Enter true or false."))
        return value
    if kind == FieldKind.CHOICE:
        if value not in field.choices:
            raise ValueError(_("Choose one of: %(c)s.") % {"c": ", ".join(map(str, field.choices))})
        return value
    if kind == FieldKind.MULTI_CHOICE:
        if not isinstance(value, list) or any(v not in field.choices for v in value):
            raise ValueError(_("Choose any of: %(c)s.") % {"c": ", ".join(map(str, field.choices))})
        return sorted(set(value), key=field.choices.index)
    if kind in REFERENCE_KINDS:
        from django.apps import apps

        model = apps.get_model(*REFERENCE_KINDS[kind])
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not model.objects.filter(pk=value).exists()
        ):
            raise ValueError(_("Choose an existing item."))
        return value
    if kind == FieldKind.FILE:
        # a file field holds the id of an attachment: one of the ticket's, or an upload of the filer's
        # own waiting to be adopted (desk/uploads.py); `files` says which ids this filer may use
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(_("Choose an uploaded file."))
        if files is not None:
            usable = files(value)
        else:
            from .models import Attachment

            usable = Attachment.objects.filter(pk=value).exists()
        if not usable:
            raise ValueError(_("Upload the file again: this one cannot be used here."))
        return value
    raise ValueError(_("Unknown field kind."))


def clean_field_values(
    form: list[FormField],
    values: Any,
    *,
    existing: dict | None = None,
    partial: bool = False,
    files: Callable[[int], bool] | None = None,
) -> tuple[dict, dict[str, list[str]]]:
    """Validate `values` against the form. Returns (cleaned values merged over `existing`, errors)
    with errors keyed "fields.<key>". Unknown keys are errors: a typo never silently vanishes.
    `files(id)`: whether the filer may put that attachment id in a file field (without it: any
    attachment of this account)."""
    errors: dict[str, list[str]] = {}
    if values is None:
        values = {}
    if not isinstance(values, dict):
        return dict(existing or {}), {"fields": [_("Send an object of field values.")]}
    by_key = {f.key: f for f in form}
    cleaned = dict(existing or {})
    for key in values:
        if key not in by_key:
            errors[f"fields.{key}"] = [_("This ticket type has no such field.")]
    for key, field in by_key.items():
        if key not in values:
            if field.required and not partial and _empty(cleaned.get(key)):
                errors[f"fields.{key}"] = [_("This field is required.")]
            continue
        value = values[key]
        if _empty(value):
            if field.required:
                errors[f"fields.{key}"] = [_("This field is required.")]
            else:
                cleaned.pop(key, None)
            continue
        try:
            cleaned[key] = _clean_one(field, value, files)
        except ValueError as exc:
            errors[f"fields.{key}"] = [str(exc)]
    return cleaned, errors
