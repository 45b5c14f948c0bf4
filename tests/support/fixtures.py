"""Fixtures several areas share. pytest finds a fixture only through a conftest, so a folder's
conftest imports what it needs from here and re-exports it:
`from tests.support.fixtures import mall  # noqa: F401`."""

from __future__ import annotations

import pytest

from tests.support.worlds import Mall, make_mall


@pytest.fixture
def mall(db) -> Mall:
    """The desk's mall (people in every role), made inside the test's transaction."""
    return make_mall()
