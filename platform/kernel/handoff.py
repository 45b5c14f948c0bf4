"""Operator impersonation as an account host sees it: redeem a console handoff token, ask whether
an impersonation is still running, and the two errors of it.

The console (`tenants_shared.console`, control plane) issues handoffs and keeps the Impersonation
rows; the account plane's middleware (`tenant_apps.people.impersonation`) redeems them. The account
plane never imports the console (pyproject's import-linter contracts), so the console installs its
implementation here when it loads (`ConsoleConfig.ready()` -> `install`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from kernel.errors import DomainError


class HandoffInvalid(DomainError):
    code = "handoff_invalid"
    status = 400
    default_detail = _(
        "This sign-in link is not valid: it expired, was already used, or is for another account."
    )


class ImpersonationForbidden(DomainError):
    code = "impersonation_forbidden"
    status = 403
    default_detail = _(
        "Not while impersonating: passwords, API tokens and billing stay with the account's own people."
    )


@dataclass(frozen=True)
class Redeemed:
    impersonation_id: int
    person_id: int
    operator_email: str
    reason: str
    expires_at: dt.datetime


_redeem: Callable[..., Redeemed] | None = None
_running_until: Callable[..., dt.datetime | None] | None = None


def install(*, redeem: Callable[..., Redeemed], running_until: Callable[..., dt.datetime | None]) -> None:
    global _redeem, _running_until
    _redeem, _running_until = redeem, running_until


def _installed(fn):
    if fn is None:
        raise RuntimeError("no impersonation handoff is installed (tenants_shared.console is not loaded)")
    return fn


def redeem(*, token: str, account) -> Redeemed:
    """Use a handoff token on `account`'s host: signed for this account, fresh, never used before.
    Raises HandoffInvalid otherwise."""
    return _installed(_redeem)(token=token, account=account)


def running_until(*, impersonation_id: int, account) -> dt.datetime | None:
    """When the impersonation ends, or None if it has ended (expired, or ended by an operator)."""
    return _installed(_running_until)(impersonation_id=impersonation_id, account=account)
