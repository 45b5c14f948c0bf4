"""Attachments across partners: inline or behind a signed, expiring link this deployment serves,
and fetching a partner's link.
"""

from __future__ import annotations

import base64

import requests
from django.conf import settings
from django.core import signing
from django.db import connection
from kernel.errors import NotFound

from tenant_apps.desk.models import (
    Attachment,
)

from . import accounts
from .models import TicketLink


def attachment_payload(attachment: Attachment, link: TicketLink) -> dict:
    data = {"name": attachment.name, "content_type": attachment.content_type, "size": attachment.size}
    if attachment.size <= settings.FEDERATION_INLINE_MAX_BYTES:
        with attachment.file.open("rb") as fh:
            data["data"] = base64.b64encode(fh.read()).decode()
    else:
        token = signing.dumps(
            {"s": connection.schema_name, "a": attachment.pk, "l": str(link.pk)}, salt="federation-file"
        )
        data["url"] = f"{settings.FEDERATION_BASE_URL.rstrip('/')}/federation/files/{token}/"
    return data


def read_shared_file(token: str) -> tuple[Attachment, bytes]:
    """The file behind a signed, expiring link this deployment gave a partner (see
    `attachment_payload`). Reads the sending account's schema: a named control-plane service."""
    from tenants_shared.accounts.models import Account

    try:
        data = signing.loads(token, salt="federation-file", max_age=settings.FEDERATION_FILE_URL_SECONDS)
    except signing.BadSignature:
        raise NotFound() from None
    account = Account.objects.filter(schema_name=data.get("s")).first()
    if account is None:
        raise NotFound()
    with accounts.in_account(account):
        attachment = Attachment.objects.filter(pk=data.get("a"), internal=False).first()
        if (
            attachment is None
            or not TicketLink.objects.filter(pk=data.get("l"), ticket_id=attachment.ticket_id).exists()
        ):
            raise NotFound()
        with attachment.file.open("rb") as fh:
            return attachment, fh.read()


def fetch(url: str) -> bytes:
    """Bytes of a partner's file link: this deployment's own links are opened in place; others
    are fetched over HTTP(S), at most ATTACHMENT_MAX_BYTES."""
    prefix = f"{settings.FEDERATION_BASE_URL.rstrip('/')}/federation/files/"
    if url.startswith(prefix):
        return read_shared_file(url[len(prefix) :].rstrip("/"))[1]
    limit = settings.ATTACHMENT_MAX_BYTES
    with requests.get(url, stream=True, timeout=settings.FEDERATION_HTTP_TIMEOUT) as response:
        response.raise_for_status()
        chunks, size = [], 0
        for chunk in response.iter_content(65536):
            size += len(chunk)
            if size > limit:
                raise ValueError("the partner's file is larger than the limit")
            chunks.append(chunk)
    return b"".join(chunks)
