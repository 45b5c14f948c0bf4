from tests.desk.conftest import mall  # noqa: F401
