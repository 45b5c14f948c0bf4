"""The working time an SLA policy counts in: its calendar's, or the account default's
(`tenant_apps.calendars.selectors.working_time`: cached per configuration version)."""

from __future__ import annotations

from tenant_apps.calendars import selectors


def working_time(calendar_id: int | None):
    return selectors.working_time(calendar_id=calendar_id)


def is_default(calendar_id: int) -> bool:
    found = selectors.default_calendar()
    return found is not None and found.pk == calendar_id
