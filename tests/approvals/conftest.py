"""Approvals tests use the desk's mall (people in every role)."""

from tests.desk.conftest import mall  # noqa: F401
