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
    # waits for the person's digest (notifications.send_digests) instead of its own task
    digest = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.kind} mail to {self.recipient_id}"


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")


class Rule(models.Model):
    """The account's rule for one kind and channel (no row: the kind's default, on). For e-mail,
    `digest` collects the mails into each person's digest instead of sending them one by one."""

    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(default=True)
    digest = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "channel"], name="notif_rule_once")]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}: {'on' if self.enabled else 'off'}"


class Preference(models.Model):
    """A person's own choice for one kind and channel (no row: as the account's rule says)."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=64)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "kind", "channel"], name="notif_pref_once")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind}/{self.channel}: {'on' if self.enabled else 'off'}"


class Digest(models.TextChoices):
    HOURLY = "hourly", _("Hourly")
    DAILY = "daily", _("Daily")


class PersonSettings(models.Model):
    """A person's quiet hours (in the account's time zone; mail waits until they end, in-app
    notifications are stored and pushed as always) and how often their digest goes."""

    person = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.DAILY)
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"settings of {self.person_id}"
