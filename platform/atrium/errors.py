"""Domain errors and the one place that maps them (and DRF's own errors) to API responses.

Every error body has the same shape:
    {"code": "<machine code>", "detail": "<human message>", "fields": {"<field>": ["message", ...]}}
`fields` is present only when specific input fields are at fault.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    code = "error"
    status = 400
    default_detail = _("The request could not be completed.")

    def __init__(self, detail: Any = None, *, fields: dict[str, list[str]] | None = None):
        self.detail = detail if detail is not None else self.default_detail
        self.fields = fields or {}
        super().__init__(str(self.detail))


class InvalidInput(DomainError):
    code = "invalid"
    status = 400
    default_detail = _("Some fields are not valid.")


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    status = 401
    default_detail = _("The e-mail or password is not correct.")


class AccountClosed(DomainError):
    code = "account_closed"
    status = 403
    default_detail = _("This account is closed.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_detail = _("Not found.")


def error_body(code: str, detail: Any, fields: dict | None = None) -> dict:
    body = {"code": code, "detail": str(detail)}
    if fields:
        body["fields"] = {name: [str(m) for m in msgs] for name, msgs in fields.items()}
    return body


def _flatten_drf_fields(data: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(data, dict):
        out: dict[str, list[str]] = {}
        for key, value in data.items():
            out.update(_flatten_drf_fields(value, f"{prefix}{key}" if not prefix else f"{prefix}.{key}"))
        return out
    if isinstance(data, list) and data and all(not isinstance(i, (dict, list)) for i in data):
        return {prefix or "non_field_errors": [str(i) for i in data]}
    if isinstance(data, list):
        out = {}
        for index, item in enumerate(data):
            out.update(_flatten_drf_fields(item, f"{prefix}.{index}" if prefix else str(index)))
        return out
    return {prefix or "non_field_errors": [str(data)]}


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        return Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: let Django log it and answer 500
    if isinstance(exc, drf.ValidationError):
        response.data = error_body("invalid", InvalidInput.default_detail, _flatten_drf_fields(exc.detail))
    else:
        detail = exc.detail if isinstance(exc, drf.APIException) else str(exc)
        code = getattr(exc, "default_code", "error")
        if isinstance(detail, dict):
            response.data = error_body(code, detail.get("detail", ""), None)
        else:
            response.data = error_body(code, detail)
    return response
