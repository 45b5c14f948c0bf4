"""The working time an SLA policy counts in: its calendar's, or the account default's.

`tenant_apps.calendars` (built alongside) gives `selectors.working_time(calendar_id=None)`; until
that module is there, every policy counts in 24x7 UTC (`engine.always()`).
"""

from __future__ import annotations

from tenant_apps.calendars import engine


def working_time(calendar_id: int | None):
    try:
        from tenant_apps.calendars import selectors
    except ImportError:  # the calendars app's selectors are not there yet
        return engine.always()
    return selectors.working_time(calendar_id=calendar_id)
