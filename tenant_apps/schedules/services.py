"""Writes of planned maintenance: schedules, materialising their occurrences exactly once, and the
completion record of an occurrence (docs/schedules.md)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.tenancy import current_account

from tenant_apps import permissions as perms
from tenant_apps.desk.origin import Origin

from . import recurrence
from .models import Mode, Occurrence, OccurrenceState, PeriodUnit, Schedule

log = logging.getLogger(__name__)

# an occurrence further back than this is not filed when a schedule is first seen (no flood of
# years of past maintenance for a schedule created with an old first date)
CATCH_UP = timedelta(days=31)
MAX_INSERT_PER_SCHEDULE = 500
# a filing that faults (not the desk's refusal) is tried again this many times in all, after
# RETRY_BASE * 2**(attempts - 1), at most RETRY_MAX; then the occurrence is failed with the fault
MAX_ATTEMPTS = 5
RETRY_BASE = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=2)
EDITABLE = (
    "name is_active ticket_type title description fields priority location equipment checklist group "
    "requester first_at period_unit interval rrule ends_on lead_days holidays mode"
).split()


def working_day():
    """`(local date) -> bool`: the account's default business calendar's working days."""
    from tenant_apps.calendars.selectors import working_time

    return working_time().is_working_day


def account_zone() -> ZoneInfo:
    account = current_account()
    try:
        return ZoneInfo(getattr(account, "time_zone", None) or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


# ---------------------------------------------------------------------------- schedules
def _check(schedule: Schedule) -> None:
    errors: dict[str, list[str]] = {}
    if not (schedule.name or "").strip():
        errors["name"] = [_("This field is required.")]
    if not (schedule.title or "").strip():
        errors["title"] = [_("This field is required.")]
    if schedule.interval is None or not 1 <= schedule.interval <= 1000:
        errors["interval"] = [_("Use a whole number from 1 to 1000.")]
    if schedule.lead_days is not None and schedule.lead_days > 366:
        errors["lead_days"] = [_("Use at most 366 days.")]
    if schedule.period_unit == PeriodUnit.RRULE:
        try:
            recurrence.parse_rrule(schedule.rrule, recurrence._local(schedule.first_at, account_zone()))
        except (ValueError, TypeError):
            errors["rrule"] = [_("Not a recurrence rule (e.g. FREQ=MONTHLY;BYDAY=1MO).")]
    if schedule.ends_on is not None and schedule.first_at is not None:
        if schedule.ends_on < recurrence._local(schedule.first_at, account_zone()).date():
            errors["ends_on"] = [_("The end comes before the first occurrence.")]
    if schedule.checklist_id and schedule.checklist.ticket_type_id != schedule.ticket_type_id:
        errors["checklist"] = [_("This checklist belongs to another ticket type.")]
    if schedule.equipment_id and schedule.location_id is None and schedule.equipment.location_id:
        schedule.location_id = schedule.equipment.location_id
    if not isinstance(schedule.fields, dict):
        errors["fields"] = [_("Give the fields as an object.")]
    if errors:
        raise InvalidInput(fields=errors)


def _denied():
    return PermissionDenied(_("Only account admins and managers plan maintenance."))


@transaction.atomic
def create_schedule(*, actor, data: dict) -> Schedule:
    if not perms.is_manager(actor):
        raise _denied()
    values = {k: v for k, v in data.items() if k in EDITABLE}
    values.setdefault("requester", actor)
    schedule = Schedule(**values)
    _check(schedule)
    schedule.save()
    return schedule


@transaction.atomic
def update_schedule(*, actor, schedule: Schedule, data: dict) -> Schedule:
    if not perms.is_manager(actor):
        raise _denied()
    schedule = Schedule.objects.select_for_update().get(pk=schedule.pk)
    timing = {"first_at", "period_unit", "interval", "rrule", "mode"}
    for key, value in data.items():
        if key in EDITABLE:
            setattr(schedule, key, value)
    _check(schedule)
    if timing & set(data):
        # a new grid: occurrences not filed yet that are off it go; filed ones stay (their key
        # is their time, so the new grid never files a time twice)
        Occurrence.objects.filter(schedule=schedule, state=OccurrenceState.PENDING).delete()
        schedule.materialised_until = None
    schedule.save()
    return schedule


@transaction.atomic
def delete_schedule(*, actor, schedule: Schedule) -> None:
    if not perms.is_manager(actor):
        raise _denied()
    schedule.delete()  # filed tickets stay (occurrence rows go with the schedule)


@transaction.atomic
def complete_occurrence(
    *, actor, occurrence: Occurrence, completed_at: datetime | None = None, note: str = ""
) -> Occurrence:
    """The completion record of an occurrence (from the plan, or a QR label's "work done here")."""
    if not perms.is_agent(actor):
        raise _denied()
    occurrence = Occurrence.objects.select_for_update().filter(pk=occurrence.pk).first()
    if occurrence is None:
        raise NotFound()
    when = completed_at or timezone.now()
    if when > timezone.now() + timedelta(minutes=5):
        raise InvalidInput(fields={"completed_at": [_("Completion cannot be in the future.")]})
    note = (note or "").strip()
    if len(note) > 5000:
        raise InvalidInput(fields={"note": [_("Use at most 5000 characters.")]})
    occurrence.completed_at, occurrence.completed_by, occurrence.completion_note = when, actor, note
    occurrence.save(update_fields=["completed_at", "completed_by", "completion_note"])
    return occurrence


@transaction.atomic
def retry_occurrence(*, actor, occurrence: Occurrence) -> Occurrence:
    """A failed occurrence filed again on the next tick (once its schedule or the ticket type's
    form is fixed): pending again, its error and attempts cleared. Only a failed one."""
    if not perms.can_plan_maintenance(actor):
        raise _denied()
    occurrence = Occurrence.objects.select_for_update().filter(pk=occurrence.pk).first()
    if occurrence is None:
        raise NotFound()
    if occurrence.state != OccurrenceState.FAILED:
        raise InvalidInput(
            fields={"state": [_("Only an occurrence that could not be filed is tried again.")]}
        )
    occurrence.state, occurrence.error, occurrence.attempts, occurrence.retry_after = (
        OccurrenceState.PENDING,
        "",
        0,
        None,
    )
    occurrence.save(update_fields=["state", "error", "attempts", "retry_after"])
    return occurrence


def complete_by_ticket(*, ticket_id: int, at: datetime, actor_id: int | None) -> int:
    """The ticket of an occurrence was resolved or closed: that is its completion record, unless
    one was written already (the "schedules" reaction of the spine; `from_completion` schedules
    count their next date from it). Returns the rows completed (0 or 1)."""
    return Occurrence.objects.filter(ticket_id=ticket_id, completed_at__isnull=True).update(
        completed_at=at, completed_by_id=actor_id
    )


# ---------------------------------------------------------------------------- materialising
def _due_slots(schedule: Schedule, tz: ZoneInfo, now: datetime, working_day) -> list[recurrence.Slot]:
    """Occurrences of a schedule whose ticket should exist by `now` and may not yet."""
    if schedule.mode == Mode.FROM_COMPLETION:
        last = schedule.occurrences.order_by("-due_at").first()
        if last is None:
            nominal = schedule.first_at
        elif last.completed_at is None:
            return []
        else:
            nominal = recurrence.next_after_completion(schedule, tz, last.completed_at)
            if nominal is None or nominal <= last.due_at:
                return []
        slot = recurrence.apply_holidays(schedule, nominal, tz, working_day)
        while slot.planned_at is None:  # skipped: the next period
            nominal = recurrence.next_after_completion(schedule, tz, nominal)
            if nominal is None:
                return []
            slot = recurrence.apply_holidays(schedule, nominal, tz, working_day)
        return [slot] if recurrence.create_from(schedule, slot.planned_at) <= now else []
    after = schedule.materialised_until
    slots = []
    for nominal in recurrence.nominal_times(schedule, tz, after=after):
        slot = recurrence.apply_holidays(schedule, nominal, tz, working_day)
        if slot.planned_at is not None and recurrence.create_from(schedule, slot.planned_at) > now:
            break
        if len(slots) >= MAX_INSERT_PER_SCHEDULE:
            break
        slots.append(slot)
    return slots


def insert_due_occurrences(*, now: datetime | None = None) -> int:
    """Step 1: one row per due occurrence of every active schedule, INSERT ... ON CONFLICT DO
    NOTHING on (schedule, due_at): two runs at once insert each occurrence once. Returns the
    number of due slots seen (inserted or already there)."""
    now = now or timezone.now()
    tz = account_zone()
    is_working = working_day()
    seen = 0
    for schedule in Schedule.objects.filter(is_active=True, first_at__lte=now + timedelta(days=367)):
        slots = _due_slots(schedule, tz, now, is_working)
        if not slots:
            continue
        # what lies further back than CATCH_UP is history, not work (a first date long ago)
        floor = now - CATCH_UP
        rows = [
            Occurrence(schedule=schedule, due_at=s.due_at, planned_at=s.planned_at)
            for s in slots
            if s.planned_at is not None and (s.planned_at >= floor or schedule.mode == Mode.FROM_COMPLETION)
        ]
        Occurrence.objects.bulk_create(rows, ignore_conflicts=True)
        seen += len(rows)
        if schedule.mode == Mode.GRID:
            Schedule.objects.filter(pk=schedule.pk).update(
                materialised_until=Greatest(F("materialised_until"), slots[-1].due_at)
                if schedule.materialised_until
                else slots[-1].due_at
            )
    return seen


# what the desk raises when it refuses a filing (a form the template no longer fills, a place
# gone): the occurrence is marked failed with the reason (an admin retries it once fixed). Any
# other exception is a fault of that one filing: the occurrence stays pending with the error and
# is tried again later (MAX_ATTEMPTS), and the tick goes on with the others. A database that went
# away fails the whole tick (the next tick starts over; nothing was half-written).
FILING_REFUSALS = (DomainError, PermissionDenied, ObjectDoesNotExist, ValidationError)
INFRASTRUCTURE_FAULTS = (OperationalError, InterfaceError)


def _file(occurrence: Occurrence):
    from tenant_apps.desk.services import file_ticket, update_ticket

    schedule = occurrence.schedule
    origin = Origin.system_actor("schedule", label=_("Schedule: %(name)s") % {"name": schedule.name})
    planned = occurrence.planned_at
    ticket = file_ticket(
        actor=origin,
        ticket_type=schedule.ticket_type,
        title=schedule.title,
        description=schedule.description,
        fields=dict(schedule.fields or {}),
        priority=schedule.priority,
        requester=schedule.requester,
        location=schedule.location_id,
        equipment=schedule.equipment_id,
        planned_start=planned,
    )
    if schedule.group_id and ticket.group_id != schedule.group_id:
        ticket = update_ticket(actor=origin, ticket=ticket, changes={"group": schedule.group_id})
    return ticket


def file_pending_occurrences(*, limit: int = 10_000) -> int:
    """Step 2: each pending occurrence claimed with SKIP LOCKED and its ticket filed in the same
    transaction as the occurrence's state: a worker killed halfway rolls both back (the row is
    pending again), a second run at once takes other rows. Returns the tickets filed."""
    filed = 0
    for _n in range(limit):
        with transaction.atomic():
            now = timezone.now()
            occurrence = (
                Occurrence.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("schedule", "schedule__ticket_type")
                .filter(state=OccurrenceState.PENDING)
                .filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
                .order_by("planned_at", "id")
                .first()
            )
            if occurrence is None:
                return filed
            try:
                with transaction.atomic():
                    ticket = _file(occurrence)
            except FILING_REFUSALS as error:  # the desk refused it: kept on the row, visible
                log.warning(
                    "schedule %s: occurrence %s not filed: %s", occurrence.schedule_id, occurrence.pk, error
                )
                occurrence.state, occurrence.error = OccurrenceState.FAILED, _error_text(error)
                occurrence.save(update_fields=["state", "error"])
                continue
            except INFRASTRUCTURE_FAULTS:
                raise
            except Exception as error:  # noqa: BLE001 - one filing's fault, not the tick's
                _note_fault(occurrence, error, now)
                continue
            occurrence.state, occurrence.ticket, occurrence.filed_at, occurrence.error = (
                OccurrenceState.CREATED,
                ticket,
                timezone.now(),
                "",
            )
            occurrence.save(update_fields=["state", "ticket", "filed_at", "error"])
            filed += 1
    return filed


def _note_fault(occurrence: Occurrence, error: Exception, now: datetime) -> None:
    """A filing that faulted: the error kept on the row, tried again after a growing pause, failed
    for good after MAX_ATTEMPTS (the plan shows it; an admin retries it once fixed)."""
    occurrence.attempts += 1
    # the plan shows what happened; the exception itself (which may name internals) goes to the log
    occurrence.error = _("The filing failed unexpectedly (%(fault)s), attempt %(n)d of %(max)d.") % {
        "fault": type(error).__name__,
        "n": occurrence.attempts,
        "max": MAX_ATTEMPTS,
    }
    if occurrence.attempts >= MAX_ATTEMPTS:
        occurrence.state, occurrence.retry_after = OccurrenceState.FAILED, None
        log.exception(
            "schedule %s: occurrence %s failed after %d attempts",
            occurrence.schedule_id,
            occurrence.pk,
            occurrence.attempts,
        )
    else:
        occurrence.retry_after = now + min(RETRY_MAX, RETRY_BASE * 2 ** (occurrence.attempts - 1))
        log.exception(
            "schedule %s: occurrence %s faulted (attempt %d), tried again after %s",
            occurrence.schedule_id,
            occurrence.pk,
            occurrence.attempts,
            occurrence.retry_after,
        )
    occurrence.save(update_fields=["state", "error", "attempts", "retry_after"])


def _error_text(error: Exception) -> str:
    fields = getattr(error, "fields", None) or {}
    parts = [str(getattr(error, "detail", error))]
    parts += [f"{k}: {' '.join(map(str, v))}" for k, v in fields.items()]
    return "; ".join(parts)[:2000]


def materialize_due_occurrences(*, now: datetime | None = None) -> int:
    """One account's tick (the beat entry fans out to every account): insert what is due, then
    file it. Safe to run twice at once, to retry, and after a worker died in the middle."""
    insert_due_occurrences(now=now)
    return file_pending_occurrences()
