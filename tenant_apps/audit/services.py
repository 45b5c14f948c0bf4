"""Writes to the current account's audit log. The control plane calls `record` inside
`schema_context` of the account (tenants_shared.console.services); account code calls it directly."""

from __future__ import annotations

from .models import AuditEntry


def record(
    *, actor_kind: str, actor: str, action: str, reason: str = "", details: dict | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_kind=actor_kind, actor=actor, action=action, reason=reason, details=details or {}
    )
