"""Bulk changes: checked when asked, applied by a worker ticket by ticket, followed by their actor,
and never applied twice when the task runs again."""

from __future__ import annotations

import pytest

from tenant_apps.desk import services as desk
from tenant_apps.desk.models import BulkJob, EventKind, Ticket, TicketEvent
from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import file_leak

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def test_a_bulk_job_applies_each_change_once_even_when_the_task_runs_again(
    mall, queued_tasks, django_capture_on_commit_callbacks
):
    first, second = file_leak(mall, "Leak one"), file_leak(mall, "Leak two")
    dispatcher = mall.people["dispatcher"]
    with in_account(mall), django_capture_on_commit_callbacks(execute=True):
        job = desk.queue_bulk_update(
            actor=dispatcher, ticket_ids=[first.pk, second.pk], changes={"priority": 4}
        )
    assert [(name, kwargs) for name, _schema, kwargs in queued_tasks] == [
        ("desk.bulk_update", {"job_id": str(job.pk)})
    ]
    with in_account(mall):
        # a worker lost after the first ticket: its outcome was recorded with its change
        BulkJob.objects.filter(pk=job.pk).update(updated=[first.pk])
        done = desk.bulk_update(job_id=str(job.pk))
        assert done.state == "done" and done.updated == [first.pk, second.pk] and done.refused == []
        changed = TicketEvent.objects.filter(kind=EventKind.CHANGED, data__changes__priority__isnull=False)
        assert list(changed.values_list("ticket_id", flat=True)) == [second.pk]  # first was not touched again
        again = desk.bulk_update(job_id=str(job.pk))
        assert again.done == 2 and changed.count() == 1


def test_bulk_progress_is_the_actors_alone_and_refusals_are_listed(mall, queued_tasks):
    ticket = file_leak(mall)
    with in_account(mall):
        job = desk.queue_bulk_update(
            actor=mall.people["dispatcher"],
            ticket_ids=[ticket.pk],
            changes={"assignee": mall.people["key_user"].pk},
        )
        desk.bulk_update(job_id=str(job.pk))
    response = mall.api("dispatcher", "get", f"/tickets/bulk/{job.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "done" and body["total"] == 1 and body["done"] == 1 and body["updated"] == []
    assert [r["id"] for r in body["refused"]] == [ticket.pk] and body["refused"][0]["fields"]
    assert mall.api("engineer", "get", f"/tickets/bulk/{job.pk}/").status_code == 404
    assert mall.api("key_user", "get", f"/tickets/bulk/{job.pk}/").status_code in (403, 404)


def test_post_answers_the_job_to_follow(mall, queued_tasks):
    ticket = file_leak(mall)
    response = mall.api(
        "dispatcher", "post", "/tickets/bulk/", {"ids": [ticket.pk], "changes": {"priority": 2}}
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["queued"] == 1 and body["job"]["state"] == "queued" and body["job"]["total"] == 1


def test_a_bulk_job_on_a_desk_paused_since_it_was_queued_writes_nothing_and_says_why(mall, queued_tasks):
    from billing.models import Subscription, SubscriptionStatus

    first, second = file_leak(mall, "Leak one"), file_leak(mall, "Leak two")
    with in_account(mall):
        job = desk.queue_bulk_update(
            actor=mall.people["dispatcher"], ticket_ids=[first.pk, second.pk], changes={"priority": 4}
        )
    # the subscription lapses before a worker takes the job: the licence is read-only now
    Subscription.objects.filter(account=mall.made.account).update(status=SubscriptionStatus.CANCELED)
    with in_account(mall):
        done = desk.bulk_update(job_id=str(job.pk))
        assert done.state == "done" and done.updated == []
        assert [(r["id"], r["code"]) for r in done.refused] == [
            (first.pk, "licence_read_only"),
            (second.pk, "licence_read_only"),
        ]
        assert all(r["fields"]["licence"] for r in done.refused)
        assert not TicketEvent.objects.filter(kind=EventKind.CHANGED).exists()
        assert sorted(Ticket.objects.values_list("priority", flat=True)) == sorted(
            [first.priority, second.priority]
        )
    # the agent following the job reads why (reading stays open on a paused desk)
    body = mall.api("dispatcher", "get", f"/tickets/bulk/{job.pk}/").json()
    assert body["state"] == "done" and body["updated"] == []
    assert {r["code"] for r in body["refused"]} == {"licence_read_only"}
