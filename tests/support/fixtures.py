"""Fixtures several areas share. pytest finds a fixture only through a conftest, so a folder's
conftest imports what it needs from here and re-exports it:
`from tests.support.fixtures import mall  # noqa: F401`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from tests.support.worlds import Mall, make_mall

T = TypeVar("T")


@pytest.fixture
def mall(db) -> Mall:
    """The desk's mall (people in every role), made inside the test's transaction."""
    return make_mall()


def rolled_back_world(django_db_blocker, make: Callable[[], T]) -> Iterator[T]:
    """The body of a module-scoped world fixture: `make()` runs inside a transaction that stays
    open for the module and is rolled back after it; each test (marked `django_db`) runs in a
    savepoint inside it, so what a test writes is rolled back before the next one starts. Use it as
    `yield from rolled_back_world(django_db_blocker, make_thing)` in a fixture scoped to the module
    that asks for `django_db_setup` and `django_db_blocker`."""
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield make()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_mall(django_db_setup, django_db_blocker) -> Mall:
    """One mall for a whole test module, for files that would otherwise build the same world for
    each of many tests. It is made inside a transaction that stays open for the module and is rolled
    back after it; each test (marked `django_db`) runs in a savepoint inside it, so what a test
    writes is rolled back before the next one starts: the tests stay independent. A file that uses
    it runs whole on one xdist worker (tests/workers.py: a module-scoped fixture of ours).

    A module moves its tests onto it with a `mall` fixture of its own that returns `module_mall`
    (tests/desk/test_permissions.py); only for tests that need no committed data (no other process
    reads what they write)."""
    yield from rolled_back_world(django_db_blocker, make_mall)
