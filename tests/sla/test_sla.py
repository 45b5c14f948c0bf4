"""SLA timers on real tickets: filing, replies, pauses, priority and policy changes, calendar
edits, the beat's warnings and breaches (once each) and their escalations. Every expected moment is
worked out by hand next to it; the timers read the history, so tests put its events at chosen
moments (`replay`) and recompute."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tenant_apps.calendars.models import BusinessCalendar
from tenant_apps.calendars.signals import calendar_changed
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import EventKind, Ticket, TicketEvent
from tenant_apps.notifications.models import Notification
from tenant_apps.people.models import ResponsibilityGroup
from tenant_apps.sla import services
from tenant_apps.sla.models import SlaEscalation, SlaFired, SlaPolicy
from tests.sla.conftest import OFFICE, at, file_leak, make_policy, replay, sla_of
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def test_filing_gives_due_times_from_the_policy(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)  # a leak is filed high: 1 h / 8 h, counted 24x7 here
    row = sla_of(mall, ticket)
    with in_account(mall):
        created = TicketEvent.objects.get(ticket_id=ticket.pk, kind=EventKind.CREATED).at
    assert ticket.priority == 3
    assert row.response_due_at == created + timedelta(hours=1)
    assert row.response_warning_at == created + timedelta(minutes=48)  # 80 % of an hour
    assert row.resolution_due_at == created + timedelta(hours=8)
    assert row.next_due_at == row.response_warning_at
    assert row.paused is False and row.response_met_at is None


def test_without_a_matching_policy_there_is_no_sla(mall, calendars):
    with in_account(mall):
        from tenant_apps.desk.models import TicketType

        other_type = TicketType.objects.exclude(code="leak").first().pk
    make_policy(mall, ticket_types=[other_type])
    ticket = file_leak(mall)
    assert sla_of(mall, ticket) is None


def test_first_public_agent_reply_meets_the_response(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)
    with in_account(mall):
        desk.add_comment(actor=mall.people["key_user"], ticket=ticket, body="It is getting worse")
        desk.add_comment(actor=mall.people["dispatcher"], ticket=ticket, body="Checking", internal=True)
    assert sla_of(mall, ticket).response_met_at is None  # the requester's own and an internal note
    with in_account(mall):
        desk.add_comment(actor=mall.people["dispatcher"], ticket=ticket, body="A plumber is on the way")
        reply = TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.COMMENTED).latest("id").at
    row = sla_of(mall, ticket)
    assert row.response_met_at == reply
    assert row.resolved_at is None
    assert row.next_due_at == row.resolution_warning_at  # the response's moments are off the beat


def test_a_pause_over_a_weekend_in_office_hours(mall, calendars):
    calendars[None] = OFFICE
    make_policy(mall)
    ticket = file_leak(mall)
    with in_account(mall):
        desk.transition_ticket(actor=mall.people["dispatcher"], ticket=ticket, to="in_progress")
        desk.transition_ticket(
            actor=mall.people["dispatcher"], ticket=ticket, to="waiting", comment="Waiting for the part"
        )
    assert sla_of(mall, ticket).paused is True
    with in_account(mall):
        desk.transition_ticket(actor=mall.people["dispatcher"], ticket=ticket, to="in_progress")
    # history: filed Friday 16:00, taken 16:10, waiting from 17:00 with a public reply (the
    # response is met at 17:00), resumed Monday 10:00. Resolution 8 h: Friday 16:00-17:00 = 1 h,
    # 7 h left from Monday 10:00 -> Monday 17:00 (the weekend was never working time).
    row = replay(mall, ticket, [at(9, 16), at(9, 16, 10), at(9, 17), at(9, 17), at(12, 10)])
    assert row.paused is False
    assert row.response_met_at == at(9, 17)
    assert row.response_due_at == at(9, 17)  # due exactly when it was met: in time
    assert row.resolution_due_at == at(12, 17)


def test_priority_changed_while_paused_keeps_consumed_and_paused_time(mall, calendars):
    calendars[None] = OFFICE
    make_policy(mall)
    ticket = file_leak(mall)
    with in_account(mall):
        desk.transition_ticket(actor=mall.people["dispatcher"], ticket=ticket, to="in_progress")
        desk.transition_ticket(actor=mall.people["dispatcher"], ticket=ticket, to="waiting", comment="Parts")
        desk.update_ticket(actor=mall.people["dispatcher"], ticket=ticket, changes={"priority": 4})
    row = sla_of(mall, ticket)
    assert row.priority == 4 and row.paused is True
    # filed Monday 09:00, taken 09:30, waiting (with a reply) 10:00; made urgent while waiting.
    # Urgent: 30 min response met at 10:00 -> late (due 09:30); 4 h resolution, 1 h consumed,
    # paused: no due time, 3 h left.
    row = replay(mall, ticket, [at(5, 9), at(5, 9, 30), at(5, 10), at(5, 10)])
    assert row.response_due_at == at(5, 9, 30)
    assert row.response_met_at == at(5, 10)
    assert row.resolution_due_at is None
    assert row.states["resolution"] == {"minutes": 240, "remaining": 3 * 3600}
    with in_account(mall):
        desk.transition_ticket(actor=mall.people["dispatcher"], ticket=ticket, to="in_progress")
    # resumed Monday 13:00: 3 h left -> 16:00
    row = replay(mall, ticket, [at(5, 9), at(5, 9, 30), at(5, 10), at(5, 10), at(5, 13)])
    assert row.resolution_due_at == at(5, 16)


def test_policy_swapped_by_the_requesters_company_reruns_the_history(mall, calendars):
    standard = make_policy(mall)
    vip = make_policy(
        mall,
        name="VIP tenants",
        order=1,
        companies=[mall.other_company.pk],
        targets=[{"priority": 3, "response_minutes": 15, "resolution_minutes": 120}],
    )
    ticket = file_leak(mall)
    assert sla_of(mall, ticket).policy_id == standard.pk
    with in_account(mall):
        desk.update_ticket(
            actor=mall.people["dispatcher"], ticket=ticket, changes={"company": mall.other_company.pk}
        )
        created = TicketEvent.objects.get(ticket_id=ticket.pk, kind=EventKind.CREATED).at
    row = sla_of(mall, ticket)
    assert row.policy_id == vip.pk
    assert row.response_due_at == created + timedelta(minutes=15)
    assert row.resolution_due_at == created + timedelta(hours=2)


def test_calendar_edit_recomputes_the_tickets_counting_in_it(mall, calendars):
    with in_account(mall):
        office = BusinessCalendar.objects.create(name="Office")
        default = BusinessCalendar.objects.get(is_default=True)
    make_policy(mall, calendar_id=office.pk)
    ticket = file_leak(mall)
    row = replay(mall, ticket, [at(9, 16)])  # Friday 16:00, 24x7: resolution due at midnight
    assert row.resolution_due_at == at(10, 0)
    assert row.calendar_id == office.pk
    calendars[office.pk] = OFFICE  # the calendar became office hours
    with in_account(mall):
        assert services.recompute_open(calendar_id=default.pk) == 0  # not these tickets
        assert services.recompute_open(calendar_id=office.pk) == 1
    # Friday 16:00-18:00 = 2 h, Monday 09:00 + 6 h = 15:00
    assert sla_of(mall, ticket).resolution_due_at == at(12, 15)


def test_default_calendar_edit_recomputes_tickets_on_the_default(mall, calendars):
    make_policy(mall)  # on the account default
    ticket = file_leak(mall)
    replay(mall, ticket, [at(9, 16)])
    calendars[None] = OFFICE
    with in_account(mall):
        default = BusinessCalendar.objects.get(is_default=True)
        assert services.recompute_open(calendar_id=default.pk) == 1
    assert sla_of(mall, ticket).resolution_due_at == at(12, 15)


def test_calendar_changed_queues_the_recompute(mall, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue_for_account", lambda name, **kw: queued.append((name, kw)))
    with in_account(mall):
        calendar_changed.send_robust(sender=BusinessCalendar, calendar_id=42)
    assert queued == [
        ("sla.recompute_open", {"schema_name": mall.schema, "calendar_id": 42, "everything": False})
    ]


def test_warning_and_breach_fire_once_with_their_events(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)
    row = sla_of(mall, ticket)
    with in_account(mall):
        assert services.check_due(now=row.response_warning_at - timedelta(seconds=1)) == 0
        assert services.check_due(now=row.response_warning_at) == 1
        assert services.check_due(now=row.response_warning_at + timedelta(minutes=1)) == 0
        late = row.response_due_at + timedelta(minutes=5)
        assert services.check_due(now=late) == 1
        assert services.check_due(now=late) == 0
        kinds = list(
            TicketEvent.objects.filter(ticket_id=ticket.pk, kind__startswith="sla_")
            .order_by("id")
            .values_list("kind", "data", "public", "actor_name")
        )
        fired = sorted(SlaFired.objects.filter(ticket_id=ticket.pk).values_list("threshold", "target"))
    assert kinds == [
        ("sla_warning", {"target": "response", "due_at": row.response_due_at.isoformat()}, False, "SLA"),
        (
            "sla_breached",
            {"target": "response", "due_at": row.response_due_at.isoformat(), "late_by_minutes": 5},
            False,
            "SLA",
        ),
    ]
    assert fired == [("breach", "response"), ("warning", "response")]
    assert sla_of(mall, ticket).next_due_at == row.resolution_warning_at


def test_a_breach_found_late_fires_without_its_warning(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)
    row = sla_of(mall, ticket)
    with in_account(mall):
        assert services.check_due(now=row.resolution_due_at + timedelta(minutes=1)) == 2  # both breaches
        kinds = sorted(
            TicketEvent.objects.filter(ticket_id=ticket.pk, kind__startswith="sla_").values_list(
                "kind", "data__target"
            )
        )
    assert kinds == [("sla_breached", "resolution"), ("sla_breached", "response")]
    assert sla_of(mall, ticket).next_due_at is None


def test_a_priority_change_after_a_warning_does_not_fire_it_again(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)
    row = sla_of(mall, ticket)
    with in_account(mall):
        assert services.check_due(now=row.response_warning_at) == 1
        desk.update_ticket(actor=mall.people["dispatcher"], ticket=ticket, changes={"priority": 2})
    row = sla_of(mall, ticket)  # normal: 4 h response, its warning at 3 h 12 min
    assert "warning:response" in row.fired
    assert row.next_due_at == row.response_due_at  # the warning fired once already
    with in_account(mall):
        assert services.check_due(now=row.response_warning_at + timedelta(minutes=1)) == 0


def test_escalations_notify_reassign_and_raise_priority(mall, calendars):
    with in_account(mall):
        plumbing = ResponsibilityGroup.objects.get(code="plumbing")
        engineering = ResponsibilityGroup.objects.get(code="engineering")
    make_policy(
        mall,
        escalations=[
            {"threshold": "warning", "target": "response", "action": "notify", "group": plumbing},
            {
                "threshold": "breach",
                "target": "response",
                "action": "reassign",
                "group": engineering,
                "assignee": mall.people["engineer"],
            },
            {"threshold": "breach", "target": "response", "action": "raise_priority"},
        ],
    )
    ticket = file_leak(mall)
    row = sla_of(mall, ticket)
    with in_account(mall):
        services.check_due(now=row.response_warning_at)
        told = sorted(
            Notification.objects.filter(ticket_id=ticket.pk, kind="sla.warning").values_list(
                "recipient__email", flat=True
            )
        )
        assert told == sorted(u.email for u in plumbing.members.all()) != []
        services.check_due(now=row.response_due_at)
        after = Ticket.objects.get(pk=ticket.pk)
        changes = list(
            TicketEvent.objects.filter(ticket_id=ticket.pk, kind__in=[EventKind.ASSIGNED, EventKind.CHANGED])
            .order_by("id")
            .values_list("kind", "actor_name")
        )
    assert ticket.group_id == plumbing.pk  # routed there when filed
    assert after.group_id == engineering.pk and after.assignee_id == mall.people["engineer"].pk
    assert after.priority == 4  # high + 1 = urgent
    assert changes[-2:] == [("assigned", "SLA"), ("changed", "SLA")]
    assert sla_of(mall, ticket).priority == 4  # the timers follow the new priority


def test_raising_the_priority_stops_at_urgent(mall, calendars):
    make_policy(
        mall, escalations=[{"threshold": "warning", "target": "response", "action": "raise_priority"}]
    )
    ticket = file_leak(mall, priority=4)
    row = sla_of(mall, ticket)
    with in_account(mall):
        services.check_due(now=row.response_warning_at)
        assert Ticket.objects.get(pk=ticket.pk).priority == 4
        assert not TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.CHANGED).exists()


def test_deleting_the_policy_drops_the_timers_on_recompute(mall, calendars):
    policy = make_policy(mall)
    ticket = file_leak(mall)
    assert sla_of(mall, ticket) is not None
    with in_account(mall):
        services.delete_policy(actor=mall.people["admin"], policy=SlaPolicy.objects.get(pk=policy.pk))
    assert sla_of(mall, ticket) is None  # cascaded with its policy


def test_a_refused_escalation_leaves_the_breach_and_the_other_escalations(mall, calendars):
    policy = make_policy(
        mall, escalations=[{"threshold": "breach", "target": "response", "action": "raise_priority"}]
    )
    with in_account(mall):
        # an assignee the desk refuses (not an agent: the role changed after the policy was saved)
        SlaEscalation.objects.create(
            policy_id=policy.pk,
            threshold="breach",
            target="response",
            action="reassign",
            assignee=mall.people["key_user"],
        )
    ticket = file_leak(mall)
    row = sla_of(mall, ticket)
    with in_account(mall):
        assert services.check_due(now=row.response_due_at) == 1
        after = Ticket.objects.get(pk=ticket.pk)
        assert TicketEvent.objects.filter(ticket_id=ticket.pk, kind=EventKind.SLA_BREACHED).count() == 1
    assert after.assignee_id == ticket.assignee_id  # refused
    assert after.priority == 4  # the other escalation ran


def test_deleting_a_group_an_escalation_names_leaves_the_escalation_without_it(mall, calendars):
    with in_account(mall):
        group = ResponsibilityGroup.objects.create(code="night", name="Night shift")
    policy = make_policy(
        mall, escalations=[{"threshold": "breach", "target": "response", "action": "notify", "group": group}]
    )
    with in_account(mall):
        group.delete()
        assert list(SlaEscalation.objects.filter(policy_id=policy.pk).values_list("group_id", flat=True)) == [
            None
        ]


def test_a_policy_change_queues_the_recompute_of_open_tickets(mall, calendars, monkeypatch):
    queued = []
    monkeypatch.setattr(services, "enqueue_for_account", lambda name, **kw: queued.append((name, kw)))
    policy = make_policy(mall)
    with in_account(mall):
        services.save_policy(actor=mall.people["admin"], policy=policy, data={"is_active": False})
    assert (
        queued
        == [("sla.recompute_open", {"schema_name": mall.schema, "calendar_id": None, "everything": True})] * 2
    )


def test_switching_the_only_policy_off_drops_the_timers_when_recomputed(mall, calendars):
    policy = make_policy(mall)
    ticket = file_leak(mall)
    assert sla_of(mall, ticket) is not None
    with in_account(mall):
        services.save_policy(actor=mall.people["admin"], policy=policy, data={"is_active": False})
        desk.add_comment(actor=mall.people["key_user"], ticket=ticket, body="Any news?")
    assert sla_of(mall, ticket) is not None  # a change alone does not drop it: the task does
    with in_account(mall):
        services.recompute_open(everything=True)  # what the policy change queued
    assert sla_of(mall, ticket) is None
