"""Branding images and the portal's web manifest, served by Django on the account's host.

Anyone may fetch them (the portal's sign-in page, the browser installing the app). Their URLs
carry the branding's version (`?v=`): a URL with the current version is cached for a day, and
every answer has an ETag, so a changed logo or colour is fetched again at once.
"""

from __future__ import annotations

import json

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from . import icons, services


def _cached(request: HttpRequest, body: bytes, content_type: str, version: int) -> HttpResponse:
    etag = quote_etag(f"{connection.schema_name}-{version}-{len(body)}")
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    current = request.GET.get("v") == str(version)
    response["Cache-Control"] = "public, max-age=86400" if current else "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def icon(request: HttpRequest, size: int) -> HttpResponse:
    if size not in icons.SIZES:
        raise Http404()
    branding = services.current()
    body = icons.icon_png(branding, connection.tenant.name, size)
    return _cached(request, body, "image/png", branding.version)


@require_safe
def logo(request: HttpRequest, ext: str) -> HttpResponse:
    branding = services.current()
    if not branding.logo:
        raise Http404()
    with branding.logo.open("rb") as fh:
        body = fh.read()
    return _cached(request, body, branding.logo_content_type or "image/png", branding.version)


def _short_name(name: str, account_name: str) -> str:
    """What a home screen shows under the icon: about 12 characters."""
    for candidate in (name, account_name):
        if len(candidate) <= 12:
            return candidate
    return name[:12].rstrip(" ·-—,.")


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    branding = services.current()
    name = services.portal_name(branding)
    v = branding.version
    document = {
        "name": name,
        "short_name": _short_name(name, connection.tenant.name),
        "description": branding.welcome_text[:300],
        "lang": connection.tenant.language,
        "id": "/portal/",
        "start_url": "/portal/",
        "scope": "/portal/",
        "display": "standalone",
        "theme_color": branding.primary_color,
        "background_color": "#FFFFFF",
        "icons": [
            {
                "src": f"/branding/icon-{size}.png?v={v}",
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": purpose,
            }
            for size in icons.SIZES
            for purpose in ("any", "maskable")
        ],
    }
    body = json.dumps(document, ensure_ascii=False).encode()
    response = _cached(request, body, "application/manifest+json", v)
    response["Cache-Control"] = "no-cache"  # its URL never changes: always revalidated
    return response
