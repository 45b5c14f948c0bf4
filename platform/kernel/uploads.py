"""Checking an uploaded file before it is stored (ticket attachments, checklist photos,
announcement files, files a federation partner sends).

- The type is read from the content, never trusted from the name; size and type limits are the
  platform's (`ATTACHMENT_MAX_BYTES`, `ATTACHMENT_MAX_PIXELS`).
- Active content is refused: SVG (it can carry scripts) and HTML, whatever the name says.
- Images are decoded and encoded again by Pillow, in their own format, without their metadata:
  EXIF (a phone camera's GPS position, its serial number), XMP and comments never reach anyone
  who downloads the photo; the EXIF orientation is applied to the pixels first, so the photo still
  shows upright; the colour profile stays. An image Pillow cannot decode (HEIC, a broken file) or
  one of more pixels than the limit (a decompression bomb) is refused, since it cannot be cleaned.

`accept_upload` gives what to store: callers save `accepted.file` through Django's storage API
under `accepted.name`, and record `accepted.size` and `accepted.content_type`.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _

from .errors import DomainError

ALLOWED_MIME_PREFIXES = ("image/",)
REFUSED_MIME_TYPES = {"image/svg+xml", "text/html"}
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


# Markup a browser would run if it ever rendered the file: refused by content, whatever the name.
_ACTIVE_MARKUP = re.compile(rb"<(svg|html|script|!doctype\s+(html|svg))[\s>/]", re.IGNORECASE)
# Image formats re-encoded without metadata (Pillow's names); other images cannot be cleaned.
REENCODED_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}
# what survives the re-encoding of `Image.info`: nothing that describes where or how it was taken
_KEPT_INFO = ("icc_profile", "transparency", "duration", "loop", "background", "dpi")


def sniff_content_type(upload) -> str:
    head = upload.read(8192)
    upload.seek(0)
    if _ACTIVE_MARKUP.search(head):
        return "image/svg+xml" if re.search(rb"<svg[\s>/]", head, re.IGNORECASE) else "text/html"
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


@dataclass(frozen=True)
class Accepted:
    file: object  # what to store: the upload itself, or its re-encoded copy
    content_type: str
    name: str
    size: int


def accept_upload(upload) -> Accepted:
    """What to store of an acceptable upload (images re-encoded without metadata);
    AttachmentRejected otherwise."""
    mime, name = check_upload(upload)
    if not mime.startswith("image/"):
        return Accepted(upload, mime, name, upload.size)
    content = _reencoded_image(upload)
    limit = settings.ATTACHMENT_MAX_BYTES
    if len(content) > limit:  # a re-encoding can grow (a PNG optimised for size by its author)
        raise AttachmentRejected(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            fields={"file": [_("Too large.")]},
        )
    return Accepted(SimpleUploadedFile(name, content, content_type=mime), mime, name, len(content))


def _unreadable_image() -> AttachmentRejected:
    return AttachmentRejected(
        _("This image cannot be read. Send it as JPEG, PNG or WebP."),
        fields={"file": [_("Send the image as JPEG, PNG or WebP.")]},
    )


def _reencoded_image(upload) -> bytes:
    from PIL import Image, ImageOps, UnidentifiedImageError

    max_pixels = getattr(settings, "ATTACHMENT_MAX_PIXELS", 50_000_000)
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in REENCODED_FORMATS:
                raise _unreadable_image()
            if image.width * image.height > max_pixels:
                raise AttachmentRejected(
                    _("The image has too many pixels."),
                    fields={"file": [_("At most %(mp)d megapixels.") % {"mp": max_pixels // 1_000_000}]},
                )
            fmt = image.format
            animated = getattr(image, "is_animated", False)
            kept = {key: image.info[key] for key in _KEPT_INFO if key in image.info}
            if animated:
                frames = image
            else:
                image.load()
                frames = ImageOps.exif_transpose(image)  # orientation into the pixels, tag dropped
            frames.info = dict(kept)
            options: dict = {
                k: v
                for k, v in kept.items()
                if k in ("icc_profile", "transparency", "duration", "loop", "dpi")
            }
            if fmt == "JPEG":
                if frames.mode not in ("RGB", "L", "CMYK"):
                    frames = frames.convert("RGB")
                options.update(quality=90, optimize=True)
            elif fmt == "WEBP":
                options.update(quality=90)
            elif fmt == "PNG":
                options.update(optimize=True)
            if animated:
                options.update(save_all=True)
            out = io.BytesIO()
            frames.save(out, fmt, **options)
    except AttachmentRejected:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError, EOFError):
        raise _unreadable_image() from None
    finally:
        upload.seek(0)
    return out.getvalue()


def check_upload(upload) -> tuple[str, str]:
    """(content type, safe file name) of an acceptable upload; AttachmentRejected otherwise.
    Store what `accept_upload` gives instead: it also cleans images."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentRejected(
            _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)},
            fields={"file": [_("Too large.")]},
        )
    if upload.size == 0:
        raise AttachmentRejected(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    mime = sniff_content_type(upload)
    if mime in REFUSED_MIME_TYPES:
        raise AttachmentRejected(
            _("Files that a browser could run (SVG, HTML) are not accepted."),
            fields={"file": [_("Not an accepted file type: %(t)s.") % {"t": mime}]},
        )
    if not (mime.startswith(ALLOWED_MIME_PREFIXES) or mime in ALLOWED_MIME_TYPES):
        raise AttachmentRejected(
            _("Files of this type are not accepted."),
            fields={"file": [_("Not an accepted file type: %(t)s.") % {"t": mime}]},
        )
    return mime, (upload.name or "file").replace("/", "_").replace("\\", "_")[-200:]
