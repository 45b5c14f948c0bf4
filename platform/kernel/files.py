"""Stored files: one base for the files people attach (ticket attachments, announcement files) and
one way to serve them.

- `StoredFile` declares what every stored file keeps: the file itself under an unguessable token,
  its name, content type (read from the content by kernel.uploads), size, who uploaded it and when.
  A concrete model adds what it hangs off (a ticket, an announcement) and says where its files live
  (`storage_folder`); its `file` field names its module's `upload_to` function, which calls
  `storage_path` (so migrations keep naming the module's function).
- `storage_path` is the one rule for where a file is stored: `<schema>/<folder>/<token>/<name>`,
  every account's files under its own prefix on any storage (a folder, an S3 bucket). Names are
  never served directly, only through an API view that checks access and calls `serve`.
- `serve` answers the download: the stored name as an attachment, the recorded content type,
  `X-Content-Type-Options: nosniff` (a browser never guesses a type and runs the file); Django's
  FileResponse streams it with its length (no byte ranges).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.http import FileResponse


class StoredFile(models.Model):
    token = models.CharField(max_length=32, editable=False)
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def storage_folder(self) -> str:  # pragma: no cover - every concrete model says
        """Where under the account's prefix this file lives, e.g. `tickets/42`."""
        raise NotImplementedError


def storage_path(instance: StoredFile, filename: str) -> str:
    """`<schema>/<folder>/<token>/<name>` (the `upload_to` of every StoredFile)."""
    from django.db import connection

    return f"{connection.schema_name}/{instance.storage_folder()}/{instance.token}/{filename}"


def serve(stored: StoredFile) -> FileResponse:
    """The download of a stored file the caller has checked the person may read."""
    response = FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
