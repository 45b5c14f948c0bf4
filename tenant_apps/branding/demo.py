"""The demo accounts' branding (./dev up): Zelenopark's portal has a name and its two colours."""

from __future__ import annotations

from django.db import connection

from .models import Branding
from .services import update_branding

DEMO_BRANDING = {
    "zelenopark": {
        "portal_name": "Зеленопарк · арендаторам",
        "welcome_text": "Заявки, пропуска и объявления торгового центра «Зеленопарк» в одном месте.",
        "primary_color": "#1B7F4B",
        "accent_color": "#F2A900",
    },
}


def fill_demo_branding() -> None:
    """Call inside the account's schema (with connection.tenant set); once: an existing branding
    is the admin's and stays."""
    spec = DEMO_BRANDING.get(connection.tenant.slug)
    if spec is None or Branding.objects.exists():
        return
    update_branding(actor=None, changes=spec)
