"""Writes of business calendars: the calendar, its week, its overrides (docs/calendars.md).

Every service takes the actor (account admins only: `permissions.can_manage_calendars`; None is
the platform itself: migrations, demo data), validates everything before writing (all field
messages at once, nothing half-written), leaves an audit row, and sends
`signals.calendar_changed` after commit."""

from __future__ import annotations

import logging
from datetime import date, time

from django.db import IntegrityError, transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change

from . import clock, selectors
from .models import BusinessCalendar, CalendarOverride, HolidaysCountry, OverrideKind, WorkingInterval
from .signals import calendar_changed

log = logging.getLogger(__name__)

EDITABLE = ("name", "time_zone", "is_default", "is_24x7", "holidays_country")


def _ensure(actor) -> None:
    ensure_allowed(actor, perms.can_manage_calendars)


def _changed(calendar_id: int) -> None:
    """calendar_changed, after commit (never for a change that is rolled back)."""

    def send() -> None:
        for receiver, answer in calendar_changed.send_robust(
            sender=BusinessCalendar, calendar_id=calendar_id
        ):
            if isinstance(answer, Exception):
                log.error("calendar_changed receiver %r failed", receiver, exc_info=answer)

    transaction.on_commit(send)


# ---------------------------------------------------------------------------- validation
def _check_calendar(values: dict, errors: dict) -> None:
    if "name" in values:
        name = (values["name"] or "").strip() if isinstance(values["name"], str) else ""
        if not name:
            errors["name"] = [_("This field is required.")]
        elif len(name) > 200:
            errors["name"] = [_("Use at most 200 characters.")]
        values["name"] = name
    if "time_zone" in values:
        zone = values["time_zone"] or ""
        if not isinstance(zone, str) or (zone and not selectors.is_zone(zone)):
            errors["time_zone"] = [_("Unknown time zone.")]
        values["time_zone"] = zone
    if "holidays_country" in values:
        country = values["holidays_country"] or ""
        if country not in HolidaysCountry.values:
            errors["holidays_country"] = [_("Choose one of the countries offered.")]
        values["holidays_country"] = country
    for flag in ("is_default", "is_24x7"):
        if flag in values and not isinstance(values[flag], bool):
            errors[flag] = [_("Give true or false.")]


def _pairs(raw, prefix: str, errors: dict) -> list[tuple[time, time]]:
    """[{start, end}] or [[start, end]] as sorted time pairs (an end of 24:00 as 00:00); the
    messages go to `errors` under "<prefix>.<index>.start|end"."""
    if not isinstance(raw, list | tuple):
        errors[prefix] = [_("Give a list of intervals.")]
        return []
    pairs = []
    for index, item in enumerate(raw):
        where = f"{prefix}.{index}"
        if isinstance(item, dict):
            start_raw, end_raw = item.get("start"), item.get("end")
        elif isinstance(item, list | tuple) and len(item) == 2:
            start_raw, end_raw = item
        else:
            errors[where] = [_("Give a start and an end.")]
            continue
        try:
            start = clock.parse(start_raw)
        except ValueError:
            errors[f"{where}.start"] = [_("Give a time as HH:MM.")]
            continue
        try:
            end = clock.parse(end_raw, end=True)
        except ValueError:
            errors[f"{where}.end"] = [_("Give a time as HH:MM (24:00 for the end of the day).")]
            continue
        if clock.minutes(start) >= clock.minutes(end, end=True):
            errors[f"{where}.end"] = [_("The end must come after the start.")]
            continue
        pairs.append((index, start, end))
    pairs.sort(key=lambda p: clock.minutes(p[1]))
    for (_i, _s, prev_end), (index, start, _e) in zip(pairs, pairs[1:], strict=False):
        if clock.minutes(start) < clock.minutes(prev_end, end=True):
            errors[f"{prefix}.{index}.start"] = [_("This interval overlaps another one.")]
    return [(start, end) for _i, start, end in pairs]


def _week(raw, errors: dict) -> list[WorkingInterval]:
    """[{weekday, start, end}, ...] as unsaved rows; overlaps are checked per weekday."""
    if not isinstance(raw, list | tuple):
        errors["week"] = [_("Give a list of intervals.")]
        return []
    by_day: dict[int, list[tuple[int, dict]]] = {}
    for index, item in enumerate(raw):
        weekday = item.get("weekday") if isinstance(item, dict) else None
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors[f"week.{index}.weekday"] = [_("Give a weekday from 0 (Monday) to 6 (Sunday).")]
            continue
        by_day.setdefault(weekday, []).append((index, item))
    rows = []
    for weekday, items in sorted(by_day.items()):
        local: dict[str, list[str]] = {}
        pairs = _pairs([item for _i, item in items], "x", local)
        for key, messages in local.items():  # "x.<i>.<part>" -> "week.<index>.<part>"
            parts = key.split(".")
            index = items[int(parts[1])][0] if len(parts) > 1 else items[0][0]
            errors[".".join(["week", str(index), *parts[2:]])] = messages
        rows.extend(WorkingInterval(weekday=weekday, start=s, end=e) for s, e in pairs)
    return rows


