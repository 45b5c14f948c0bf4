"""Reads of planned maintenance: the plan (calendar data of coming occurrences, filed or not)."""

from __future__ import annotations

from datetime import datetime

from . import recurrence
from .models import Mode, Occurrence, Schedule
from .services import account_zone, working_day

MAX_PLAN_ITEMS = 5000


def plan(
    *, start: datetime, end: datetime, location: int | None = None, equipment: int | None = None
) -> list[dict]:
    """Every occurrence planned in [start, end): those materialised (their state, ticket and
    completion) and those the grid will bring (state "planned"), and skipped ones (state "skipped",
    on a non-working day under the skip rule), ordered by the planned time."""
    tz = account_zone()
    is_working = working_day()
    schedules = Schedule.objects.filter(is_active=True).select_related("location", "equipment", "ticket_type")
    if location is not None:
        schedules = schedules.filter(location_id=location)
    if equipment is not None:
        schedules = schedules.filter(equipment_id=equipment)
    schedules = list(schedules)
    stored = {}
    for occ in Occurrence.objects.filter(
        schedule__in=schedules, planned_at__gte=start, planned_at__lt=end
    ).select_related("ticket"):
        stored[(occ.schedule_id, occ.due_at)] = occ
    items: list[dict] = []
    for schedule in schedules:
        seen = set()
        for occ in (o for (sid, _d), o in stored.items() if sid == schedule.pk):
            seen.add(occ.due_at)
            items.append(_item(schedule, occ.due_at, occ.planned_at, occ.state, occ))
        for slot in _projected(schedule, tz, start, end, is_working):
            if slot.due_at in seen:
                continue
            if slot.planned_at is None:
                items.append(_item(schedule, slot.due_at, slot.due_at, "skipped", None))
            else:
                items.append(_item(schedule, slot.due_at, slot.planned_at, "planned", None))
            if len(items) >= MAX_PLAN_ITEMS:
                break
    items.sort(key=lambda i: (i["planned_at"], i["schedule"]))
    return items[:MAX_PLAN_ITEMS]


def _projected(schedule: Schedule, tz, start: datetime, end: datetime, working_day):
    if schedule.mode == Mode.FROM_COMPLETION:
        last = schedule.occurrences.order_by("-due_at").first()
        if last is None:
            nominal = schedule.first_at
        elif last.completed_at is None:
            return
        else:
            nominal = recurrence.next_after_completion(schedule, tz, last.completed_at)
        if nominal is None:
            return
        slot = recurrence.apply_holidays(schedule, nominal, tz, working_day)
        if start <= (slot.planned_at or slot.due_at) < end:
            yield slot
        return
    after = start - recurrence.timedelta(days=recurrence.MAX_SHIFT_DAYS + 1)
    after = max(after, schedule.first_at - recurrence.timedelta(seconds=1))
    for nominal in recurrence.nominal_times(schedule, tz, after=after):
        if nominal >= end + recurrence.timedelta(days=recurrence.MAX_SHIFT_DAYS):
            return
        slot = recurrence.apply_holidays(schedule, nominal, tz, working_day)
        if start <= (slot.planned_at or slot.due_at) < end:
            yield slot


def _item(schedule: Schedule, due_at, planned_at, state: str, occ: Occurrence | None) -> dict:
    ticket = occ.ticket if occ is not None else None
    return {
        "schedule": schedule.pk,
        "schedule_name": schedule.name,
        "occurrence": occ.pk if occ else None,
        "due_at": due_at,
        "planned_at": planned_at,
        "moved": planned_at != due_at,
        "state": state,
        "ticket": {"id": ticket.pk, "number": ticket.number} if ticket else None,
        "location": {"id": schedule.location_id, "name": schedule.location.name}
        if schedule.location_id
        else None,
        "equipment": {"id": schedule.equipment_id, "name": schedule.equipment.name}
        if schedule.equipment_id
        else None,
        "completed_at": occ.completed_at if occ else None,
        "error": occ.error if occ else "",
    }
