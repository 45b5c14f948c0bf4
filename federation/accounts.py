"""Which account federation code runs in, and the one way it enters another account's schema
(the kernel's `in_account`). Used only by the inbox (the same-deployment transport's receiving
side), partnership state, replay by an operator and the file link (`files`): nothing else in the
account plane names another schema."""

from __future__ import annotations

from kernel import tenancy
from kernel.tenancy import in_account

__all__ = ["current_account", "in_account"]


def current_account():
    account = tenancy.current_account()
    if account is None:
        raise RuntimeError("federation services run inside an account")
    return account
