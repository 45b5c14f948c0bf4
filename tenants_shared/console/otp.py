"""Two-factor state of an operator's console session (django-otp's session key, checked here
without django-otp's middleware, which account hosts do not need)."""

from __future__ import annotations

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

ENROL_SESSION_KEY = "console_enrol_user"

__all__ = ["otp_login", "verified", "confirmed_device", "ENROL_SESSION_KEY"]


def verified(request) -> bool:
    """Signed in with password AND a TOTP code of one of the operator's confirmed devices."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    if not persistent_id:
        return False
    device = TOTPDevice.from_persistent_id(persistent_id, for_verify=False)
    return device is not None and device.user_id == user.pk and device.confirmed


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
