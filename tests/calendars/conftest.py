"""Business calendar fixtures: one mall per test module (tests/support/fixtures `module_mall`),
each test's writes rolled back before the next."""

from __future__ import annotations

import pytest

from tests.support.fixtures import module_mall  # noqa: F401  (re-exported: pytest finds fixtures through a conftest)

MALL_WEEK = [
    {"weekday": day, "start": start, "end": end}
    for day in range(5)
    for start, end in (("09:00", "13:00"), ("14:00", "18:00"))
]


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module-scoped mall under the name the tests use
    return module_mall


def mall_hours(**extra) -> dict:
    """The body of a "Mall hours" calendar: Mon-Fri 09-13 + 14-18, RU holidays, Moscow."""
    return {
        "name": "Mall hours",
        "time_zone": "Europe/Moscow",
        "holidays_country": "RU",
        "week": MALL_WEEK,
        **extra,
    }
