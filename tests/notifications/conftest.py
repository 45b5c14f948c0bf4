from tests.support.fixtures import mall  # noqa: F401
