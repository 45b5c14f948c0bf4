"""What billing asks the account plane: seats in use, and who is an account admin.

Billing sits below tenant_apps (pyproject's import-linter contracts): it never imports people.
People installs the answers when it loads (`tenant_apps/people/seats.py`, called from
PeopleConfig.ready()); billing calls these functions.
"""

from __future__ import annotations

from collections.abc import Callable

_hooks: dict[str, Callable] = {}


def install(
    *,
    seats_used: Callable[[], int],
    holds_admin_role: Callable[[object], bool],
    may_manage_billing: Callable[[object], bool],
) -> None:
    _hooks.update(
        seats_used=seats_used, holds_admin_role=holds_admin_role, may_manage_billing=may_manage_billing
    )


def _hook(name: str) -> Callable:
    try:
        return _hooks[name]
    except KeyError:
        raise RuntimeError(f"billing's {name} is not installed (tenant_apps.people is not loaded)") from None


def seats_used() -> int:
    """Agents who hold a seat in the current account (active, not blocked, access not expired)."""
    return _hook("seats_used")()


def holds_admin_role(person) -> bool:
    """The person's role is account admin (whatever their state)."""
    return _hook("holds_admin_role")(person)


def may_manage_billing(user) -> bool:
    """The plan, seats, Checkout and the Stripe Customer Portal are the account admin's."""
    return _hook("may_manage_billing")(user)
