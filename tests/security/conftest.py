"""The desk's mall (people in every role) and the browser fixtures of tests/e2e (Debian's chromium
through Playwright, for the CSP checks)."""

from tests.desk.conftest import mall  # noqa: F401
from tests.e2e.conftest import browser, pytest_runtest_makereport, web  # noqa: F401
