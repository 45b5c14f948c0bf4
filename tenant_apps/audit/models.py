"""An account's own audit log (account schema): what platform operators did inside this account
(impersonation sessions and what they were for), visible to the account's admins."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActorKind(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    PERSON = "person", _("Person of this account")


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    actor_kind = models.CharField(max_length=20, choices=ActorKind.choices)
    actor = models.CharField(max_length=254)  # e-mail: operators have no row in this schema
    action = models.CharField(max_length=60)
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action}"
