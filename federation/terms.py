"""A partnership's terms: which ticket types cross and how statuses map, checked against this
account's own codes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tenant_apps.desk.models import (
    Status,
    TicketType,
)

from .directory.models import Side

TERM_NAMES = ("type_map", "status_to_provider", "status_to_requester")


def str_map(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def check_terms(terms: dict[str, Any], side: str, errors: dict[str, list[str]]) -> dict[str, Any]:
    """Validate what this side's schema can check: its own type codes and status keys."""
    out: dict[str, Any] = {}
    type_codes = set(TicketType.objects.values_list("code", flat=True))
    status_keys = set(Status.objects.values_list("key", flat=True))
    for name in ("type_map", "status_to_provider", "status_to_requester"):
        if name not in terms or terms[name] is None:
            continue
        value = terms[name]
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            errors[name] = [_("Send an object of codes to codes.")]
            continue
        out[name] = value
    mine_keys = {  # which side of each map names this account's codes
        Side.REQUESTER: {"type_map": "keys", "status_to_provider": "keys", "status_to_requester": "values"},
        Side.PROVIDER: {"type_map": "values", "status_to_provider": "values", "status_to_requester": "keys"},
    }[side]
    for name, which in mine_keys.items():
        if name not in out:
            continue
        codes = set(out[name].keys() if which == "keys" else out[name].values()) - {""}
        known = type_codes if name == "type_map" else status_keys
        unknown = sorted(codes - known)
        if unknown:
            errors[name] = [_("Unknown in this account: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if "attachments" in terms:
        if not isinstance(terms["attachments"], bool):
            errors["attachments"] = [_("Send true or false.")]
        else:
            out["attachments"] = terms["attachments"]
    return out
