"""Notifications: the one way anything in an account tells a person something.

    notify(recipients=..., kind=..., context=..., ticket=...)      inside the change's transaction
      ├ in-app: a Notification row per person (rendered in their language), pushed to that
      │         person's sockets after commit (live/publisher.push_notification)
      └ e-mail: a MailDelivery row per person and the `notifications.send_mail` task, queued with
                kernel.tasks.enqueue_for_account (a task outbox row in the same transaction):
                nothing is sent if the change rolls back; the worker renders and sends, and
                retries with backoff when the mail server fails
    deliver_mail(person=..., kind=..., context=...)                 only from a Celery task
      the send step itself: the recipient's language, the kind's template, the account's branded
      frame. The send_mail task calls it; so do the tasks that already run after commit and keep
      their own record of who was mailed (announcements, approval reminders, invitations,
      password resets, welcomes, billing).

The language of a recipient: the person's own, else the account's, else the platform default
(settings.LANGUAGE_CODE).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from kernel.tasks import enqueue_for_account

from . import kinds, policy
from .models import MailDelivery, Notification, PersonSettings

log = logging.getLogger(__name__)

_SUPPORTED = {code for code, _name in settings.LANGUAGES}


# ---------------------------------------------------------------------------- language and rendering
def language_for(person) -> str:
    """The person's language, else the account's, else the platform's default."""
    for candidate in (
        getattr(person, "language", ""),
        getattr(getattr(connection, "tenant", None), "language", ""),
    ):
        if candidate and candidate in _SUPPORTED:
            return candidate
    return settings.LANGUAGE_CODE


def account_name_for(person) -> str:
    """How the account calls itself to this person: its own name for agents, its portal's name
    (the branding) for the portal's people."""
    from tenant_apps.branding.services import portal_name

    if getattr(person, "is_agent", False):
        return connection.tenant.name
    return portal_name()


class _Values(dict):
    """A template's context: a value the caller did not give renders empty, never a KeyError."""

    def __missing__(self, key: str) -> str:
        return ""


def render(*, person, kind: str, context: dict | None = None) -> tuple[str, str]:
    """(subject, text) of `kind` for `person`, in the person's language."""
    spec = kinds.get(kind)
    values = _Values({"name": person.full_name, "email": person.email, **(context or {})})
    if "account" not in values:
        values["account"] = account_name_for(person)
    with translation.override(language_for(person)):
        return spec.render(values)


def deliver_mail(*, person, kind: str, context: dict | None = None, now=None) -> int:
    """Render and send one mail now (text and the account's branded HTML); how many were sent.
    Only Celery tasks call this: requests and services call `notify()`, which queues it after
    commit. For a configurable kind the rules decide first (policy.py): off for this person,
    nothing; digest, it waits for the digest; quiet hours, it is queued for when they end."""
    if not person.email:
        return 0
    if kinds.get(kind).configurable:
        plan = policy.plan_for(person, kind)
        if not plan.email:
            return 0
        delay = 0.0 if plan.digest else policy.quiet_delay(person, now=now)
        if plan.digest or delay:
            _queue_mail(person, kind, dict(context or {}), digest=plan.digest, delay=delay)
            return 0
    return _send(person, kind, context)


def _send(person, kind: str, context: dict | None) -> int:
    from tenant_apps.branding.mail import send_account_mail

    subject, text = render(person=person, kind=kind, context=context)
    return send_account_mail(subject=subject, message=text, recipient_list=[person.email])


def _queue_mail(person, kind: str, context: dict, *, digest: bool, delay: float) -> MailDelivery:
    delivery = MailDelivery.objects.create(recipient=person, kind=kind, context=context, digest=digest)
    if not digest:
        enqueue_for_account(
            "notifications.send_mail",
            schema_name=connection.schema_name,
            countdown=delay or None,
            delivery_id=delivery.pk,
        )
    return delivery


# ---------------------------------------------------------------------------- notify
def _reachable(recipients: Iterable) -> list:
    seen, people = set(), []
    for person in recipients:
        if person is None or person.pk in seen:
            continue
        if not person.is_active or person.blocked_at is not None:
            continue
        seen.add(person.pk)
        people.append(person)
    return people


def notify(
    *,
    recipients: Iterable,
    kind: str,
    context: dict | None = None,
    ticket=None,
    link: str = "",
    event_id: int | None = None,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Tell `recipients` (people of the current account) about `kind`, by the kind's channels (or
    the given subset of them). Call it inside the change's transaction: the in-app rows commit
    with the change and reach sockets after commit; e-mail is queued for the worker. Blocked and
    inactive people are skipped. Returns the stored in-app notifications."""
    spec = kinds.get(kind)
    wanted = tuple(c for c in spec.channels if channels is None or c in set(channels))
    context = dict(context or {})
    if ticket is not None:
        context.setdefault("key", ticket.key)
        context.setdefault("title", ticket.title)
    people = _reachable(recipients)
    stored: list[Notification] = []
    rules = policy.account_rules() if spec.configurable and people else {}
    with transaction.atomic():
        for person in people:
            person_context = dict(context)
            if ticket is not None and "link" not in person_context:
                person_context["link"] = ticket_link(person, ticket)
            plan = policy.plan_for(person, kind, rules=rules)
            if kinds.IN_APP in wanted and plan.in_app:
                title, body = render(person=person, kind=kind, context=person_context)
                note = Notification(
                    recipient=person,
                    kind=kind,
                    title=title[:300],
                    body=body,
                    link=link or person_context.get("link", ""),
                    ticket_id=ticket.pk if ticket is not None else None,
                    event_id=event_id,
                )
                if event_id is not None:
                    try:
                        with transaction.atomic():  # a savepoint: a reader run twice stores it once
                            note.save(force_insert=True)
                    except IntegrityError:
                        continue  # this event already told this person (by in-app and e-mail)
                else:
                    note.save(force_insert=True)
                stored.append(note)
            if kinds.EMAIL in wanted and plan.email and person.email:
                delay = 0.0 if plan.digest else policy.quiet_delay(person)
                _queue_mail(person, kind, person_context, digest=plan.digest, delay=delay)
        if stored:
            schema = connection.schema_name
            payloads = [(n.recipient_id, payload(n)) for n in stored]
            transaction.on_commit(lambda: _push(schema, payloads))
    return stored


def ticket_link(person, ticket) -> str:
    """The ticket's page where this person works: the workspace for agents, the portal otherwise."""
    if getattr(person, "is_agent", False):
        return connection.tenant.url(f"/app/tickets/{ticket.pk}")
    return connection.tenant.url(f"/portal/requests/{ticket.pk}")