def _override_values(data: dict, errors: dict, *, current: CalendarOverride | None = None) -> dict:
    values: dict = {}
    if "day" in data or current is None:
        raw = data.get("day")
        day = raw if isinstance(raw, date) else (parse_date(raw) if isinstance(raw, str) else None)
        if day is None:
            errors["day"] = [_("Give a date as YYYY-MM-DD.")]
        values["day"] = day
    kind = data.get("kind", current.kind if current else None)
    if kind not in OverrideKind.values:
        errors["kind"] = [_("Choose holiday, working or shortened.")]
    values["kind"] = kind
    raw_intervals = data.get("intervals", None)
    if raw_intervals is None:
        raw_intervals = [] if current is None or "kind" in data else current.intervals
    pairs = _pairs(raw_intervals, "intervals", errors)
    if kind == OverrideKind.HOLIDAY and pairs:
        errors["intervals"] = [_("A day off has no working intervals.")]
    if kind == OverrideKind.SHORTENED and not pairs and "intervals" not in errors:
        errors["intervals"] = [_("Give the shortened day's working intervals.")]
    values["intervals"] = [[clock.show(s), clock.show(e, end=True)] for s, e in pairs]
    if "note" in data or current is None:
        note = data.get("note") or ""
        if not isinstance(note, str) or len(note) > 500:
            errors["note"] = [_("Use at most 500 characters.")]
        values["note"] = note.strip() if isinstance(note, str) else ""
    return values


def _check_some_work(is_24x7: bool, rows, errors: dict) -> None:
    """A calendar that is not 24x7 needs some working time in its week: the SLA counts in it, and a
    week without any would have no due moment at all."""
    if not is_24x7 and not rows and "week" not in errors and not any(k.startswith("week.") for k in errors):
        errors["week"] = [
            _("Give at least one working interval, or make the calendar work around the clock.")
        ]


# ---------------------------------------------------------------------------- calendars
def _unset_default(*, keep: int | None = None) -> None:
    """Before a calendar becomes the default: the old default stops being it. The row lock first
    (a statement of its own) makes two admins switching at once wait for each other; the UPDATE
    after it then sees the other's committed default too, so the one-default index never trips."""
    list(BusinessCalendar.objects.select_for_update().filter(is_default=True).values_list("pk", flat=True))
    BusinessCalendar.objects.filter(is_default=True).exclude(pk=keep).update(is_default=False)


@transaction.atomic
def create_calendar(*, actor, data: dict) -> BusinessCalendar:
    _ensure(actor)
    values = {k: data[k] for k in EDITABLE if k in data}
    values.setdefault("name", "")
    errors: dict[str, list[str]] = {}
    _check_calendar(values, errors)
    rows = _week(data.get("week", []), errors)
    _check_some_work(values.get("is_24x7") is True, rows, errors)
    if errors:
        raise InvalidInput(fields=errors)
    calendar = BusinessCalendar(**values)
    if calendar.is_default:
        _unset_default()
    calendar.save()
    for row in rows:
        row.calendar = calendar
    WorkingInterval.objects.bulk_create(rows)
    record_change(actor=actor, action="calendar.created", target=calendar, details=_summary(calendar, rows))
    _changed(calendar.pk)
    return calendar


@transaction.atomic
def update_calendar(*, actor, calendar: BusinessCalendar, data: dict) -> BusinessCalendar:
    """Change the given fields (and the week, when `week` is given: it replaces the old one)."""
    _ensure(actor)
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    values = {k: data[k] for k in EDITABLE if k in data}
    if not calendar.time_zone and values.get("time_zone") == selectors.account_zone_name():
        values["time_zone"] = ""  # the account's zone sent back: the calendar keeps following it
    errors: dict[str, list[str]] = {}
    _check_calendar(values, errors)
    if calendar.is_default and values.get("is_default") is False:
        errors["is_default"] = [_("Make another calendar the default instead.")]
    rows = _week(data["week"], errors) if "week" in data else None
    is_24x7 = values["is_24x7"] if isinstance(values.get("is_24x7"), bool) else calendar.is_24x7
    _check_some_work(is_24x7, rows if rows is not None else list(calendar.intervals.all()), errors)
    if errors:
        raise InvalidInput(fields=errors)
    before = {k: getattr(calendar, k) for k in values}
    for key, value in values.items():
        setattr(calendar, key, value)
    if calendar.is_default and not before.get("is_default", True):
        _unset_default(keep=calendar.pk)
    calendar.save()
    details = {"changed": {k: [before[k], v] for k, v in values.items() if before[k] != v}}
    if rows is not None:
        _replace_week(calendar, rows)
        details["week"] = _week_text(rows)
    record_change(actor=actor, action="calendar.changed", target=calendar, details=details)
    _changed(calendar.pk)
    return calendar


