"""Files uploaded before the ticket they belong to exists.

A form with a required file field (a photo of the site, a signed permit) cannot be filed if a
file can only be attached to an existing ticket. So a person uploads first (`POST /uploads/`): the
file passes the same checks as any attachment (`kernel.uploads`: size, type read from the
content, images re-encoded without metadata) and is stored as an attachment with no ticket,
owned by its uploader. Filing then *adopts* it: a file field's value, or an id in the filing's
`attachments` list, names an upload, and the new ticket takes it over (one `attachment_added`
event each, so history, live updates and federation see it as any other file).

Rules (checked in one place, here):
- only the uploader's own uploads can be adopted, only while unattached: another person's id, an
  id already adopted, or an id of nothing are the same field message (nobody learns which ids
  exist);
- an account's uploads live in its own schema: another account's ids name nothing here;
- an upload nobody adopts is deleted after `UNADOPTED_UPLOAD_HOURS` (the beat's
  `desk.delete_unadopted_uploads`, fanned out to accounts), file and row;
- one person keeps at most `PENDING_UPLOADS_MAX` unadopted uploads at a time.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput
from kernel.uploads import accept_upload

from tenant_apps.people.models import User

from . import events
from .models import Attachment, EventKind, Ticket

UNADOPTED_UPLOAD_HOURS = 24
PENDING_UPLOADS_MAX = 50


def pending_uploads(user: User):
    """The person's uploads no ticket has adopted yet."""
    return Attachment.objects.filter(ticket__isnull=True, uploaded_by_id=user.pk)


@transaction.atomic
def upload_before_filing(*, actor: User, upload) -> Attachment:
    """Store a checked file for `actor` to attach to a ticket they are about to file."""
    # serialised per person so two parallel uploads cannot both pass the count
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if pending_uploads(actor).count() >= PENDING_UPLOADS_MAX:
        raise InvalidInput(
            _("Too many files wait to be attached. File the request or try again tomorrow."),
            fields={"file": [_("Too many files wait to be attached.")]},
        )
    accepted = accept_upload(upload)
    attachment = Attachment(
        ticket=None,
        token=secrets.token_hex(16),
        name=accepted.name,
        content_type=accepted.content_type,
        size=accepted.size,
        internal=False,
        uploaded_by=actor,
    )
    attachment.file.save(accepted.name, accepted.file, save=False)
    attachment.save()
    return attachment


def adoptable_ids(actor: User, ids: Iterable[int]) -> set[int]:
    """Which of `ids` are `actor`'s own unattached uploads (one query)."""
    wanted = {i for i in ids if isinstance(i, int) and not isinstance(i, bool)}
    if not wanted:
        return set()
    return set(pending_uploads(actor).filter(pk__in=wanted).values_list("pk", flat=True))


def usable_for(actor: User, ticket: Ticket | None = None) -> Callable[[int], bool]:
    """`files` for `fields.clean_field_values`: may `actor` put this attachment id in a file field?
    Their own unattached uploads, and (on an existing ticket) its attachments they can see. Reads
    on the first file value only: a form without file fields costs no query."""
    from tenant_apps import permissions as perms

    known: dict[str, set[int]] = {}

    def usable(pk: int) -> bool:
        if "ids" not in known:
            ids = set(pending_uploads(actor).values_list("pk", flat=True))
            if ticket is not None:
                own = Attachment.objects.filter(ticket_id=ticket.pk)
                if not perms.can_see_internal(actor):
                    own = own.filter(internal=False)
                ids |= set(own.values_list("pk", flat=True))
            known["ids"] = ids
        return pk in known["ids"]

    return usable


def file_values(form, values: dict | None) -> list[int]:
    """The attachment ids the file fields of `values` name."""
    from .models import FieldKind

    keys = {f.key for f in form if f.kind == FieldKind.FILE}
    return [v for k, v in (values or {}).items() if k in keys and isinstance(v, int)]


def adopt_named(*, actor: User, ticket: Ticket, ids: Iterable[int]) -> list[Attachment]:
    """Adopt those of `ids` that are still `actor`'s unattached uploads (file field values that
    name one of the ticket's own attachments are left as they are)."""
    ids = list(ids)
    return adopt_uploads(actor=actor, ticket=ticket, ids=[i for i in ids if i in adoptable_ids(actor, ids)])


def check_attachment_ids(actor: User, ids, *, field: str = "attachments") -> list[int]:
    """Validate a filing's `attachments` list: every id an upload `actor` may adopt."""
    if ids is None:
        return []
    if not isinstance(ids, list) or any(isinstance(i, bool) or not isinstance(i, int) for i in ids):
        raise InvalidInput(fields={field: [_("Send a list of upload ids.")]})
    usable = adoptable_ids(actor, ids)
    refused = [i for i in ids if i not in usable]
    if refused:
        raise InvalidInput(
            fields={field: [_("Upload the file again: %(ids)s cannot be attached.") % {"ids": refused}]}
        )
    return list(dict.fromkeys(ids))


def adopt_uploads(*, actor: User, ticket: Ticket, ids: Iterable[int]) -> list[Attachment]:
    """Attach `actor`'s unattached uploads `ids` to `ticket`, one event each. Call inside the
    filing's (or the change's) transaction, after its checks; an id that is no longer adoptable
    (adopted meanwhile by a parallel filing) refuses the whole change."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = list(pending_uploads(actor).select_for_update().filter(pk__in=wanted).order_by("pk"))
    if len(rows) != len(wanted):
        raise InvalidInput(fields={"attachments": [_("Upload the file again: it cannot be attached.")]})
    for attachment in rows:
        attachment.ticket = ticket
        attachment.save(update_fields=["ticket"])
        events.record(
            ticket,
            EventKind.ATTACHMENT_ADDED,
            actor,
            public=True,
            attachment_id=attachment.pk,
            name=attachment.name,
            size=attachment.size,
            content_type=attachment.content_type,
        )
    return rows


@transaction.atomic
def discard_upload(*, actor: User, pk: int) -> bool:
    """Delete one of `actor`'s unattached uploads (a photo taken out of the form before sending)."""
    found = pending_uploads(actor).select_for_update().filter(pk=pk).first()
    if found is None:
        return False
    name, storage = found.file.name, found.file.storage
    found.delete()
    transaction.on_commit(lambda: storage.delete(name))
    return True


def delete_unadopted_uploads(*, older_than_hours: int = UNADOPTED_UPLOAD_HOURS) -> int:
    """Delete uploads no ticket adopted within the time (their files from storage after commit)."""
    cutoff = timezone.now() - timedelta(hours=older_than_hours)
    deleted = 0
    stale = Attachment.objects.filter(ticket__isnull=True, created_at__lt=cutoff).order_by("pk")
    for attachment in stale.iterator(chunk_size=200):
        with transaction.atomic():
            row = Attachment.objects.select_for_update(skip_locked=True).filter(
                pk=attachment.pk, ticket__isnull=True
            )
            found = row.first()
            if found is None:  # adopted (or being adopted) meanwhile
                continue
            name, storage = found.file.name, found.file.storage
            found.delete()
            transaction.on_commit(lambda n=name, st=storage: st.delete(n))
            deleted += 1
    return deleted
