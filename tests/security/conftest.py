"""The desk's mall (people in every role); the browser fixtures (`web`) come from tests/conftest.py."""

from tests.desk.conftest import mall  # noqa: F401
