"""`calendar_changed(sender, calendar_id)`: sent after commit by every service that changes a
calendar (its fields, its week, its overrides, its deletion). The SLA app recomputes the timers
that use the calendar on it. Receivers run after the change is committed: a failing receiver
never undoes it (and the other receivers still run: Signal.send_robust)."""

from django.dispatch import Signal

calendar_changed = Signal()
