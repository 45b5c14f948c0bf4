"""Writes to the current account's audit log. The control plane calls `record` inside
`schema_context` of the account (tenants_shared.console.services); account code calls
`record_change` from the service that makes an administrative change (people, configuration), in
that service's transaction: the row and the change commit or roll back together."""

from __future__ import annotations

from .errors import NotAllowed
from .models import ActorKind, AuditEntry


def record(
    *, actor_kind: str, actor: str, action: str, reason: str = "", details: dict | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor_kind=actor_kind, actor=actor, action=action, reason=reason, details=details or {}
    )


def ensure_allowed(actor, predicate) -> None:
    """The first step of an administrative write: `predicate(actor)` from tenant_apps.permissions
    (the one the view checks) must hold, else NotAllowed (403). `actor=None` is the platform itself
    (provisioning, default configuration, the demo loader): always allowed, never recorded."""
    if actor is not None and not predicate(actor):
        raise NotAllowed()


def record_change(
    *, actor, action: str, target=None, reason: str = "", details: dict | None = None
) -> AuditEntry | None:
    """One row for an administrative change made by a person of this account: `action` is
    "<what>.<verb>" (e.g. "person.blocked", "ticket_type.changed"), `target` the object changed (its
    kind, id and name go into the details). `actor=None` is the platform itself (provisioning, the
    demo loader): nobody of the account made the change, and nothing is recorded."""
    if actor is None:
        return None
    details = dict(details or {})
    if target is not None:
        details.setdefault("id", target.pk)
        label = getattr(target, "email", None) or getattr(target, "name", None) or str(target)
        details.setdefault("name", str(label)[:200])
    return record(
        actor_kind=ActorKind.PERSON,
        actor=actor.email,
        action=action,
        reason=reason,
        details=_plain(details),
    )


def _plain(value):
    """Details as JSON keeps them: ids for model instances, ISO strings for dates."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
