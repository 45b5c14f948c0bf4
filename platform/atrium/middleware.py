"""The outermost middleware: a request id on every answer, and every API error in the one shape.

- `X-Request-ID`: a sane id the client (or a proxy) sent is kept, otherwise one is made; it is on
  every response, in every error body (`request_id`) and in the log line of a failed request.
- Under the API prefixes (`/api/`, and the machine endpoints `/federation/` and
  `/billing/stripe/`), an error answer that did not come from the API's own exception handler
  (Django's HTML 404 of an unknown path, the 500 page, a body too large, a database that went away
  while a middleware ran) is answered as JSON `{"code", "detail", "fields", "request_id"}` instead.
  The web app's pages (/app/, /portal/, the console) keep their own pages.
- Input PostgreSQL cannot store is refused before any view runs: a NUL character in the path or
  in a query parameter (name or value) is a 400 naming the parameter; a body larger than the
  limits is a 413 without being parsed.
"""

from __future__ import annotations

import logging
import re
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel import errors

API_PREFIXES = ("/api/", "/federation/", "/billing/stripe/")
_SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")
logger = logging.getLogger("atrium.requests")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


def record_exception(sender, request=None, **kwargs) -> None:
    """`got_request_exception` receiver: keeps the exception Django is about to answer with a 500
    page, so the API answer can say 503 when it was a server we need that went away."""
    import sys

    if request is not None:
        request.atrium_exception = sys.exc_info()[1]


def _body_limit(request: HttpRequest) -> int:
    if request.content_type.startswith("multipart/"):
        return settings.ATTACHMENT_MAX_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = rid
        token = errors.request_id.set(rid)
        try:
            if is_api_path(request.path):
                response = self._refuse_early(request) or self.get_response(request)
                response = self._in_error_shape(request, response)
            else:
                response = self.get_response(request)
        finally:
            errors.request_id.reset(token)
        response["X-Request-ID"] = rid
        return response

    @staticmethod
    def _refuse_early(request: HttpRequest) -> HttpResponse | None:
        if "\x00" in request.path:
            return _json(errors.error_body("not_found", errors.NotFound.default_detail), 404)
        bad = sorted(
            {
                name
                for name, values in request.GET.lists()
                if "\x00" in name or any("\x00" in v for v in values)
            }
        )
        if bad:
            message = _("Text may not contain the NUL character.")
            fields = {name.replace("\x00", "\\u0000"): [message] for name in bad}
            return _json(errors.error_body("invalid", errors.InvalidInput.default_detail, fields), 400)
        if _declared_length(request) > _body_limit(request):
            return _json(errors.error_body("request_too_large", errors.RequestTooLarge.default_detail), 413)
        return None

    @staticmethod
    def _in_error_shape(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        exc = getattr(request, "atrium_exception", None)
        mapped = errors.map_unexpected(exc) if exc is not None else None
        status = response.status_code
        if mapped is not None:
            code, detail, status = mapped.code, mapped.detail, mapped.status
        elif status == 400 and _declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            # Django's RequestDataTooBig (a form body over DATA_UPLOAD_MAX_MEMORY_SIZE) says 400
            code, detail, status = "request_too_large", errors.RequestTooLarge.default_detail, 413
        else:
            code, detail = _GENERIC.get(status, ("error", _GENERIC_DETAIL))
        answer = _json(errors.error_body(code, detail), status)
        for header in ("Allow", "Retry-After", "WWW-Authenticate"):
            if header in response:
                answer[header] = response[header]
        if status == 503 and "Retry-After" not in answer:
            answer["Retry-After"] = "5"
        if status >= 500:
            logger.error(
                "%s %s answered %s (request %s)", request.method, request.path, status, request.request_id
            )
        return answer


def _json(body: dict, status: int) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


_GENERIC_DETAIL = errors.DomainError.default_detail
# what an answer that came without the API's own body says, by status
_GENERIC = {
    400: ("bad_request", _GENERIC_DETAIL),
    401: ("not_authenticated", gettext_lazy("Authentication credentials were not provided.")),
    403: ("permission_denied", gettext_lazy("You do not have permission to perform this action.")),
    404: ("not_found", errors.NotFound.default_detail),
    405: ("method_not_allowed", gettext_lazy("This method is not allowed here.")),
    413: ("request_too_large", errors.RequestTooLarge.default_detail),
    500: ("server_error", gettext_lazy("Something went wrong on our side. It has been logged.")),
    503: ("service_unavailable", errors.ServiceUnavailable.default_detail),
}
