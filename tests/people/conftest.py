from tests.desk.conftest import mall  # noqa: F401  (the desk's mall account, with people in every role)
