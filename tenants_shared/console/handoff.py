"""The control plane's side of impersonation handoffs: redeem one, and ask whether an impersonation
is still running. Installed into kernel.handoff by ConsoleConfig.ready(); account-plane code calls
kernel.handoff, never this package."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import transaction
from django.utils import timezone
from kernel.handoff import HandoffInvalid, Redeemed

from .models import Impersonation
from .services import HANDOFF_SALT, HANDOFF_SECONDS


def _invalid() -> HandoffInvalid:
    return HandoffInvalid(fields={"token": [str(HandoffInvalid.default_detail)]})


def redeem(*, token: str, account) -> Redeemed:
    """Use a handoff token on `account`'s host: signed for this account, fresh, never used before."""
    try:
        data = signing.loads(token or "", salt=HANDOFF_SALT, max_age=HANDOFF_SECONDS)
    except signing.BadSignature as exc:  # includes SignatureExpired
        raise _invalid() from exc
    if not isinstance(data, dict) or data.get("a") != account.pk:
        raise _invalid()
    now = timezone.now()
    with transaction.atomic():
        grant = (
            Impersonation.objects.select_for_update()
            .filter(pk=data.get("i"), account_id=account.pk, redeemed_at__isnull=True, ended_at__isnull=True)
            .first()
        )
        if grant is None or grant.handoff_expires_at <= now or grant.expires_at <= now:
            raise _invalid()
        grant.redeemed_at = now
        grant.save(update_fields=["redeemed_at"])
    return Redeemed(grant.pk, grant.person_id, grant.operator_email, grant.reason, grant.expires_at)


def running_until(*, impersonation_id: int, account) -> dt.datetime | None:
    """When the impersonation ends, or None if it has ended (expired, or ended by an operator)."""
    grant = (
        Impersonation.objects.filter(pk=impersonation_id, account_id=account.pk, ended_at__isnull=True)
        .only("expires_at")
        .first()
    )
    if grant is None or grant.expires_at <= timezone.now():
        return None
    return grant.expires_at
