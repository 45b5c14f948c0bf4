"""Checking an uploaded file before it is stored (ticket attachments, announcement files...).

The type is read from the content, never trusted from the name; size and type limits are the
platform's. Callers store the file through Django's storage API under the returned safe name.
"""

from __future__ import annotations

import filetype
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import DomainError

ALLOWED_MIME_PREFIXES = ("image/",)
ALLOWED_MIME_TYPES = {
    "application/pdf",
    "application/zip",
    "text/plain",
    "text/csv",
    "application/msword",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
OFFICE_BY_SUFFIX = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}


class AttachmentRejected(DomainError):
    code = "attachment_rejected"
    status = 400


def sniff_content_type(upload) -> str:
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    name = (upload.name or "").lower()
    if kind is not None:
        if kind.mime == "application/zip" and name.endswith(tuple(OFFICE_BY_SUFFIX)):
            return OFFICE_BY_SUFFIX[name[name.rfind(".") :]]
        return kind.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    return "text/csv" if name.endswith(".csv") else "text/plain"


def check_upload(upload) -> tuple[str, str]:
    """(content type, safe file name) of an acceptable upload; AttachmentRejected otherwise."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentRejected(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            fields={"file": [_("Too large.")]},
        )
    if upload.size == 0:
        raise AttachmentRejected(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    mime = sniff_content_type(upload)
    if not (mime.startswith(ALLOWED_MIME_PREFIXES) or mime in ALLOWED_MIME_TYPES):
        raise AttachmentRejected(
            _("Files of this type are not accepted."),
            fields={"file": [_("Not an accepted file type: %(t)s.") % {"t": mime}]},
        )
    return mime, (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
