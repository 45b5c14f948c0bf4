"""Signing keys of a partnership: the keys accepted now, the key this side signs with, and a
rotation on one deployment (across deployments see `partnerships.rotate_partnership_key`).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import protocol
from .directory.models import Partnership


def accepted_keys(p: Partnership, now: dt.datetime) -> dict[str, str]:
    keys = {p.key_id: p.key}
    if p.previous_key_id and p.previous_key_until and p.previous_key_until > now:
        keys[p.previous_key_id] = p.previous_key
    return keys


def signing_key(p: Partnership) -> tuple[str, str]:
    """(key id, key) this side signs with: during its own rotation, until the partner has taken
    it, the key the partner still holds."""
    if p.rotation_nonce and p.previous_key_id:
        return p.previous_key_id, p.previous_key
    return p.key_id, p.key


@transaction.atomic
def rotate_key(*, partnership: Partnership) -> Partnership:
    """A new signing key; the previous one is still accepted for the overlap period."""
    p = Partnership.objects.select_for_update().get(pk=partnership.pk)
    p.previous_key_id, p.previous_key = p.key_id, p.key
    p.previous_key_until = timezone.now() + dt.timedelta(seconds=settings.FEDERATION_KEY_OVERLAP_SECONDS)
    p.key_id, p.key = protocol.new_key()
    p.save()
    return p
