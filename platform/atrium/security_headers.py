"""Response headers every answer carries: the Content Security Policy (django-csp) and the few
headers Django's SecurityMiddleware does not set (docs/security.md, "Headers").

One policy for everything (settings.CONTENT_SECURITY_POLICY): scripts only from this origin (the
web app is a Vite build with no inline script; the API docs use drf-spectacular's split view with
Swagger UI from the sidecar package, so they have none either; the Django admin has none), styles
from this origin plus inline ones (React and Radix set style attributes and insert <style>
elements; the console and Swagger UI have inline <style>), images from this origin, data: and
blob: (the favicon, photos before upload), connections to this origin and its websocket.

What depends on the request is added here:
- `connect-src` names the websocket of the host asked (`ws://host` or `wss://host`): browsers differ
  on whether 'self' covers it;
- the operator console posts its single-use handoff form to the account's own host (any of its
  domains), so `form-action` is not limited there.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest

API_PREFIXES = ("/api/", "/federation/", "/billing/")
# Features the web app never uses are off; the camera is the guards' QR scanner (same origin only).
PERMISSIONS_POLICY = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request: HttpRequest, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        host = request.get_host()
        socket = f"{'wss' if request.is_secure() else 'ws'}://{host}"
        update = dict(parts.update or {})
        update["connect-src"] = [*update.get("connect-src", []), socket]
        parts.update = update
        if request.path_info.startswith("/console/"):
            parts.replace = {**(parts.replace or {}), "form-action": None}
        return parts


class SecurityHeadersMiddleware:
    """Permissions-Policy on every answer; API answers are never stored by a browser or a proxy
    (they carry people's data), unless a view chose its own Cache-Control."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if request.path_info.startswith(API_PREFIXES) and "Cache-Control" not in response:
            response["Cache-Control"] = "no-store"
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
