"""Wall-clock times as the API writes them: "HH:MM", and "24:00" for the end of the day (stored
as 00:00: see models.py; the engine reads an end of 00:00 as 24:00 too)."""

from __future__ import annotations

import re
from datetime import time

_HHMM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse(text, *, end: bool = False) -> time:
    """A "HH:MM" string as a time; "24:00" only as an end (then 00:00). ValueError otherwise."""
    if not isinstance(text, str):
        raise ValueError("not a HH:MM string")
    if end and text == "24:00":
        return time(0, 0)
    found = _HHMM.match(text)
    if found is None:
        raise ValueError("not a HH:MM string")
    return time(int(found.group(1)), int(found.group(2)))


def show(value: time, *, end: bool = False) -> str:
    if end and value in (time(0, 0), time.max):
        return "24:00"
    return value.strftime("%H:%M")


def minutes(value: time, *, end: bool = False) -> int:
    """Minutes since midnight (an end of 00:00 is 24:00, i.e. 1440)."""
    if end and value in (time(0, 0), time.max):
        return 24 * 60
    return value.hour * 60 + value.minute
