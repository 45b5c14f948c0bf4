"""Notification rules (issue #19): the account's rules per kind and channel, each person's
preferences, quiet hours (mail waits, in-app does not), the digest, new ticket in my group, and
the API for both (admins for rules, everyone for their own preferences)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from kernel.outbox.models import TaskOutbox

from tenant_apps.desk.models import EventKind, TicketEvent
from tenant_apps.notifications import policy, readers, services
from tenant_apps.notifications.models import MailDelivery, Notification, PersonSettings, Preference, Rule
from tenant_apps.people.models import User
from tenants_shared.accounts.models import Account
from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import file_leak

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


NEEDED = {"key": "GOODS-1", "title": "Shelves"}


def _person(mall, who: str) -> User:
    with in_account(mall):
        return User.objects.get(pk=mall.people[who].pk)


def _notify(mall, who: str, kind: str = "approvals.needed", context=None):
    person = _person(mall, who)
    with in_account(mall):
        return services.notify(recipients=[person], kind=kind, context=context or NEEDED)


def _mails_queued(mall, who: str, kind: str = "approvals.needed") -> list[MailDelivery]:
    with in_account(mall):
        return list(MailDelivery.objects.filter(recipient_id=mall.people[who].pk, kind=kind))


def test_the_accounts_rule_turns_a_channel_off_for_everyone(mall):
    with in_account(mall):
        Rule.objects.create(kind="approvals.needed", channel="email", enabled=False)
    assert len(_notify(mall, "approver")) == 1  # in-app still on
    assert _mails_queued(mall, "approver") == []
    with in_account(mall):
        Rule.objects.create(kind="approvals.needed", channel="in_app", enabled=False)
    assert _notify(mall, "approver") == []
    with in_account(mall):
        assert Notification.objects.filter(recipient_id=mall.people["approver"].pk).count() == 1


def test_a_persons_preference_turns_a_channel_off_for_them_only(mall):
    with in_account(mall):
        Preference.objects.create(
            person_id=mall.people["approver"].pk, kind="approvals.needed", channel="email", enabled=False
        )
    _notify(mall, "approver")
    _notify(mall, "dispatcher")
    assert _mails_queued(mall, "approver") == [] and len(_mails_queued(mall, "dispatcher")) == 1


def test_an_announcement_mail_turned_off_by_the_account_is_not_sent(mall):
    person = _person(mall, "employee")
    with in_account(mall):
        Rule.objects.create(kind="notices.announcement", channel="email", enabled=False)
        assert services.deliver_mail(person=person, kind="notices.announcement", context={"title": "T"}) == 0
    assert mail.outbox == []


# ---------------------------------------------------------------------------- quiet hours
def _quiet(mall, who: str, start: str, end: str, zone: str = "Europe/Moscow") -> User:
    Account.objects.filter(pk=mall.account.pk).update(time_zone=zone)
    mall.account.time_zone = zone
    person = _person(mall, who)
    with in_account(mall):
        PersonSettings.objects.create(
            person=person, quiet_start=dt.time.fromisoformat(start), quiet_end=dt.time.fromisoformat(end)
        )
    return person


@pytest.mark.parametrize(
    ("zone", "local_now", "start", "end", "hours_left"),
    [
        ("Europe/Moscow", "2026-12-02 23:30", "22:00", "07:00", 7.5),  # over midnight, before it
        ("Europe/Moscow", "2026-12-03 06:00", "22:00", "07:00", 1.0),  # over midnight, after it
        ("Europe/Moscow", "2026-12-02 12:00", "22:00", "07:00", 0.0),  # outside
        ("Europe/Moscow", "2026-12-02 07:00", "22:00", "07:00", 0.0),  # the end itself is outside
        ("Europe/Moscow", "2026-12-02 13:30", "13:00", "14:00", 0.5),  # a lunch break
        # Berlin leaves summer time at 03:00 on 25 Oct 2026: 22:00 -> 07:00 is ten real hours
        ("Europe/Berlin", "2026-10-24 22:00", "22:00", "07:00", 10.0),
    ],
)
def test_quiet_hours_delay_in_the_accounts_time_zone(mall, zone, local_now, start, end, hours_left):
    person = _quiet(mall, "approver", start, end, zone)
    now = dt.datetime.fromisoformat(local_now).replace(tzinfo=ZoneInfo(zone))
    with in_account(mall):
        assert policy.quiet_delay(person, now=now) == hours_left * 3600


def test_during_quiet_hours_mail_waits_until_they_end_and_in_app_does_not(mall):
    zone = ZoneInfo("Europe/Moscow")
    local = dt.datetime.now(zone)
    start = (local - dt.timedelta(hours=1)).time().replace(second=0, microsecond=0)
    end = (local + dt.timedelta(hours=2)).time().replace(second=0, microsecond=0)
    _quiet(mall, "approver", start.isoformat(), end.isoformat())
    assert len(_notify(mall, "approver")) == 1  # stored (and pushed) now
    (delivery,) = _mails_queued(mall, "approver")
    with in_account(mall):
        row = TaskOutbox.objects.get(task_name="notifications.send_mail", kwargs__delivery_id=delivery.pk)
    assert 2 * 3600 - 120 < row.countdown <= 2 * 3600


def test_transactional_mail_ignores_rules_and_quiet_hours(mall):
    person = _quiet(mall, "employee", "00:00", "23:59")
    with in_account(mall):
        assert (
            services.deliver_mail(person=person, kind="people.password_reset", context={"link": "http://x/l"})
            == 1
        )
    assert [m.to for m in mail.outbox] == [[person.email]]


# ---------------------------------------------------------------------------- digest, new ticket in my group
def test_a_new_ticket_tells_its_groups_members_and_their_mail_goes_to_the_digest(mall):
    ticket = file_leak(mall)  # routed to Plumbing, whose member is the plumber
    with in_account(mall):
        assert ticket.group.code == "plumbing"
        created = TicketEvent.objects.get(ticket=ticket, kind=EventKind.CREATED)
        assert readers.notify_for_event(event_id=created.pk) == 1
    (note,) = _in_app(mall, "plumber")
    assert note.kind == "ticket.new_in_group" and ticket.key in note.title and "Plumbing" in note.title
    assert _in_app(mall, "key_user") == []  # who filed it is not told
    (delivery,) = _mails_queued(mall, "plumber", "ticket.new_in_group")
    assert delivery.digest and delivery.sent_at is None
    with in_account(mall):
        assert not TaskOutbox.objects.filter(
            task_name="notifications.send_mail"
        ).exists()  # no mail of its own


def _in_app(mall, who: str) -> list[Notification]:
    with in_account(mall):
        return list(Notification.objects.filter(recipient_id=mall.people[who].pk).order_by("id"))


def test_the_digest_sends_one_mail_per_person_when_due(mall):
    plumber = _person(mall, "plumber")
    first, second = file_leak(mall, "Leak one"), file_leak(mall, "Leak two")
    with in_account(mall):
        for t in (first, second):
            readers.notify_for_event(event_id=TicketEvent.objects.get(ticket=t, kind=EventKind.CREATED).pk)
        now = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
        assert services.send_digests(now=now) == 1
        assert services.send_digests(now=now + dt.timedelta(hours=1)) == 0  # nothing left
    (digest,) = mail.outbox
    assert digest.to == [plumber.email] and digest.subject.endswith("2 new notifications")
    assert first.key in digest.body and second.key in digest.body and digest.alternatives
    with in_account(mall):
        assert not MailDelivery.objects.filter(digest=True, sent_at__isnull=True).exists()

    # daily (the default): the next one waits a day; hourly: an hour
    third = file_leak(mall, "Leak three")
    with in_account(mall):
        readers.notify_for_event(event_id=TicketEvent.objects.get(ticket=third, kind=EventKind.CREATED).pk)
        assert services.send_digests(now=now + dt.timedelta(hours=2)) == 0
        PersonSettings.objects.filter(person=plumber).update(digest="hourly")
        assert services.send_digests(now=now + dt.timedelta(hours=2)) == 1
    assert third.key in mail.outbox[-1].body


def test_an_account_rule_can_send_a_kind_to_the_digest_or_out_of_it(mall):
    with in_account(mall):
        Rule.objects.create(kind="approvals.needed", channel="email", enabled=True, digest=True)
        Rule.objects.create(kind="ticket.new_in_group", channel="email", enabled=True, digest=False)
    _notify(mall, "approver")
    (delivery,) = _mails_queued(mall, "approver")
    assert delivery.digest
    _notify(mall, "plumber", "ticket.new_in_group", {"key": "LEAK-1", "title": "T", "group": "Plumbing"})
    (own,) = _mails_queued(mall, "plumber", "ticket.new_in_group")
    assert not own.digest


# ---------------------------------------------------------------------------- the API
def test_account_admins_read_and_change_the_rules(mall):
    table = mall.api("admin", "get", "/notification-rules/")
    assert table.status_code == 200, table.content
    rows = {(r["kind"], r["channel"]): r for r in table.json()["rules"]}
    assert rows[("ticket.new_in_group", "email")]["digest"] is True
    assert rows[("ticket.assigned", "in_app")] == {
        "kind": "ticket.assigned",
        "label": "Assigned to me",
        "channel": "in_app",
        "enabled": True,
        "digest": False,
    }
    assert {"sla.warning", "sla.breach", "notices.announcement", "ticket.resolved"} <= {k for k, _c in rows}
    assert not any(k.startswith(("people.", "billing.")) for k, _c in rows)  # transactional: no rule

    changed = mall.api(
        "admin",
        "put",
        "/notification-rules/",
        {"rules": [{"kind": "ticket.assigned", "channel": "email", "enabled": False}]},
    )
    assert changed.status_code == 200, changed.content
    after = {(r["kind"], r["channel"]): r["enabled"] for r in changed.json()["rules"]}
    assert after[("ticket.assigned", "email")] is False and after[("ticket.assigned", "in_app")] is True
    _notify(mall, "engineer", "ticket.assigned", {"key": "K", "title": "T"})
    assert _mails_queued(mall, "engineer", "ticket.assigned") == []

    for bad in (
        {"rules": [{"kind": "people.invitation", "channel": "email", "enabled": False}]},
        {"rules": [{"kind": "ticket.assigned", "channel": "in_app", "enabled": True, "digest": True}]},
        {"rules": [{"kind": "ticket.assigned", "channel": "email", "enabled": "no"}]},
        {"rules": "all"},
    ):
        refused = mall.api("admin", "put", "/notification-rules/", bad)
        assert refused.status_code == 400 and "rules" in refused.json()["fields"], bad
    assert mall.api("dispatcher", "get", "/notification-rules/").status_code == 403
    assert mall.api("dispatcher", "put", "/notification-rules/", {"rules": []}).status_code == 403


def test_everyone_sets_their_own_preferences_quiet_hours_and_digest(mall):
    mine = mall.api("key_user", "get", "/me/notification-preferences/")
    assert mine.status_code == 200, mine.content
    assert mine.json()["quiet_hours"] is None and mine.json()["digest"] == "daily"
    with in_account(mall):
        Rule.objects.create(kind="ticket.resolved", channel="email", enabled=False)
    saved = mall.api(
        "key_user",
        "put",
        "/me/notification-preferences/",
        {
            "preferences": [{"kind": "ticket.replied", "channel": "email", "enabled": False}],
            "quiet_hours": {"start": "22:00", "end": "07:30"},
            "digest": "hourly",
        },
    )
    assert saved.status_code == 200, saved.content
    body = saved.json()
    rows = {(r["kind"], r["channel"]): r for r in body["preferences"]}
    assert rows[("ticket.replied", "email")]["enabled"] is False
    assert rows[("ticket.resolved", "email")]["account_enabled"] is False
    assert body["quiet_hours"] == {"start": "22:00", "end": "07:30"} and body["digest"] == "hourly"
    # nobody else's changed
    assert all(
        r["enabled"]
        for r in mall.api("employee", "get", "/me/notification-preferences/").json()["preferences"]
    )

    for bad, field in (
        ({"quiet_hours": {"start": "25:00", "end": "07:00"}}, "quiet_hours"),
        ({"quiet_hours": {"start": "07:00", "end": "07:00"}}, "quiet_hours"),
        ({"digest": "weekly"}, "digest"),
        ({"preferences": [{"kind": "nope", "channel": "email", "enabled": True}]}, "preferences"),
    ):
        refused = mall.api("key_user", "put", "/me/notification-preferences/", bad)
        assert refused.status_code == 400 and field in refused.json()["fields"], bad
    cleared = mall.api("key_user", "put", "/me/notification-preferences/", {"quiet_hours": None})
    assert cleared.json()["quiet_hours"] is None and cleared.json()["digest"] == "hourly"