def payload(note: Notification) -> dict:
    """What the API lists and the socket pushes for one notification."""
    return {
        "id": note.pk,
        "kind": note.kind,
        "title": note.title,
        "body": note.body,
        "link": note.link,
        "ticket": note.ticket_id,
        "created_at": note.created_at.isoformat() if note.created_at else None,
        "read_at": note.read_at.isoformat() if note.read_at else None,
    }


def _push(schema: str, payloads: list[tuple[int, dict]]) -> None:
    from tenant_apps.live.publisher import push_notification

    for person_id, data in payloads:
        try:
            push_notification(schema, person_id, data)
        except Exception:  # noqa: BLE001 - a push is best effort: the row is stored, the list shows it
            log.exception("notification push to person %s failed", person_id)


# ---------------------------------------------------------------------------- the mail task's body
def send_queued_mail(*, delivery_id: int) -> bool:
    """Send one queued mail; True when sent now, False when it was sent before (a duplicate
    delivery of the task) or its recipient is gone. A failing mail server raises (the task
    retries); the attempt is recorded first."""
    delivery = MailDelivery.objects.select_related("recipient").filter(pk=delivery_id).first()
    if delivery is None or delivery.sent_at is not None or delivery.digest:
        return False
    person = delivery.recipient
    if not person.is_active or person.blocked_at is not None:
        return False
    try:
        _send(person, delivery.kind, delivery.context)  # the rules were applied when it was queued
    except Exception as exc:
        MailDelivery.objects.filter(pk=delivery.pk).update(
            attempts=delivery.attempts + 1, last_error=str(exc)[:500]
        )
        raise
    MailDelivery.objects.filter(pk=delivery.pk).update(
        sent_at=timezone.now(), attempts=delivery.attempts + 1, last_error=""
    )
    return True


def mail_account_admins(*, kind: str, context: dict | None = None) -> int:
    """Mail every active account admin of the current account, each in their language (billing's
    mails: billing calls this through billing.mail). Runs in a Celery task."""
    from tenant_apps.people.models import Role, User

    admins = User.objects.filter(role=Role.ACCOUNT_ADMIN, is_active=True, blocked_at__isnull=True).exclude(
        email=""
    )
    sent = 0
    for person in admins.order_by("id"):
        deliver_mail(person=person, kind=kind, context=context)
        sent += 1
    return sent


# ---------------------------------------------------------------------------- read marks
def mark_read(*, actor, notification_id: int) -> Notification:
    from kernel.errors import NotFound

    note = Notification.objects.filter(pk=notification_id, recipient=actor).first()
    if note is None:
        raise NotFound()
    if note.read_at is None:
        note.read_at = timezone.now()
        Notification.objects.filter(pk=note.pk, read_at__isnull=True).update(read_at=note.read_at)
    return note


def mark_all_read(*, actor) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(read_at=timezone.now())


# ---------------------------------------------------------------------------- the digest
def send_digests(*, now=None) -> int:
    """One mail per person whose digest is due (hourly, or daily: a day after the last one) with
    every mail that waited for it, listed by subject; not while the person is in quiet hours.
    Runs in a Celery task for one account (beat, hourly). Returns how many digests went."""
    now = now or timezone.now()
    waiting = MailDelivery.objects.filter(digest=True, sent_at__isnull=True)
    sent = 0
    for person_id in waiting.values_list("recipient_id", flat=True).distinct().order_by("recipient_id"):
        deliveries = list(waiting.filter(recipient_id=person_id).select_related("recipient").order_by("id"))
        person = deliveries[0].recipient
        if not person.is_active or person.blocked_at is not None or not person.email:
            continue
        settings_row = PersonSettings.objects.filter(person=person).first() or PersonSettings(person=person)
        if policy.quiet_delay(person, now=now, settings=settings_row):
            continue
        last = settings_row.digest_sent_at
        if (
            settings_row.digest == "daily"
            and last is not None
            and now - last < dt.timedelta(hours=23, minutes=30)
        ):
            continue
        items = []
        for d in deliveries:
            subject, _text = render(person=person, kind=d.kind, context=d.context)
            link = d.context.get("link", "")
            items.append(f"{subject} {link}".strip())
        _send(person, "digest", {"items": items, "count": len(items)})
        MailDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).update(sent_at=now, attempts=1)
        PersonSettings.objects.update_or_create(person=person, defaults={"digest_sent_at": now})
        sent += 1
    return sent
