"""The web app's pages on account hosts: `/app/` (agents) and `/portal/` (requesters).

Vite builds frontend/ into frontend/dist (atrium/frontend.py): `app/index.html`,
`portal/index.html` and hashed assets under `assets/`, served by whitenoise at `/static/web/`
with a year-long cache. Every path under `/app/` or `/portal/` answers that entry's index.html
(the client-side router takes it from there) with no caching, and sets the CSRF cookie the API
client sends back. `/` sends a signed-in agent to `/app/`, a requester to `/portal/`, anyone else
to the sign-in page.

`/portal/sw.js` is the portal's service worker (frontend/public/portal/sw.js, copied into
dist/portal/ by the build): served from under /portal/ so its scope covers the portal, never
cached by the browser's HTTP cache (a new one is picked up on the next visit).
"""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_safe

ENTRIES = ("app", "portal")
_pages: dict[str, tuple[float, bytes]] = {}


def _page(entry: str) -> bytes | None:
    """The built index.html of one entry, read again only when the build replaced it."""
    path: Path = settings.WEBAPP_DIST / entry / "index.html"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return None
    cached = _pages.get(entry)
    if cached is None or cached[0] != mtime:
        cached = (mtime, path.read_bytes())
        _pages[entry] = cached
    return cached[1]


def is_immutable_asset(path: str, url: str) -> bool:
    """Vite puts a content hash in every name under assets/: those never change (whitenoise)."""
    return url.startswith("/static/web/assets/") or bool(re.search(r"\.[0-9a-f]{12}\.\w+$", url))


SERVICE_WORKERS = {("portal", "sw.js"): "/portal/"}


def _service_worker(entry: str, rest: str) -> HttpResponse:
    path: Path = settings.WEBAPP_DIST / entry / rest
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return HttpResponse(status=404, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = SERVICE_WORKERS[(entry, rest)]
    return response


@require_safe
@ensure_csrf_cookie
def shell(request: HttpRequest, entry: str, rest: str = "") -> HttpResponse:
    if (entry, rest) in SERVICE_WORKERS:
        return _service_worker(entry, rest)
    body = _page(entry)
    if body is None:
        response = HttpResponse(
            _("The web app is not built on this server. Run ./dev frontend (or ./dev up)."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    from tenant_apps.people.models import AGENT_ROLES

    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect("/app/sign-in")
    return HttpResponseRedirect("/app/" if user.role in AGENT_ROLES else "/portal/")
