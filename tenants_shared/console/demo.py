"""The demo platform operator, loaded once by `atrium up` with the demo accounts (idempotent)."""

from __future__ import annotations

from tenant_apps.people.models import User
from tenants_shared.accounts.demo import DEMO_PASSWORD, OPERATOR_EMAIL

from .models import Operator, OperatorRole


def ensure_demo_operator() -> str:
    """The demo owner operator (public schema); returns its printable login line."""
    operator = User.objects.filter(email=OPERATOR_EMAIL).first()
    if operator is None:
        operator = User.objects.create_superuser(OPERATOR_EMAIL, DEMO_PASSWORD, full_name="Platform Operator")
    Operator.objects.get_or_create(user=operator, defaults={"role": OperatorRole.OWNER})
    return (
        f"operator  {OPERATOR_EMAIL} / {DEMO_PASSWORD}  (public host /console/: the first sign-in "
        "sets up the authenticator app)"
    )
