"""Writes to announcements: drafts, publishing (which fixes the addressees), archiving, tenants'
confirmations and read marks, attachments, and the e-mail to the addressed companies' people.

Each write is one transaction; the e-mail goes out from a Celery task queued after commit.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from kernel.errors import DomainError, InvalidInput, NotFound
from kernel.tasks import enqueue_for_account
from kernel.uploads import AttachmentRejected, accept_upload

from tenant_apps import permissions as perms
from tenant_apps.objects.models import Location
from tenant_apps.people.models import Company, User

from . import selectors
from .models import (
    Announcement,
    Audience,
    EmailDelivery,
    NoticeAttachment,
    ReadMark,
    Receipt,
    State,
)

EDITABLE = ("title", "body", "audience", "companies", "premises", "requires_confirmation")
BODY_MAX = 20000
ATTACHMENTS_MAX = 20


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_detail = gettext_lazy("You may not do this.")


class AnnouncementStateConflict(DomainError):
    """The announcement is not in a state that allows this (publish twice, edit after publishing)."""

    code = "announcement_state"
    status = 409


class ConfirmationNotRequired(DomainError):
    code = "confirmation_not_required"
    status = 409


def _ensure_manager(actor: User) -> None:
    if not perms.can_manage_announcements(actor):
        raise PermissionDenied(_("Only the mall's staff manage announcements."))


def _lock(announcement: Announcement) -> Announcement:
    return Announcement.objects.select_for_update().get(pk=announcement.pk)


def _check_ids(model, name: str, ids: Any, errors: dict[str, list[str]]) -> list:
    if ids is None:
        return []
    wanted = set(ids)
    found = list(model.objects.filter(pk__in=wanted))
    missing = wanted - {obj.pk for obj in found}
    if missing:
        errors[name] = [_("Unknown ids: %(ids)s.") % {"ids": ", ".join(map(str, sorted(missing)))}]
    return found


@transaction.atomic
def save_announcement(
    *, actor: User, announcement: Announcement | None, data: dict[str, Any]
) -> Announcement:
    """Create a draft, or change one. `companies` and `premises` are lists of ids; the selection the
    audience does not use is cleared. Published and archived announcements do not change: what the
    tenants confirmed stays what they read."""
    _ensure_manager(actor)
    errors: dict[str, list[str]] = {}
    for name in set(data) - set(EDITABLE):
        errors[name] = [_("This field cannot be changed here.")]
    if announcement is not None:
        announcement = _lock(announcement)
        if announcement.state != State.DRAFT:
            raise InvalidInput(
                _("Only a draft can be changed; archive this announcement and publish a new one."),
                fields={
                    name: [_("A published announcement cannot be changed.")]
                    for name in data
                    if name in EDITABLE
                }
                or {"state": [_("A published announcement cannot be changed.")]},
            )
    current = announcement or Announcement(created_by=actor)
    title = data.get("title", current.title)
    body = data.get("body", current.body)
    audience = data.get("audience", current.audience)
    if not (title or "").strip():
        errors["title"] = [_("This field is required.")]
    elif len(title.strip()) > 200:
        errors["title"] = [_("Use at most 200 characters.")]
    if not (body or "").strip():
        errors["body"] = [_("This field is required.")]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("Use at most %(n)d characters.") % {"n": BODY_MAX}]
    if audience not in Audience.values:
        errors["audience"] = [_("Choose one of: %(a)s.") % {"a": ", ".join(Audience.values)}]
    companies = _check_ids(Company, "companies", data.get("companies"), errors)
    premises = _check_ids(Location, "premises", data.get("premises"), errors)
    keep_companies = "companies" not in data and current.pk is not None
    keep_premises = "premises" not in data and current.pk is not None
    if audience == Audience.COMPANIES and not companies and "companies" not in errors:
        if not (keep_companies and current.companies.exists()):
            errors["companies"] = [_("Choose at least one company.")]
    if audience == Audience.PREMISES and not premises and "premises" not in errors:
        if not (keep_premises and current.premises.exists()):
            errors["premises"] = [_("Choose at least one premises.")]
    if errors:
        raise InvalidInput(fields=errors)

    current.title = title.strip()
    current.body = body
    current.audience = audience
    if "requires_confirmation" in data:
        current.requires_confirmation = bool(data["requires_confirmation"])
    current.save()
    if audience == Audience.COMPANIES:
        if not keep_companies:
            current.companies.set(companies)
    else:
        current.companies.clear()
    if audience == Audience.PREMISES:
        if not keep_premises:
            current.premises.set(premises)
    else:
        current.premises.clear()
    return current


@transaction.atomic
def delete_announcement(*, actor: User, announcement: Announcement) -> None:
    """Drafts may be deleted; a published announcement is a record and is archived instead."""
    _ensure_manager(actor)
    announcement = _lock(announcement)
    if announcement.state != State.DRAFT:
        raise AnnouncementStateConflict(_("A published announcement is archived, not deleted."))
    files = [a.file.name for a in announcement.attachments.all()]
    announcement.delete()
    _delete_files_after_commit(files)


def _delete_files_after_commit(names: list[str]) -> None:
    from django.core.files.storage import default_storage

    def remove() -> None:
        for name in names:
            default_storage.delete(name)

    if names:
        transaction.on_commit(remove)


@transaction.atomic
def publish_announcement(*, actor: User, announcement: Announcement) -> Announcement:
    """Fix the addressees (one receipt per company, resolved now) and mail their people after
    commit. Companies that join later are not addressed."""
    _ensure_manager(actor)
    announcement = _lock(announcement)
    if announcement.state != State.DRAFT:
        raise AnnouncementStateConflict(_("Only a draft can be published."))
    companies = list(selectors.addressed_companies(announcement).order_by("name", "pk"))
    if not companies:
        raise InvalidInput(
            _("Nobody would receive this announcement."),
            fields={"audience": [_("No active company is addressed: choose other companies or premises.")]},
        )
    Receipt.objects.bulk_create(
        [Receipt(announcement=announcement, company=c, company_name=c.name[:200]) for c in companies]
    )
    announcement.state = State.PUBLISHED
    announcement.published_at = timezone.now()
    announcement.published_by = actor
    announcement.save(update_fields=["state", "published_at", "published_by", "updated_at"])
    enqueue_for_account(
        "notices.send_announcement_emails",
        schema_name=connection.schema_name,
        announcement_id=announcement.pk,
    )
    return announcement


@transaction.atomic
def archive_announcement(*, actor: User, announcement: Announcement) -> Announcement:
    """Take a published announcement off the current list. Its addressees still find it (state
    `archived`) but can no longer confirm it; its receipts stay as they are."""
    _ensure_manager(actor)
    announcement = _lock(announcement)
    if announcement.state != State.PUBLISHED:
        raise AnnouncementStateConflict(_("Only a published announcement can be archived."))
    announcement.state = State.ARCHIVED
    announcement.archived_at = timezone.now()
    announcement.archived_by = actor
    announcement.save(update_fields=["state", "archived_at", "archived_by", "updated_at"])
    return announcement


def mark_read(*, person: User, announcement: Announcement) -> None:
    """Note the first time a person of an addressed company opens the announcement."""
    if perms.is_announcement_reader(person) and announcement.state != State.DRAFT:
        ReadMark.objects.get_or_create(
            announcement=announcement, person=person, defaults={"company_id": person.company_id}
        )


@transaction.atomic
def confirm_announcement(*, actor: User, announcement: Announcement) -> Receipt:
    """Confirm for the person's company that it has read the announcement.

    Once per company: the first confirmation is kept (who and when); confirming again, by the same
    person or a colleague, changes nothing and answers with the receipt as it is."""
    announcement = _lock(announcement)
    if not perms.can_view_announcement(actor, announcement):
        raise NotFound()
    if not perms.can_confirm_announcement(actor, announcement):
        raise PermissionDenied(_("Only the addressed companies' people confirm an announcement."))
    if not announcement.requires_confirmation:
        raise ConfirmationNotRequired(_("This announcement does not ask for a confirmation."))
    if announcement.state != State.PUBLISHED:
        raise AnnouncementStateConflict(_("An archived announcement can no longer be confirmed."))
    receipt = Receipt.objects.select_for_update().get(announcement=announcement, company_id=actor.company_id)
    mark_read(person=actor, announcement=announcement)
    if receipt.confirmed_at is None:
        receipt.confirmed_at = timezone.now()
        receipt.confirmed_by = actor
        receipt.confirmed_by_name = actor.full_name[:150]
        receipt.save(update_fields=["confirmed_at", "confirmed_by", "confirmed_by_name"])
    return receipt


# ---------------------------------------------------------------------------- attachments
@transaction.atomic
def add_attachment(*, actor: User, announcement: Announcement, upload) -> NoticeAttachment:
    """Attach a file to a draft. Its type is read from the content, never trusted from the name;
    the same types and size limit as ticket attachments."""
    _ensure_manager(actor)
    announcement = _lock(announcement)
    if announcement.state != State.DRAFT:
        raise AnnouncementStateConflict(_("Files are attached to drafts only."))
    if announcement.attachments.count() >= ATTACHMENTS_MAX:
        raise AttachmentRejected(
            _("An announcement has at most %(n)d files.") % {"n": ATTACHMENTS_MAX},
            fields={"file": [_("Too many files.")]},
        )
    accepted = accept_upload(upload)  # images re-encoded without their metadata
    attachment = NoticeAttachment(
        announcement=announcement,
        token=secrets.token_hex(16),
        name=accepted.name,
        content_type=accepted.content_type,
        size=accepted.size,
        uploaded_by=actor,
    )
    attachment.file.save(accepted.name, accepted.file, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def delete_attachment(*, actor: User, attachment: NoticeAttachment) -> None:
    _ensure_manager(actor)
    announcement = _lock(attachment.announcement)
    if announcement.state != State.DRAFT:
        raise AnnouncementStateConflict(_("Files are removed from drafts only."))
    name = attachment.file.name
    attachment.delete()
    _delete_files_after_commit([name])


# ---------------------------------------------------------------------------- e-mail
def portal_link(announcement: Announcement) -> str:
    return connection.tenant.url(f"/portal/announcements/{announcement.pk}")


def send_announcement_emails(*, announcement_id: int) -> int:
    """Mail the announcement to every active key user and employee of the addressed companies, each
    in their own language. Safe to run again: a person is recorded in the same transaction as their
    message, so nobody is mailed twice (a failed send rolls the record back for the retry)."""
    announcement = Announcement.objects.filter(pk=announcement_id, state=State.PUBLISHED).first()
    if announcement is None:
        return 0
    from tenant_apps.branding.services import portal_name
    from tenant_apps.notifications.services import deliver_mail

    context = {
        "account": portal_name(),  # the tenants know the account by its portal's name
        "title": announcement.title,
        "body": announcement.body,
        "link": portal_link(announcement),
        "requires_confirmation": announcement.requires_confirmation,
    }
    sent = 0
    for person in selectors.mail_recipients(announcement).select_related("company"):
        with transaction.atomic():
            _delivery, created = EmailDelivery.objects.get_or_create(announcement=announcement, person=person)
            if not created:
                continue
            company = person.company.name if person.company_id else ""
            deliver_mail(person=person, kind="notices.announcement", context={**context, "company": company})
        sent += 1
    return sent
