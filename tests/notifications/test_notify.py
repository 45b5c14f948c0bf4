"""notify(): the recipient's language, after commit only, retries, in-app rows, the spine reader,
the API's own-only rule, and the mails moved onto notifications (billing's hook, the welcome)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from tenant_apps.desk.models import EventKind, TicketEvent
from tenant_apps.notifications import readers, services, tasks
from tenant_apps.notifications.models import MailDelivery, Notification
from tenant_apps.people.models import User
from tenants_shared.accounts.models import Account
from tests.notifications import backends
from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import file_leak, make_mall

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def _set_language(mall, person_language: str, account_language: str):
    with in_account(mall):
        User.objects.filter(pk=mall.people["engineer"].pk).update(language=person_language)
    Account.objects.filter(pk=mall.account.pk).update(language=account_language)
    mall.account.language = account_language
    with in_account(mall):
        return User.objects.get(pk=mall.people["engineer"].pk)


@pytest.mark.parametrize(
    ("person", "account", "expected"),
    [
        ("ru", "en", "ru"),  # the person's own language first
        ("en", "ru", "en"),
        ("", "ru", "ru"),  # no language of their own: the account's
        ("", "", "en"),  # neither: the platform's default (settings.LANGUAGE_CODE)
        ("xx", "ru", "ru"),  # a language we do not ship counts as none
    ],
)
def test_the_language_is_the_persons_then_the_accounts_then_the_platforms(mall, person, account, expected):
    engineer = _set_language(mall, person, account)
    with in_account(mall):
        assert services.language_for(engineer) == expected
        subject, text = services.render(
            person=engineer, kind="people.invitation", context={"link": "http://x.example/l"}
        )
    if expected == "ru":
        assert subject.startswith("Вас пригласили") and text.startswith("Здравствуйте")
    else:
        assert subject.startswith("You are invited") and text.startswith("Hello Engineer")


def test_a_notification_is_stored_and_mailed_only_after_commit_and_never_when_rolled_back(
    mall, queued_tasks, django_capture_on_commit_callbacks
):
    engineer = mall.people["engineer"]
    ticket = file_leak(mall)
    queued_tasks.clear()
    with in_account(mall):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                services.notify(
                    recipients=[engineer], kind="ticket.assigned", ticket=ticket, context={"actor": "D"}
                )
                raise RuntimeError("the change fails after notify()")
        assert not Notification.objects.filter(recipient=engineer).exists()
        assert not MailDelivery.objects.exists()
    assert queued_tasks == []  # nothing queued, nothing will be sent

    with in_account(mall):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            (note,) = services.notify(
                recipients=[engineer], kind="ticket.assigned", ticket=ticket, context={"actor": "Dispatcher"}
            )
        assert queued_tasks == [] and mail.outbox == []  # not before the commit
        for callback in callbacks:
            callback()
        delivery = MailDelivery.objects.get(recipient=engineer)
    assert ("notifications.send_mail", mall.schema, {"delivery_id": delivery.pk}) in queued_tasks
    assert note.title == f"Assigned to you: {ticket.key} {ticket.title}"
    assert note.link.endswith(f"/app/tickets/{ticket.pk}") and note.read_at is None

    with in_account(mall):
        assert services.send_queued_mail(delivery_id=delivery.pk) is True
        assert services.send_queued_mail(delivery_id=delivery.pk) is False  # a duplicate task sends nothing
    (sent,) = mail.outbox
    assert sent.to == [engineer.email] and sent.subject == note.title
    assert "Dispatcher assigned the request" in sent.body
    html = sent.alternatives[0][0]
    assert "Account " in html and ticket.key in html  # the account's branded frame around the text


@pytest.fixture
def eager_tasks():
    """Run a task with `.apply()` inside the test's transaction: the worker's hook that drops a
    session left outside autocommit (atrium/celery.py) would close the test's own."""
    from celery.signals import task_prerun

    from atrium.celery import _drop_broken_connections

    task_prerun.disconnect(_drop_broken_connections)
    yield
    task_prerun.connect(_drop_broken_connections)


