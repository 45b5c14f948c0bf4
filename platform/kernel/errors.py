"""Domain errors and the one place that maps them (and DRF's own errors) to API responses.

Every error body has the same shape:
    {"code": "<machine code>", "detail": "<human message>", "fields": {"<field>": ["message", ...]},
     "request_id": "<X-Request-ID of the answer>"}
`fields` is always there (`{}` when no input field is at fault); `request_id` whenever the error
answers a request (atrium.middleware sets it).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.response import Response


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


class ServiceUnavailable(DomainError):
    """A server the request needs (PostgreSQL, Redis) does not answer now; retrying later may work."""

    code = "service_unavailable"
    status = 503
    default_detail = _("The service is unavailable for a moment. Try again shortly.")


class UnreadableBody(DomainError):
    code = "parse_error"
    status = 400
    default_detail = _("The request body could not be read.")


class RequestTooLarge(DomainError):
    code = "request_too_large"
    status = 413
    default_detail = _("The request body is too large.")


logger = logging.getLogger("kernel.errors")
# the id of the request being answered (atrium.middleware.ApiMiddleware sets it)
request_id: ContextVar[str | None] = ContextVar("atrium_request_id", default=None)


def error_body(code: str, detail: Any, fields: dict | None = None) -> dict:
    body = {
        "code": code,
        "detail": str(detail),
        "fields": {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()},
    }
    current = request_id.get()
    if current:
        body["request_id"] = current
    return body


def _redis_errors() -> tuple[type[BaseException], ...]:
    import redis.exceptions
    from kombu.exceptions import OperationalError as BrokerError

    return (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, BrokerError)


def unavailable(exc: BaseException) -> bool:
    """True for an exception that says a server we need is not answering (not a bug of ours)."""
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # pragma: no cover - the pool is a dependency
        PoolTimeout = OperationalError  # noqa: N806
    return isinstance(exc, (OperationalError, InterfaceError, PoolTimeout, *_redis_errors()))


def map_unexpected(exc: BaseException) -> DomainError | None:
    """The domain error an exception that is not ours stands for, when it stands for one: a body
    too large or unreadable (the client's fault), a server we need gone (nobody's bug)."""
    if isinstance(exc, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        return RequestTooLarge()
    if isinstance(exc, MultiPartParserError):
        return UnreadableBody(_("The multipart body could not be read."))
    if isinstance(exc, RecursionError):
        return UnreadableBody(_("The request is nested too deeply."))
    if unavailable(exc):
        logger.warning("answered 503: %s: %s", exc.__class__.__name__, exc)
        return ServiceUnavailable()
    if isinstance(exc, DataError):
        # a value the database cannot hold or compare that no validation caught (a date with a
        # UTC offset beyond PostgreSQL's ±15:59, a number past its type): the client's input
        logger.warning("answered 400: %s: %s", exc.__class__.__name__, exc)
        return InvalidInput()
    return None


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
    # imported here: rest_framework.views loads the authentication classes, which import this module
    from rest_framework.views import exception_handler as drf_exception_handler

    if not isinstance(exc, (DomainError, drf.APIException, Http404, PermissionDenied)):
        exc = map_unexpected(exc) or exc
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.detail, exc.fields), status=exc.status)
        if exc.status == 503:
            response["Retry-After"] = "5"
        return response
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
