"""Who may do what in the operator console (public host): the console's roles.

Operators are public-schema users with is_staff and a console role (tenants_shared.console.models
.Operator). The matrix (docs/console.md): support views and impersonates; billing views and changes
plans, limits and trials; owner does everything, including suspending, resuming, closing accounts.
The account plane's rules (tenant_apps/permissions.py) never decide anything here.
"""

from __future__ import annotations

CONSOLE_ROLES = frozenset({"support", "billing", "owner"})


def operator_role(user) -> str | None:
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return None
    operator = getattr(user, "operator", None)  # the reverse one-to-one raises AttributeError if absent
    role = operator.role if operator is not None else None
    return role if role in CONSOLE_ROLES else None


def can_use_console(user) -> bool:
    return operator_role(user) is not None


def can_impersonate(user) -> bool:
    return operator_role(user) in ("support", "owner")


def can_change_billing(user) -> bool:
    """Plans, seat and feature overrides, trial extensions."""
    return operator_role(user) in ("billing", "owner")


def can_suspend_accounts(user) -> bool:
    return operator_role(user) == "owner"


def can_close_accounts(user) -> bool:
    return operator_role(user) == "owner"


def can_replay_federation(user) -> bool:
    """Replay an account's parked federation messages from the console."""
    return operator_role(user) in ("support", "owner")


def can_manage_operators(user) -> bool:
    """Operators, plans and the rest of the Django admin on the public host."""
    return operator_role(user) == "owner"
