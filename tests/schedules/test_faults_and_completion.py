"""A filing that faults neither blocks the tick nor is lost (tried again with a growing pause, then
failed); a failed occurrence is retried on request; an occurrence's ticket resolved is its
completion record (so `from_completion` schedules move on without a hand)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Ticket
from tenant_apps.schedules import services
from tenant_apps.schedules.models import Occurrence
from tests.schedules.conftest import T0, make_schedule
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def tick(now: datetime) -> int:
    return services.materialize_due_occurrences(now=now)


def faulting_for(monkeypatch, title: str, error: Exception) -> list[str]:
    """The desk's filing raises `error` for the tickets of that title (a bug, a timeout...)."""
    real, calls = desk.file_ticket, []

    def file_ticket(**kwargs):
        if kwargs.get("title") == title:
            calls.append(title)
            raise error
        return real(**kwargs)

    monkeypatch.setattr(desk, "file_ticket", file_ticket)
    return calls


def test_a_faulting_filing_does_not_block_the_others_and_is_tried_again_then_failed(mall, monkeypatch):
    with in_account(mall):
        faulty = make_schedule(mall, name="Faulty", title="Faulty check")
        fine = make_schedule(mall, name="Fine")
        calls = faulting_for(monkeypatch, "Faulty check", RuntimeError("the desk's search index timed out"))
        assert tick(T0) == 1  # the fine one is filed although the faulty one comes first
        assert Occurrence.objects.get(schedule=fine).state == "created"
        stuck = Occurrence.objects.get(schedule=faulty)
        assert (stuck.state, stuck.attempts, stuck.ticket_id) == ("pending", 1, None)
        assert "RuntimeError" in stuck.error and "timed out" not in stuck.error  # internals go to the log
        first_pause = stuck.retry_after - timezone.now()
        assert timedelta(minutes=4) < first_pause <= services.RETRY_BASE

        assert tick(T0) == 0 and len(calls) == 1  # not before its pause is over

        pauses = []
        for attempt in range(2, services.MAX_ATTEMPTS + 1):
            Occurrence.objects.filter(pk=stuck.pk).update(retry_after=timezone.now() - timedelta(seconds=1))
            assert tick(T0) == 0
            stuck.refresh_from_db()
            assert stuck.attempts == attempt
            if stuck.state == "pending":
                pauses.append(stuck.retry_after - timezone.now())
        assert len(calls) == services.MAX_ATTEMPTS
        assert stuck.state == "failed" and stuck.retry_after is None
        assert f"attempt {services.MAX_ATTEMPTS} of {services.MAX_ATTEMPTS}" in stuck.error
        # each pause longer than the one before: 5, 10, 20, 40 minutes
        assert all(later > earlier for earlier, later in zip([first_pause, *pauses], pauses, strict=False))
        assert tick(T0) == 0 and len(calls) == services.MAX_ATTEMPTS  # failed: left alone

        # fixed (the fault is gone) and retried by a manager: filed on the next tick
        monkeypatch.undo()
        retried = services.retry_occurrence(actor=mall.people["admin"], occurrence=stuck)
        assert (retried.state, retried.attempts, retried.error) == ("pending", 0, "")
        assert tick(T0) == 1
        stuck.refresh_from_db()
        assert stuck.state == "created" and Ticket.objects.filter(pk=stuck.ticket_id).exists()


def test_a_database_gone_away_fails_the_tick_and_leaves_the_occurrence_as_it_was(mall, monkeypatch):
    with in_account(mall):
        schedule = make_schedule(mall, name="Down", title="Down check")
        faulting_for(monkeypatch, "Down check", OperationalError("server closed the connection unexpectedly"))
        with pytest.raises(OperationalError):
            tick(T0)
        occurrence = Occurrence.objects.get(schedule=schedule)
        assert (occurrence.state, occurrence.attempts, occurrence.error) == ("pending", 0, "")


def test_only_a_failed_occurrence_is_retried_and_only_by_a_manager(mall):
    with in_account(mall):
        broken = make_schedule(mall, name="Broken", fields={})  # the leak form requires severity
        fine = make_schedule(mall, name="Fine")
        assert tick(T0) == 1
        failed = Occurrence.objects.get(schedule=broken)
        filed = Occurrence.objects.get(schedule=fine)
    refused = mall.api("admin", "post", f"/schedule-occurrences/{filed.pk}/retry/")
    assert refused.status_code == 400 and "state" in refused.json()["fields"], refused.content
    denied = mall.api("engineer", "post", f"/schedule-occurrences/{failed.pk}/retry/")
    assert denied.status_code == 403, denied.content
    with in_account(mall):
        assert Occurrence.objects.get(pk=failed.pk).state == "failed"
    answer = mall.api("admin", "post", f"/schedule-occurrences/{failed.pk}/retry/")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["state"], answer.json()["error"], answer.json()["attempts"]) == ("pending", "", 0)
    with in_account(mall):
        assert tick(T0) == 0  # still refused by the desk: failed again, with the reason
        again = Occurrence.objects.get(pk=failed.pk)
        assert again.state == "failed" and "severity" in again.error


def test_the_ticket_resolved_is_the_completion_record_and_the_next_occurrence_follows(mall):
    with in_account(mall):
        make_schedule(mall, mode="from_completion", period_unit="weeks", interval=1)
        assert tick(T0) == 1
        first = Occurrence.objects.get()
        ticket = Ticket.objects.get(pk=first.ticket_id)
        plumber = mall.people["plumber"]
        desk.transition_ticket(actor=plumber, ticket=ticket, to="in_progress")
        first.refresh_from_db()
        assert first.completed_at is None  # in progress is not done
        desk.transition_ticket(actor=plumber, ticket=ticket, to="resolved", comment="Checked, all dry")
        first.refresh_from_db()
        assert first.completed_by_id == plumber.pk
        done = first.completed_at
        assert abs((done - timezone.now()).total_seconds()) < 60
        # the next one is a week after the day the work was done, at the schedule's time of day
        expected = datetime.combine(done.date() + timedelta(weeks=1), T0.timetz()).replace(tzinfo=UTC)
        assert tick(expected - timedelta(minutes=1)) == 0
        assert tick(expected) == 1
        assert Occurrence.objects.order_by("-due_at").first().due_at == expected
