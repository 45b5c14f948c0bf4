"""Which SLA policy applies to a ticket: the first active one by `order` whose conditions all hold.

The active policies (conditions, targets, escalations) are read once per configuration version
from the desk's configuration cache (`tenant_apps.desk.configcache`; the SLA tables bump its
version: migration sla 0002), so choosing a policy on every ticket change costs no query.
"""

from __future__ import annotations

from dataclasses import dataclass

from tenant_apps.desk import configcache

from .models import SlaPolicy
from .timer import Target


@dataclass(frozen=True)
class Escalation:
    id: int
    threshold: str
    target: str
    action: str
    group_id: int | None
    assignee_id: int | None


@dataclass(frozen=True)
class ActivePolicy:
    id: int
    name: str
    order: int
    calendar_id: int | None
    warning_percent: int
    type_ids: frozenset[int]
    company_ids: frozenset[int]
    location_paths: tuple[str, ...]  # a ticket at one of these locations or under it matches
    targets: dict[int, Target]
    escalations: tuple[Escalation, ...]

    def matches(self, *, type_id: int | None, company_id: int | None, location_path: str | None) -> bool:
        if self.type_ids and type_id not in self.type_ids:
            return False
        if self.company_ids and company_id not in self.company_ids:
            return False
        if self.location_paths:
            return location_path is not None and any(location_path.startswith(p) for p in self.location_paths)
        return True


def _load() -> tuple[ActivePolicy, ...]:
    policies = (
        SlaPolicy.objects.filter(is_active=True)
        .prefetch_related("targets", "escalations", "ticket_types", "companies", "locations")
        .order_by("order", "id")
    )
    out = []
    for p in policies:
        out.append(
            ActivePolicy(
                id=p.pk,
                name=p.name,
                order=p.order,
                calendar_id=p.calendar_id,
                warning_percent=p.warning_percent,
                type_ids=frozenset(t.pk for t in p.ticket_types.all()),
                company_ids=frozenset(c.pk for c in p.companies.all()),
                location_paths=tuple(loc.path for loc in p.locations.all()),
                targets={
                    t.priority: Target(t.response_minutes, t.resolution_minutes) for t in p.targets.all()
                },
                escalations=tuple(
                    Escalation(e.pk, e.threshold, e.target, e.action, e.group_id, e.assignee_id)
                    for e in p.escalations.all()
                ),
            )
        )
    return tuple(out)


def active_policies() -> tuple[ActivePolicy, ...]:
    return configcache.current().get("sla.policies", _load)


def by_id() -> dict[int, ActivePolicy]:
    return configcache.current().get("sla.policies_by_id", lambda: {p.id: p for p in active_policies()})


def needs_location(policies: tuple[ActivePolicy, ...]) -> bool:
    return any(p.location_paths for p in policies)


def choose(
    policies: tuple[ActivePolicy, ...],
    *,
    type_id: int | None,
    company_id: int | None,
    location_path: str | None,
) -> ActivePolicy | None:
    for p in policies:
        if p.matches(type_id=type_id, company_id=company_id, location_path=location_path):
            return p
    return None
