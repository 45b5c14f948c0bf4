"""atrium.settings with the DNS resolver of tests/e2e/admin_fakes.py (for a test's own daphne)."""

from atrium.settings import *  # noqa: F403

ATRIUM_DNS_RESOLVER = "tests.e2e.admin_fakes.resolve"
