"""People's answers to billing (billing/accounts_plane.py): billing sits below the account plane and
never imports people, so people installs these when it loads (PeopleConfig.ready())."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from .models import AGENT_ROLES, Role, User


def seats_used() -> int:
    """Agents who hold a seat in the current account: active, not blocked, access not expired.
    Requesters, visitors and partners' people never do."""
    return (
        User.objects.filter(role__in=AGENT_ROLES, is_active=True, blocked_at__isnull=True)
        .filter(Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=timezone.now()))
        .count()
    )


def holds_admin_role(person) -> bool:
    return person.role == Role.ACCOUNT_ADMIN


def install_into_billing() -> None:
    from billing import accounts_plane
    from tenant_apps import permissions

    accounts_plane.install(
        seats_used=seats_used,
        holds_admin_role=holds_admin_role,
        may_manage_billing=permissions.can_manage_billing,
    )
