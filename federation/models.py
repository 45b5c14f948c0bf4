"""Account-schema side of federation: ticket links, the outbox and the inbox.

A ticket link correlates one local ticket with the partner's ticket (ServiceNow's correlation
record); its UUID is the same on both sides. Each link numbers the messages it sends (`next_out_seq`)
and applies the partner's in order (`last_in_seq`).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkRole(models.TextChoices):
    SENDER = "sender", _("Forwarded by us")
    RECEIVER = "receiver", _("Forwarded to us")


class LinkState(models.TextChoices):
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Declined by the partner")
    RECALLED = "recalled", _("Recalled")
    ORPHANED = "orphaned", _("Orphaned (partnership ended)")


class MessageKind(models.TextChoices):
    SHARE = "share", _("Share")
    UPDATE = "update", _("Update")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment")
    STATUS = "status", _("Status")
    CHECKLIST = "checklist", _("Checklist")
    RECALL = "recall", _("Recall")
    DECLINE = "decline", _("Decline")
    UNSHARE = "unshare", _("Unshare")
    CONFIRMATION = "confirmation", _("Confirmation")  # the requester side's answer on resolved work


class TicketLink(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticket = models.ForeignKey("desk.Ticket", on_delete=models.PROTECT, related_name="federation_links")
    partnership_id = models.UUIDField()  # federation_directory.Partnership (public schema)
    role = models.CharField(max_length=10, choices=LinkRole.choices)
    state = models.CharField(max_length=10, choices=LinkState.choices, default=LinkState.ACTIVE)
    remote_ref = models.CharField(_("partner's ticket"), max_length=100, blank=True)
    remote_status = models.CharField(max_length=100, blank=True)
    remote_assignee = models.CharField(_("worked on by"), max_length=150, blank=True)
    remote_checklist = models.JSONField(default=list, blank=True)  # [{checklist, label, value, done}]
    note = models.TextField(blank=True)
    reason = models.TextField(blank=True)  # of a decline or a recall
    next_out_seq = models.PositiveIntegerField(default=1)
    last_in_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["ticket", "state"], name="fed_link_ticket"),
            models.Index(fields=["partnership_id", "state"], name="fed_link_partnership"),
        ]

    def __str__(self) -> str:
        return f"link {self.pk} ({self.role}, {self.state})"


class OutboxMessage(models.Model):
    """A message to the partner, written in the same transaction as the change it carries."""

    message_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    link = models.ForeignKey(TicketLink, on_delete=models.CASCADE, related_name="outbox")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    payload = models.JSONField(default=dict)
    event_id = models.BigIntegerField(null=True, blank=True)  # the TicketEvent it carries, if any
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    parked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["link", "seq"]
        constraints = [models.UniqueConstraint(fields=["link", "seq"], name="fed_outbox_link_seq")]
        indexes = [
            models.Index(
                fields=["link", "seq"], condition=models.Q(sent_at__isnull=True), name="fed_outbox_pending"
            )
        ]

    def __str__(self) -> str:
        return f"out {self.kind} #{self.seq} of {self.link_id}"


class InboxMessage(models.Model):
    """A message from the partner: recorded once by id, applied in the link's sequence order."""

    message_id = models.UUIDField(unique=True)
    link_id = models.UUIDField()  # a share creates the link when it is applied
    partnership_id = models.UUIDField()
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=MessageKind.choices)
    payload = models.JSONField(default=dict)
    sent_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    parked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["link_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["link_id", "seq"], name="fed_inbox_link_seq")]

    def __str__(self) -> str:
        return f"in {self.kind} #{self.seq} of {self.link_id}"
