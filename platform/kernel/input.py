"""How the API reads input, in one place for every view (installed by `atrium.apps`).

- Writes refuse fields they do not know (and read-only ones), naming them, the way Stripe's API
  does: a typo (`titel`) is never silently dropped. JSON, form and multipart bodies alike.
- JSON bodies are parsed with a bounded nesting depth, and text PostgreSQL cannot store (the NUL
  character) or numbers JSON cannot carry (infinity) are refused at the door: `parse_error`.
- A JSON field sent in a form or multipart body as the text `null` is a null, and refused where
  the field does not allow one (DRF would otherwise hand the database a NULL).
- Integer fields take what a PostgreSQL bigint holds unless they say otherwise: an id of 2**70 is
  a field error, never a database error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import fields as drf_fields
from rest_framework import parsers, serializers
from rest_framework.exceptions import ParseError, ValidationError

# deeper than any document of this API (a workflow is 4 levels, a routing rule 5)
MAX_JSON_DEPTH = 64
BIGINT_MIN, BIGINT_MAX = -(2**63), 2**63 - 1
# form fields a browser adds on its own
IGNORED_FORM_FIELDS = frozenset({"csrfmiddlewaretoken"})

UNKNOWN_FIELD = _("Unknown field.")
READ_ONLY_FIELD = _("This field is read-only.")
NUL_IN_TEXT = _("Text may not contain the NUL character.")


def unstorable_reason(value: Any, max_depth: int = MAX_JSON_DEPTH) -> str | None:
    """Why a decoded JSON value cannot be taken (too deep, NUL in a text or key, a non-finite
    number), or None. Iterative: a hostile document never costs the stack."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return str(NUL_IN_TEXT)
        elif isinstance(item, float):
            if not math.isfinite(item):
                return str(_("Numbers must be finite."))
        elif isinstance(item, (dict, list)):
            if depth > max_depth:
                return str(_("The JSON document is nested too deeply."))
            if isinstance(item, dict):
                for key, child in item.items():
                    if "\x00" in key:
                        return str(NUL_IN_TEXT)
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, with the document checked before any serializer sees it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the document is nested too deeply.")) from None
        reason = unstorable_reason(data)
        if reason is not None:
            raise ParseError(_("JSON parse error - %(reason)s") % {"reason": reason})
        return data


# ---------------------------------------------------------------------------- serializer hooks
_original_to_internal_value = serializers.Serializer.to_internal_value
_original_json_to_internal_value = drf_fields.JSONField.to_internal_value
_original_integer_init = drf_fields.IntegerField.__init__


def _strict_to_internal_value(self, data):
    """Serializer.to_internal_value, refusing keys that name no writable field."""
    unknown: dict[str, list[str]] = {}
    if isinstance(data, Mapping):
        writable = {field.field_name for field in self._writable_fields}
        read_only = {name for name, field in self.fields.items() if field.read_only}
        for key in data:
            if key in writable or key in IGNORED_FORM_FIELDS:
                continue
            unknown[str(key)] = [str(READ_ONLY_FIELD if key in read_only else UNKNOWN_FIELD)]
    try:
        value = _original_to_internal_value(self, data)
    except ValidationError as exc:
        if unknown and isinstance(exc.detail, dict):
            raise ValidationError({**exc.detail, **unknown}) from None
        raise
    if unknown:
        raise ValidationError(unknown)
    return value


def _json_to_internal_value(self, data):
    value = _original_json_to_internal_value(self, data)
    if value is None and not self.allow_null:
        # the text "null" of a form field: what a JSON null is refused with
        self.fail("null")
    reason = unstorable_reason(value)
    if reason is not None:
        raise ValidationError(reason, code="invalid")
    return value


def _bounded_integer_init(self, **kwargs):
    kwargs.setdefault("max_value", BIGINT_MAX)
    kwargs.setdefault("min_value", BIGINT_MIN)
    _original_integer_init(self, **kwargs)


def install() -> None:
    """Called once by atrium.apps.AtriumConfig.ready()."""
    serializers.Serializer.to_internal_value = _strict_to_internal_value
    drf_fields.JSONField.to_internal_value = _json_to_internal_value
    drf_fields.IntegerField.__init__ = _bounded_integer_init
    assert "kernel.input.JSONParser" in settings.REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]
