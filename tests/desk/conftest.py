"""Desk fixtures: the mall account (defaults of its kind) with people in every role.

The world itself lives in tests/support/worlds.py; `Mall` and `make_mall` stay importable from here
only for tests written before the move (new code imports tests.support)."""

from __future__ import annotations

from tests.support.fixtures import mall, module_mall  # noqa: F401
from tests.support.worlds import Mall, make_mall

__all__ = ["Mall", "make_mall"]
