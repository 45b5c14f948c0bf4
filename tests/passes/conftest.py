"""Passes fixtures: the desk's mall account (people in every role, Security group with the guard),
and the approvals of pass requests, decided for real."""

from __future__ import annotations

import pytest

from tenants_shared.accounts.models import Account
from tenants_shared.accounts.selectors import forget_cached_accounts
from tests.support.worlds import Mall, complete_approval, day, file_request, make_mall, request_body

__all__ = ["complete_approval", "day", "file_request", "request_body", "set_time_zone"]


@pytest.fixture
def mall(db) -> Mall:
    return make_mall()


def set_time_zone(mall: Mall, name: str) -> None:
    Account.objects.filter(pk=mall.made.account.pk).update(time_zone=name)
    mall.made.account.time_zone = name
    forget_cached_accounts()