def test_a_failing_mail_server_is_retried_until_the_mail_goes(mall, settings, eager_tasks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    backends.FAILURES.update(left=2, tried=0)
    engineer = mall.people["engineer"]
    with in_account(mall):
        services.notify(recipients=[engineer], kind="approvals.needed", context={"key": "K-1", "title": "T"})
        delivery = MailDelivery.objects.get(recipient=engineer)
        result = tasks.send_mail.apply(kwargs={"delivery_id": delivery.pk})
        assert result.get() is True
        delivery.refresh_from_db()
    assert backends.FAILURES["tried"] == 3 and delivery.attempts == 3 and delivery.sent_at is not None
    assert [m.to for m in mail.outbox] == [[engineer.email]]


def test_a_mail_server_that_keeps_failing_leaves_the_mail_unsent_with_its_error(mall, settings, eager_tasks):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    backends.FAILURES.update(left=100, tried=0)
    engineer = mall.people["engineer"]
    with in_account(mall):
        services.notify(recipients=[engineer], kind="approvals.needed", context={"key": "K-1", "title": "T"})
        delivery = MailDelivery.objects.get(recipient=engineer)
        tasks.send_mail.max_retries, saved = 2, tasks.send_mail.max_retries
        try:
            with pytest.raises(OSError):
                tasks.send_mail.apply(kwargs={"delivery_id": delivery.pk}).get()
        finally:
            tasks.send_mail.max_retries = saved
        delivery.refresh_from_db()
    assert delivery.sent_at is None and delivery.attempts == 3 and "hung up" in delivery.last_error
    assert mail.outbox == []


def test_blocked_and_inactive_people_are_not_notified(mall):
    with in_account(mall):
        User.objects.filter(pk=mall.people["engineer2"].pk).update(blocked_at="2026-01-01T00:00:00Z")
        people = list(User.objects.filter(pk__in=[mall.people["engineer"].pk, mall.people["engineer2"].pk]))
        stored = services.notify(
            recipients=people, kind="approvals.needed", context={"key": "K", "title": "T"}
        )
    assert [n.recipient_id for n in stored] == [mall.people["engineer"].pk]


# ---------------------------------------------------------------------------- the spine reader
def _last_event(ticket, kind) -> int:
    return TicketEvent.objects.filter(ticket_id=ticket["id"], kind=kind).latest("id").pk


def _told(mall, person) -> list[tuple[str, int | None]]:
    with in_account(mall):
        return list(
            Notification.objects.filter(recipient=person).order_by("id").values_list("kind", "ticket_id")
        )


def test_the_spine_reader_tells_the_assignee_and_the_requester(
    mall, queued_tasks, django_capture_on_commit_callbacks
):
    key_user, engineer, dispatcher = (mall.people[w] for w in ("key_user", "engineer", "dispatcher"))
    made = mall.api(
        "key_user", "post", "/tickets/", {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}}
    )
    assert made.status_code == 201, made.content
    ticket = made.json()
    queued_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assigned = mall.api("dispatcher", "patch", f"/tickets/{ticket['id']}/", {"assignee": engineer.pk})
    assert assigned.status_code == 200, assigned.content
    with in_account(mall):
        event_id = _last_event(ticket, EventKind.ASSIGNED)
    # after commit the committing process only queued the change's events for the worker: one task
    assert ("notifications.ticket_events", mall.schema, {"event_ids": [event_id]}) in queued_tasks
    with in_account(mall):
        assert readers.notify_for_events(event_ids=[event_id]) == 1
        assert readers.notify_for_events(event_ids=[event_id]) == 0  # the task run twice tells once
    assert _told(mall, engineer) == [("ticket.assigned", ticket["id"])]
    with in_account(mall):
        assert MailDelivery.objects.filter(recipient=engineer, kind="ticket.assigned").count() == 1

    # a public reply by the desk reaches the requester; an internal one and their own do not
    for who, body, internal in (
        ("dispatcher", "We are on it", False),
        ("dispatcher", "ZZ internal", True),
        ("key_user", "Thanks", False),
    ):
        answer = mall.api(
            who, "post", f"/tickets/{ticket['id']}/comments/", {"body": body, "internal": internal}
        )
        assert answer.status_code == 201, answer.content
    with in_account(mall):
        for event in TicketEvent.objects.filter(ticket_id=ticket["id"], kind=EventKind.COMMENTED):
            readers.notify_for_event(event_id=event.pk)
        (reply,) = Notification.objects.filter(recipient=key_user, kind="ticket.replied")
    assert "We are on it" in reply.body and "ZZ" not in reply.body
    assert reply.link.endswith(f"/portal/requests/{ticket['id']}")
    assert _told(mall, dispatcher) == []

    # the requester's own comment and an internal note queue no notifications task at all
    queued_tasks.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for who, internal in (("key_user", False), ("dispatcher", True)):
            answer = mall.api(
                who, "post", f"/tickets/{ticket['id']}/comments/", {"body": "x", "internal": internal}
            )
            assert answer.status_code == 201, answer.content
    assert [t for t in queued_tasks if t[0] == "notifications.ticket_events"] == []

    # someone assigning a ticket to themselves is not told about it
    with in_account(mall):
        Notification.objects.all().delete()
    mine = mall.api("dispatcher", "patch", f"/tickets/{ticket['id']}/", {"assignee": dispatcher.pk})
    assert mine.status_code == 200, mine.content
    with in_account(mall):
        assert readers.notify_for_event(event_id=_last_event(ticket, EventKind.ASSIGNED)) == 0


