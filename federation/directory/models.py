"""Partnerships (public schema): which two accounts work tickets together, and on what terms.

One row per partnership on each deployment that takes part. On one deployment both sides are
accounts of this registry; across deployments the other side is a base URL (`remote_url`) and
the row's id is the same UUID on both deployments.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipState(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    DECLINED = "declined", _("Declined")
    ENDED = "ended", _("Ended")


class Side(models.TextChoices):
    REQUESTER = "requester", _("Requester (forwards tickets)")
    PROVIDER = "provider", _("Provider (works forwarded tickets)")


class Partnership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requester_account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    provider_account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The other deployment, when one side is not in this registry.
    remote_url = models.URLField(_("partner deployment"), blank=True)
    remote_name = models.CharField(_("partner name"), max_length=200, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=PartnershipState.choices, default=PartnershipState.INVITED
    )
    # Terms. type_map: requester's type code -> provider's type code (only these types cross).
    # status_to_provider: requester's status key -> provider's; status_to_requester: the reverse way.
    type_map = models.JSONField(_("ticket types"), default=dict, blank=True)
    status_to_provider = models.JSONField(_("statuses towards the provider"), default=dict, blank=True)
    status_to_requester = models.JSONField(_("statuses towards the requester"), default=dict, blank=True)
    attachments = models.BooleanField(_("attachments cross"), default=True)
    note = models.TextField(_("note"), blank=True)
    # HMAC-SHA256 keys: the current one signs; the previous one is still accepted until its deadline.
    key_id = models.CharField(max_length=32)
    key = models.CharField(max_length=128)
    previous_key_id = models.CharField(max_length=32, blank=True)
    previous_key = models.CharField(max_length=128, blank=True)
    previous_key_until = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_by = models.CharField(max_length=20, choices=Side.choices, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.CharField(max_length=20, choices=Side.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)  # of a decline, a suspension or the end
    # Across deployments (remote_url set): this side's state is announced to the partner as a
    # signed, numbered, full-state `partnership` message (docs/federation.md, "Across deployments").
    state_seq = models.PositiveIntegerField(default=0)  # the latest state this side announced
    state_sent_seq = models.PositiveIntegerField(default=0)  # the latest the partner took
    state_attempts = models.PositiveIntegerField(default=0)
    state_error = models.TextField(blank=True)
    remote_state_seq = models.PositiveIntegerField(default=0)  # the partner's latest state applied here
    # A key rotation of this side not yet taken by the partner: the nonce that derives the new key.
    rotation_nonce = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["-invited_at"]
        indexes = [
            models.Index(fields=["requester_account", "state"], name="fed_partner_requester"),
            models.Index(fields=["provider_account", "state"], name="fed_partner_provider"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requester_account__isnull=False)
                | models.Q(provider_account__isnull=False),
                name="fed_partner_has_local_side",
            )
        ]

    def __str__(self) -> str:
        return f"partnership {self.pk} ({self.state})"

    def side_of(self, account) -> str | None:
        """Which side `account` is on, or None when it takes no part."""
        if account is None:
            return None
        if self.requester_account_id == account.pk:
            return Side.REQUESTER
        if self.provider_account_id == account.pk:
            return Side.PROVIDER
        return None

    def account_of(self, side: str):
        return self.requester_account if side == Side.REQUESTER else self.provider_account

    @staticmethod
    def other(side: str) -> str:
        return Side.PROVIDER if side == Side.REQUESTER else Side.REQUESTER


class InvitationCode(models.Model):
    """A one-time code an account admin hands to a partner on another deployment, who invites this
    account with it (docs/federation.md, "Across deployments"). The code is `<id>.<secret>`: the
    id travels in the handshake, the secret never does (it keys the handshake's signatures and
    the partnership key)."""

    id = models.CharField(primary_key=True, max_length=32, editable=False)
    account = models.ForeignKey("accounts.Account", on_delete=models.CASCADE, related_name="+")
    secret = models.CharField(max_length=128)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)
    partnership_id = models.UUIDField(null=True, blank=True)
    requester_nonce = models.CharField(max_length=64, blank=True)
    provider_nonce = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "created_at"], name="fed_invcode_account")]

    def __str__(self) -> str:
        return f"invitation code {self.pk}"

    def state_at(self, now) -> str:
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= now else "open"
