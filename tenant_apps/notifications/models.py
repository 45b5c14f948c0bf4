"""What notifications keep: one row per in-app notification of a person (read or unread), and one
row per e-mail queued by `notify()` (sent once, retried by Celery until it is)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notification of one person. `title` and `body` are rendered once, in the
    recipient's language, when it is stored."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    ticket_id = models.BigIntegerField(null=True, blank=True)
    # the spine event it came from: a reader that runs twice for one event stores it once
    event_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "-id"], name="notif_recipient_id")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "event_id"],
                condition=models.Q(event_id__isnull=False),
                name="notif_once_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_id}: {self.title}"


class MailDelivery(models.Model):
    """One e-mail `notify()` queued: rendered and sent by the `notifications.send_mail` task."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    context = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.kind} mail to {self.recipient_id}"