def test_the_requester_is_told_when_their_request_is_resolved(mall):
    ticket = mall.api(
        "key_user", "post", "/tickets/", {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}}
    ).json()
    for target, comment in (("in_progress", "Coming at noon"), ("resolved", "Gasket replaced")):
        moved = mall.api(
            "plumber", "post", f"/tickets/{ticket['id']}/transition/", {"to": target, "comment": comment}
        )
        assert moved.status_code == 200, moved.content
    with in_account(mall):
        for event in TicketEvent.objects.filter(ticket_id=ticket["id"]).order_by("id"):
            readers.notify_for_event(event_id=event.pk)
        told = list(
            Notification.objects.filter(recipient=mall.people["key_user"])
            .order_by("id")
            .values_list("kind", "body")
        )
    # the comment of the first move is a reply; the one written with the resolution is part of it
    assert [kind for kind, _body in told] == ["ticket.replied", "ticket.resolved"]
    assert "Coming at noon" in told[0][1] and "Gasket" not in told[0][1]


# ---------------------------------------------------------------------------- the API
def _notify(mall, who: str, n: int = 1) -> list[Notification]:
    with in_account(mall):
        person = User.objects.get(pk=mall.people[who].pk)
        return [
            services.notify(
                recipients=[person],
                kind="approvals.needed",
                context={"key": f"K-{i}", "title": "T"},
                channels=["in_app"],
            )[0]
            for i in range(n)
        ]


def test_the_api_lists_and_marks_only_ones_own_notifications(mall):
    mine = _notify(mall, "engineer", 3)
    theirs = _notify(mall, "engineer2", 1)
    page = mall.api("engineer", "get", "/notifications/?page_size=2")
    assert page.status_code == 200, page.content
    body = page.json()
    assert [n["id"] for n in body["results"]] == [mine[2].pk, mine[1].pk] and body["unread_count"] == 3
    assert body["next"] and body["results"][0]["title"] == "Approval needed: K-2 T"
    rest = mall.client("engineer").get(body["next"], HTTP_HOST=mall.host).json()
    assert [n["id"] for n in rest["results"]] == [mine[0].pk]

    read = mall.api("engineer", "post", f"/notifications/{mine[0].pk}/read/")
    assert read.status_code == 200 and read.json()["read_at"]
    unread = mall.api("engineer", "get", "/notifications/?unread=true").json()
    assert [n["id"] for n in unread["results"]] == [mine[2].pk, mine[1].pk] and unread["unread_count"] == 2
    assert [
        n["id"] for n in mall.api("engineer", "get", "/notifications/?unread=false").json()["results"]
    ] == [mine[0].pk]

    # someone else's notification does not exist for me: 404 in the error shape, and it stays unread
    foreign = mall.api("engineer", "post", f"/notifications/{theirs[0].pk}/read/")
    assert foreign.status_code == 404 and foreign.json()["code"] == "not_found"
    assert mall.api("engineer2", "get", "/notifications/").json()["unread_count"] == 1

    done = mall.api("engineer", "post", "/notifications/read-all/")
    assert done.status_code == 200 and done.json() == {"marked": 2, "unread_count": 0}
    assert mall.api("engineer2", "get", "/notifications/").json()["unread_count"] == 1

    bad = mall.api("engineer", "get", "/notifications/?unread=maybe")
    assert bad.status_code == 400 and "unread" in bad.json()["fields"]
    cursor = mall.api("engineer", "get", "/notifications/?cursor=nonsense")
    assert cursor.status_code == 400 and "cursor" in cursor.json()["fields"]
    assert mall.api("engineer", "post", "/notifications/999999/read/").status_code == 404


def test_the_api_needs_a_signed_in_person_and_stays_in_its_account(mall):
    from django.test import Client

    _notify(mall, "engineer", 1)
    anonymous = Client().get("/api/v1/notifications/", HTTP_HOST=mall.host)
    assert anonymous.status_code in (401, 403) and "code" in anonymous.json()
    other = make_mall()
    assert other.api("engineer", "get", "/notifications/").json() == {
        "next": None,
        "previous": None,
        "results": [],
        "unread_count": 0,
    }


# ---------------------------------------------------------------------------- moved mails
def test_billing_mails_the_admins_through_notifications_in_each_admins_language(mall):
    from billing.webhooks import mail_admins_trial_ending

    with in_account(mall):
        User.objects.filter(pk=mall.people["admin"].pk).update(language="ru")
        assert mail_admins_trial_ending(trial_end="2026-12-24T10:00:00+00:00") == 1
    (sent,) = mail.outbox
    assert sent.to == [mall.people["admin"].email]
    assert sent.subject == f"Пробный период Atrium для {mall.account.name} скоро закончится"
    assert "2026-12-24" in sent.body and sent.alternatives  # the branded HTML part too


def test_the_welcome_mail_holds_no_lock_and_a_failed_send_is_retried(mall, settings):
    from tenant_apps.people import services as people

    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    backends.FAILURES.update(left=1, tried=0)
    employee = mall.people["employee"]
    with in_account(mall):
        with pytest.raises(OSError):
            people.send_welcome_email(user_id=employee.pk)
        assert User.objects.get(pk=employee.pk).welcome_sent_at is None  # the retry will send it
        assert people.send_welcome_email(user_id=employee.pk) is True
        assert people.send_welcome_email(user_id=employee.pk) is False  # once
    (sent,) = mail.outbox
    assert sent.to == [employee.email] and sent.body.startswith("Hello Employee")
