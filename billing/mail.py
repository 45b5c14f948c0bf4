"""Billing's mails to an account's admins, through the account's notifications.

Billing sits below tenant_apps and never imports them: tenant_apps.notifications installs its
sender here in its ready(). The sender renders the kind's ru/en template (notifications/kinds.py)
in each admin's language (theirs, else the account's, else the platform's) inside the account's
branded frame, and sends. Billing's Celery task (`billing.mail_trial_ending`) is the after-commit
step that calls it, with its own retries.
"""

from __future__ import annotations

from collections.abc import Callable

_admin_mail: Callable[..., int] | None = None


def install_admin_mail(sender: Callable[..., int]) -> None:
    global _admin_mail
    _admin_mail = sender


def mail_account_admins(*, kind: str, context: dict) -> int:
    """Mail every active admin of the current account (run inside its schema); how many."""
    if _admin_mail is None:
        raise RuntimeError("tenant_apps.notifications sends billing's mail: it is not installed")
    return _admin_mail(kind=kind, context=context)
