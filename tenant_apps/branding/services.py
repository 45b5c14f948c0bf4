"""Writes to the account's branding (its admin's), and the branding as the public reads it."""

from __future__ import annotations

import re
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput
from kernel.uploads import AttachmentRejected, accept_upload

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change

from .models import Branding

HEX_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
LOGO_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
EDITABLE = ("portal_name", "welcome_text", "primary_color", "accent_color")
LIMITS = {"portal_name": 100, "welcome_text": 1000}


def current() -> Branding:
    """The account's branding; the defaults (unsaved) until its admin changes something."""
    return Branding.objects.filter(pk=1).first() or Branding(pk=1)


def portal_name(branding: Branding | None = None) -> str:
    branding = branding or current()
    return branding.portal_name or connection.tenant.name


def _locked() -> Branding:
    Branding.objects.get_or_create(pk=1)
    return Branding.objects.select_for_update().get(pk=1)


@transaction.atomic
def update_branding(*, actor, changes: dict) -> Branding:
    ensure_allowed(actor, perms.can_manage_branding)
    errors: dict[str, list[str]] = {}
    for name, value in changes.items():
        if name not in EDITABLE:
            errors[name] = [_("This field cannot be changed here.")]
        elif not isinstance(value, str):
            errors[name] = [_("Send a text.")]
        elif name.endswith("_color") and not HEX_COLOUR.match(value):
            errors[name] = [_("Use a colour as #RRGGBB, e.g. #1F6FEB.")]
        elif name in LIMITS and len(value.strip()) > LIMITS[name]:
            errors[name] = [_("Use at most %(n)d characters.") % {"n": LIMITS[name]}]
    if errors:
        raise InvalidInput(fields=errors)
    branding = _locked()
    for name, value in changes.items():
        value = value.upper() if name.endswith("_color") else value.strip()
        setattr(branding, name, value)
    branding.version = F("version") + 1
    branding.save()
    branding.refresh_from_db()
    record_change(actor=actor, action="branding.changed", details={"fields": sorted(changes)})
    return branding


@transaction.atomic
def set_logo(*, actor, upload) -> Branding:
    """A PNG, JPEG or WebP logo, stored re-encoded without its metadata (atrium/uploads.py)."""
    ensure_allowed(actor, perms.can_manage_branding)
    limit = settings.BRANDING_LOGO_MAX_BYTES
    if upload.size > limit:
        raise InvalidInput(fields={"file": [_("The logo may be at most %(kb)d KB.") % {"kb": limit // 1024}]})
    accepted = accept_upload(upload)  # refuses SVG, HTML and anything that is not a file we take
    extension = LOGO_TYPES.get(accepted.content_type)
    if extension is None:
        raise AttachmentRejected(
            _("The logo must be a PNG, JPEG or WebP image."),
            fields={"file": [_("Send a PNG, JPEG or WebP image.")]},
        )
    branding = _locked()
    old = branding.logo.name if branding.logo else ""
    branding.version += 1
    branding.logo.save(f"logo-{secrets.token_hex(4)}.{extension}", accepted.file, save=False)
    branding.logo_content_type = accepted.content_type
    branding.save()
    if old:
        storage = branding.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    record_change(actor=actor, action="branding.logo_set", details={"content_type": accepted.content_type})
    return branding


@transaction.atomic
def clear_logo(*, actor) -> Branding:
    ensure_allowed(actor, perms.can_manage_branding)
    branding = _locked()
    old = branding.logo.name if branding.logo else ""
    branding.logo, branding.logo_content_type = "", ""
    branding.version += 1
    branding.save()
    if old:
        storage = Branding._meta.get_field("logo").storage
        transaction.on_commit(lambda: storage.delete(old))
    record_change(actor=actor, action="branding.logo_cleared")
    return branding


def public_branding(branding: Branding | None = None) -> dict:
    """What anyone may read on the account's host (the portal's sign-in page, the manifest)."""
    branding = branding or current()
    account = connection.tenant
    v = branding.version
    ext = LOGO_TYPES.get(branding.logo_content_type, "png")
    return {
        "name": account.name,
        "portal_name": portal_name(branding),
        "welcome_text": branding.welcome_text,
        "primary_color": branding.primary_color,
        "accent_color": branding.accent_color,
        "logo_url": f"/branding/logo.{ext}?v={v}" if branding.logo else None,
        "icon_url": f"/branding/icon-192.png?v={v}",
        "language": account.language,
        "languages": [code for code, _name in settings.LANGUAGES],
    }
