"""The demo accounts' second calendar (./dev up): "Mall hours", Monday to Friday 09:00-13:00 and
14:00-18:00 with a lunch hour, the Russian production calendar, Moscow time. The default 24/7
calendar stays the default."""

from __future__ import annotations

from .models import BusinessCalendar
from .services import create_calendar

MALL_HOURS = "Mall hours"


def fill_demo_calendars() -> None:
    """Call inside the account's schema; once (an existing "Mall hours" is the admin's and stays)."""
    if BusinessCalendar.objects.filter(name=MALL_HOURS).exists():
        return
    week = [
        {"weekday": day, "start": start, "end": end}
        for day in range(5)
        for start, end in (("09:00", "13:00"), ("14:00", "18:00"))
    ]
    create_calendar(
        actor=None,
        data={
            "name": MALL_HOURS,
            "time_zone": "Europe/Moscow",
            "holidays_country": "RU",
            "is_default": False,
            "week": week,
        },
    )