@transaction.atomic
def delete_calendar(*, actor, calendar: BusinessCalendar) -> None:
    _ensure(actor)
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    if calendar.is_default:
        raise InvalidInput(
            _("The default calendar cannot be deleted."),
            fields={
                "is_default": [
                    _("The default calendar cannot be deleted: make another one the default first.")
                ]
            },
        )
    pk = calendar.pk
    record_change(actor=actor, action="calendar.deleted", target=calendar)
    calendar.delete()
    _changed(pk)


@transaction.atomic
def set_week(*, actor, calendar: BusinessCalendar, week: list) -> BusinessCalendar:
    """Replace the calendar's working intervals: [{weekday, start: "09:00", end: "13:00"}, ...]."""
    _ensure(actor)
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    errors: dict[str, list[str]] = {}
    rows = _week(week, errors)
    _check_some_work(calendar.is_24x7, rows, errors)
    if errors:
        raise InvalidInput(fields=errors)
    _replace_week(calendar, rows)
    calendar.save(update_fields=["updated_at"])
    record_change(
        actor=actor, action="calendar.week_set", target=calendar, details={"week": _week_text(rows)}
    )
    _changed(calendar.pk)
    return calendar


def _replace_week(calendar: BusinessCalendar, rows: list[WorkingInterval]) -> None:
    WorkingInterval.objects.filter(calendar=calendar).delete()
    for row in rows:
        row.calendar = calendar
    WorkingInterval.objects.bulk_create(rows)


def _week_text(rows) -> list[str]:
    return [f"{r.weekday} {clock.show(r.start)}-{clock.show(r.end, end=True)}" for r in rows]


def _summary(calendar: BusinessCalendar, rows) -> dict:
    return {
        "time_zone": calendar.time_zone,
        "is_default": calendar.is_default,
        "is_24x7": calendar.is_24x7,
        "holidays_country": calendar.holidays_country,
        "week": _week_text(rows),
    }


# ---------------------------------------------------------------------------- overrides
@transaction.atomic
def add_override(*, actor, calendar: BusinessCalendar, data: dict) -> CalendarOverride:
    """A day that differs from the week: {day, kind: holiday|working|shortened, intervals, note}.
    A "working" day without intervals gets the calendar's normal working day (selectors.normal_day)."""
    _ensure(actor)
    calendar = BusinessCalendar.objects.select_for_update().get(pk=calendar.pk)
    errors: dict[str, list[str]] = {}
    values = _override_values(data, errors)
    if not errors and calendar.overrides.filter(day=values["day"]).exists():
        errors["day"] = [_("This day already has an override: change that one.")]
    if errors:
        raise InvalidInput(fields=errors)
    try:
        with transaction.atomic():
            row = CalendarOverride.objects.create(calendar=calendar, **values)
    except IntegrityError:
        raise InvalidInput(
            fields={"day": [_("This day already has an override: change that one.")]}
        ) from None
    calendar.save(update_fields=["updated_at"])
    record_change(actor=actor, action="calendar.override_added", target=calendar, details=_override_text(row))
    _changed(calendar.pk)
    return row


@transaction.atomic
def update_override(*, actor, override: CalendarOverride, data: dict) -> CalendarOverride:
    _ensure(actor)
    row = CalendarOverride.objects.select_for_update().select_related("calendar").get(pk=override.pk)
    errors: dict[str, list[str]] = {}
    values = _override_values(data, errors, current=row)
    day = values.get("day", row.day)
    if not errors and row.calendar.overrides.filter(day=day).exclude(pk=row.pk).exists():
        errors["day"] = [_("This day already has an override: change that one.")]
    if errors:
        raise InvalidInput(fields=errors)
    for key, value in values.items():
        setattr(row, key, value)
    row.save()
    row.calendar.save(update_fields=["updated_at"])
    record_change(
        actor=actor, action="calendar.override_changed", target=row.calendar, details=_override_text(row)
    )
    _changed(row.calendar_id)
    return row


@transaction.atomic
def delete_override(*, actor, override: CalendarOverride) -> None:
    _ensure(actor)
    row = CalendarOverride.objects.select_for_update().select_related("calendar").get(pk=override.pk)
    record_change(
        actor=actor, action="calendar.override_deleted", target=row.calendar, details=_override_text(row)
    )
    row.delete()
    row.calendar.save(update_fields=["updated_at"])
    _changed(row.calendar_id)


def _override_text(row: CalendarOverride) -> dict:
    return {"day": row.day, "kind": row.kind, "intervals": row.intervals, "note": row.note}
