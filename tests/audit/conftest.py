"""The desk's mall (people in every role), from tests/support."""

from tests.support.fixtures import mall  # noqa: F401
