"""The pure SLA timer (tenant_apps/sla/timer.py): every expected moment worked out by hand below.

Working-hours calendar: Monday to Friday 09:00-18:00 UTC (9 hours a day), built directly with the
calendars engine. 2026-01-05 is a Monday; 2026-01-09 a Friday.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from tenant_apps.calendars.engine import WorkingTime, always
from tenant_apps.sla import timer
from tenant_apps.sla.services import history_of
from tenant_apps.sla.timer import Happening, Target

OFFICE = WorkingTime(zone="UTC", weekly={d: ((time(9), time(18)),) for d in range(5)})
TARGETS = {
    1: Target(24 * 60, 10 * 24 * 60),
    2: Target(4 * 60, 3 * 24 * 60),  # normal: 4 h / 3 days
    3: Target(60, 8 * 60),  # high: 1 h / 8 h
    4: Target(30, 4 * 60),  # urgent: 30 min / 4 h
}


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def created(moment, priority=2, category="new"):
    return Happening(at=moment, category=category, priority=priority)


def test_creation_gives_due_times_in_working_time():
    t = timer.compute([created(at(5, 10))], TARGETS, OFFICE)
    # response: 4 h from Monday 10:00 -> 14:00; warning at 80 % = 3 h 12 min -> 13:12
    assert t.response.due_at == at(5, 14)
    assert t.response.warning_at == at(5, 13, 12)
    # resolution: 72 working hours. Monday 10-18 = 8 h (64 left); Tue, Wed, Thu, Fri = 36 h (28
    # left); the weekend counts nothing; Mon 12, Tue 13, Wed 14 = 27 h (1 left); Thu 15 09:00+1 h
    assert t.resolution.due_at == at(15, 10)
    assert t.response.state(at(5, 11)) == timer.RUNNING
    assert t.response.state(at(5, 13, 30)) == timer.WARNING
    assert t.response.state(at(5, 14)) == timer.BREACHED
    assert [m[:2] for m in t.moments] == [
        ("warning", "response"),
        ("breach", "response"),
        ("warning", "resolution"),
        ("breach", "resolution"),
    ]


def test_filed_on_saturday_starts_counting_on_monday():
    t = timer.compute([created(at(10, 10), priority=3)], TARGETS, OFFICE)
    assert t.response.due_at == at(12, 10)  # Monday 09:00 + 1 h
    assert t.resolution.due_at == at(12, 17)  # Monday 09:00 + 8 h


def test_first_public_agent_reply_meets_the_response_target():
    t = timer.compute([created(at(5, 10)), Happening(at=at(5, 11, 30), reply=True)], TARGETS, OFFICE)
    assert t.response.met_at == at(5, 11, 30)
    assert t.response.due_at == at(5, 14)  # where it would have been due
    assert t.response.state(at(6, 12)) == timer.MET
    assert t.resolution.met_at is None  # a reply is not a resolution
    assert [m[:2] for m in t.moments] == [("warning", "resolution"), ("breach", "resolution")]


def test_a_late_reply_is_met_late_which_is_breached_with_met_at():
    t = timer.compute([created(at(5, 10)), Happening(at=at(5, 15), reply=True)], TARGETS, OFFICE)
    assert t.response.met_at == at(5, 15)
    assert t.response.state(at(5, 16)) == timer.BREACHED


def test_pause_over_a_weekend_credits_nothing():
    # high (8 h resolution): filed Friday 16:00, waiting from 17:00 (1 h consumed) until Monday
    # 10:00; 7 h left from Monday 10:00 -> Monday 17:00. (Without the pause: Fri 16-18 = 2 h, then
    # Monday 09:00 + 6 h = 15:00.) The weekend inside the pause was never working time.
    history = [
        created(at(9, 16), priority=3, category="open"),
        Happening(at=at(9, 16, 30), reply=True),
        Happening(at=at(9, 17), category="waiting"),
        Happening(at=at(12, 10), category="open"),
    ]
    t = timer.compute(history, TARGETS, OFFICE)
    assert t.resolution.due_at == at(12, 17)
    assert t.paused is False
    unpaused = timer.compute(history[:2], TARGETS, OFFICE)
    assert unpaused.resolution.due_at == at(12, 15)
    # while it waits: no due time, the working time left stays as it was when it paused
    waiting = timer.compute(history[:3], TARGETS, OFFICE)
    assert waiting.paused is True
    assert waiting.resolution.due_at is None
    assert waiting.resolution.remaining == timedelta(hours=7)
    assert waiting.resolution.state(at(12, 8)) == timer.PAUSED
    assert waiting.resolution.remaining_seconds(at(12, 8)) == 7 * 3600
    assert waiting.moments == ()  # nothing for the beat to fire while paused


def test_priority_changed_while_paused_reruns_the_history():
    # normal, filed Monday 09:00; waiting 10:00-12:00 (1 h consumed); made urgent at 11:00 while
    # waiting. Urgent: 4 h resolution -> 3 h left from 12:00 -> 15:00; 30 min response: reached at
    # 09:30, before the pause -> breached (no reply). The paused 2 hours are not lost or counted.
    history = [
        created(at(5, 9), priority=2, category="open"),
        Happening(at=at(5, 10), category="waiting"),
        Happening(at=at(5, 11), priority=4),
        Happening(at=at(5, 12), category="open"),
    ]
    t = timer.compute(history, TARGETS, OFFICE)
    assert t.priority == 4
    assert t.resolution.due_at == at(5, 15)
    assert t.response.due_at == at(5, 9, 30)
    assert t.response.state(at(5, 12)) == timer.BREACHED
    # still waiting when it became urgent: the response was late before the pause
    paused = timer.compute(history[:3], TARGETS, OFFICE)
    assert paused.response.state(at(5, 11)) == timer.BREACHED
    assert paused.resolution.state(at(5, 11)) == timer.PAUSED
    assert paused.resolution.remaining == timedelta(hours=3)


def test_policy_swap_reruns_against_the_new_targets_and_calendar():
    # the same history under another policy (24x7, response 2 h / resolution 6 h): filed Friday
    # 16:00, waiting 17:00 -> Monday 10:00: 1 h consumed, 5 h left from Monday 10:00 -> 15:00.
    history = [
        created(at(9, 16), priority=3, category="open"),
        Happening(at=at(9, 17), category="waiting"),
        Happening(at=at(12, 10), category="open"),
    ]
    vip = {3: Target(120, 360)}
    t = timer.compute(history, vip, always())
    assert t.resolution.due_at == at(12, 15)
    assert t.response.due_at == at(12, 11)  # 1 h before the pause, 1 h after it


def test_resolution_stops_when_resolved_and_runs_again_when_reopened():
    # urgent 4 h: 09:00-11:00 open (2 h), resolved 11:00-15:00 (not counted), reopened 15:00:
    # 2 h left -> 17:00
    history = [
        created(at(5, 9), priority=4, category="open"),
        Happening(at=at(5, 9, 10), reply=True),
        Happening(at=at(5, 11), category="resolved"),
    ]
    t = timer.compute(history, TARGETS, OFFICE)
    assert t.resolution.met_at == at(5, 11)
    assert t.resolution.state(at(5, 12)) == timer.MET
    reopened = timer.compute([*history, Happening(at=at(5, 15), category="open")], TARGETS, OFFICE)
    assert reopened.resolution.met_at is None
    assert reopened.resolution.due_at == at(5, 17)
    assert reopened.response.met_at == at(5, 9, 10)  # the response stays met


def test_resolving_before_any_reply_stops_the_response_clock():
    history = [
        created(at(5, 9), priority=4, category="open"),
        Happening(at=at(5, 9, 20), category="resolved"),
    ]
    t = timer.compute(history, TARGETS, OFFICE)
    assert t.response.met_at == at(5, 9, 20)
    assert t.response.state(at(5, 12)) == timer.MET


def test_no_target_for_the_priority_means_no_clock():
    t = timer.compute([created(at(5, 9), priority=1)], {4: Target(30, None)}, OFFICE)
    assert t.response is None and t.resolution is None
    t = timer.compute([created(at(5, 9), priority=4)], {4: Target(30, None)}, OFFICE)
    assert t.response.due_at == at(5, 9, 30)
    assert t.resolution is None


def test_history_of_events_only_an_agents_public_reply_counts():
    requester, agent = 7, 8
    rows = [
        ("created", at(5, 9), {"status": "new"}, requester, "employee"),
        ("commented", at(5, 9, 5), {"internal": False}, requester, "employee"),  # the requester
        ("commented", at(5, 9, 10), {"internal": True}, agent, "engineer"),  # an internal note
        ("status_changed", at(5, 9, 20), {"category": "open", "from_category": "new"}, agent, "engineer"),
        ("commented", at(5, 9, 40), {"internal": False}, agent, "engineer"),  # the first reply
    ]
    history = history_of(rows, requester_id=requester, category_now="open")
    assert history == [
        Happening(at=at(5, 9), category="new"),
        Happening(at=at(5, 9, 20), category="open"),
        Happening(at=at(5, 9, 40), reply=True),
    ]
    t = timer.compute(history, TARGETS, OFFICE, priority=4)
    assert t.response.met_at == at(5, 9, 40)
    # an agent who filed the ticket themselves and comments on it is its requester, not a reply
    own = history_of(
        rows[:1] + [("commented", at(5, 9, 5), {"internal": False}, 8, "engineer")],
        requester_id=8,
        category_now="new",
    )
    assert not any(h.reply for h in own)
