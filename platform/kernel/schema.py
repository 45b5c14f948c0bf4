"""The OpenAPI schema says what the API answers, errors included, from one place.

Every operation declares the error answers it can give, in the one error shape (the `Error`
component: kernel.errors), from what its view says about itself: a body (400, 413, 415), path
parameters (404), sign-in (401, 403), throttles (429), writes (402 on a paused desk, 409), and
503 everywhere (a database or Redis that does not answer for a moment). An operation that
declares a status itself (`extend_schema(responses=...)`) keeps its own description.
"""

from __future__ import annotations

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.permissions import AllowAny

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
# the control plane's anonymous endpoints (sign-up) never answer for an account; the custom-domain
# API lives with the registry it changes but answers on account hosts (atrium/urls_account.py)
PUBLIC_MODULES = ("tenants_shared.",)
ACCOUNT_HOST_MODULES = ("tenants_shared.accounts.api.domains",)

DESCRIPTIONS = {
    "400": "Invalid input (`invalid`, with field messages) or an unreadable body (`parse_error`).",
    "401": "Not signed in, or the credentials are wrong.",
    "402": "The desk is read-only: its licence lapsed (`licence_read_only`).",
    "403": "Not allowed (`permission_denied`), or the account is closed or suspended.",
    "404": "No such object (or not one you may see), or no account at this host.",
    "409": "The object's state does not allow it now (a closed ticket, a transition, a seat limit...).",
    "413": "The body is too large (`request_too_large`).",
    "415": "The body's content type is not one the operation reads.",
    "429": "Too many requests (`throttled`); `Retry-After` says when to try again.",
    "503": "A server the API needs does not answer for a moment (`service_unavailable`); retry.",
}


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error answer (docs/api.md, Errors)."""

    code = serializers.CharField(help_text="Machine code, e.g. `invalid`, `not_found`, `throttled`.")
    detail = serializers.CharField(help_text="Human message in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (`{}` when no field is at fault).",
    )
    request_id = serializers.CharField(help_text="The answer's X-Request-ID.")

    class Meta:
        ref_name = "Error"


def error_statuses(view, method: str, path: str) -> list[str]:
    statuses = ["400", "503"]
    anonymous = all(issubclass(p, AllowAny) for p in getattr(view, "permission_classes", []))
    module = type(view).__module__
    account_host = not module.startswith(PUBLIC_MODULES) or module.startswith(ACCOUNT_HOST_MODULES)
    checks_credentials = getattr(view, "throttle_scope", None) == "login"  # sign-in, token, handoff
    if getattr(view, "authentication_classes", None) or not anonymous or checks_credentials:
        statuses.append("401")
    if account_host:
        statuses.append("403")  # a closed or suspended account answers 403 on every path
    # a path's object, an object the body names (a message to replay), a host that is no account's
    statuses.append("404")
    if method in WITH_BODY:
        statuses += ["413", "415"]
    if method in UNSAFE and account_host:
        statuses.append("409")
        if not path.startswith(("/api/v1/auth/", "/api/v1/billing/")):
            statuses.append("402")
    if getattr(view, "throttle_classes", None):
        statuses.append("429")
    return statuses


class AutoSchema(openapi.AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for status in error_statuses(self.view, self.method, self.path):
            if status in responses:
                continue
            answer = self._get_response_for_code(ErrorSerializer, status, direction=direction)
            answer["description"] = DESCRIPTIONS[status]
            responses[status] = answer
        return dict(sorted(responses.items()))
