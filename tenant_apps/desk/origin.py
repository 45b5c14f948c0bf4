"""Who made a change: a person, or a named system actor (docs/spine.md, "Origin").

An `Origin` travels with a change from the service call into its ticket events. Desk services
take `actor=` as a person (`User`, the ordinary case: the person's permissions are checked) or as
an `Origin`. A system actor (federation, approvals, the requester's-confirmation process, routing,
a schedule, an intake channel) skips the person's permission checks *because it is a system
actor*: it has made its own checks (a signed partner message, an approver's right to decide).
It may still act for a person (`person`): the partner's stand-in person, the approver whose
decision moved the ticket; events then name that person as their actor.

`impersonated_by`: a platform operator acting as the person; events name the operator too.
`via`: a service that makes the change for the person and does a reaction's work itself (the
pass service files a pass request and writes its passes from its own structured input, so the
passes reaction leaves that filing alone).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

# The system actors, by name, with what each one is. A new one is one line.
SYSTEM_ACTORS: dict[str, str] = {
    "federation": "a partner account's message, applied by federation (for the partner's stand-in)",
    "approval": "an approval round moving its ticket (for the approver whose decision moved it)",
    "confirmation": "the requester's confirmation, or the automatic one when the wait is over",
    "routing": "routing rules applied when a ticket is filed",
    "schedule": "a scheduled job (planned maintenance, SLA clocks)",
    "intake": "an intake channel (e-mail, Telegram, QR code, public form) filing for a visitor",
    "sla": "the SLA clocks: warnings, breaches and their escalations (tenant_apps/sla)",
    "system": "an event read back whose row names no person and no process",
}


# set on the signed-in person by the impersonation middleware (tenant_apps/people/impersonation.py)
ACTING_OPERATOR = "acting_operator"


@dataclass(frozen=True)
class Origin:
    person: Any = None  # tenant_apps.people.models.User, or None
    system: str = ""  # a SYSTEM_ACTORS name; "" for a person's own change
    impersonated_by: str | None = None
    via: str = ""
    label: Any = ""  # the name events show for a system actor without a person ("Routing")

    def __post_init__(self) -> None:
        if self.system and self.system not in SYSTEM_ACTORS:
            raise ValueError(f"unknown system actor {self.system!r} (declare it in SYSTEM_ACTORS)")
        if not self.system and self.person is None:
            raise ValueError("a person's change needs the person")

    # ------------------------------------------------------------------ constructors
    @classmethod
    def of(cls, person, *, via: str = "") -> Origin:
        """A person's own change (their permissions are checked). A person marked by the
        impersonation middleware (`acting_operator`) brings the operator's name along."""
        if isinstance(person, Origin):
            return replace(person, via=via) if via else person
        return cls(person=person, impersonated_by=getattr(person, ACTING_OPERATOR, None), via=via)

    @classmethod
    def system_actor(cls, name: str, *, person=None, label: Any = "") -> Origin:
        """A change made by the system actor `name`, for `person` when one is involved (an
        operator impersonating that person is named too)."""
        return cls(
            person=person,
            system=name,
            label=label,
            impersonated_by=getattr(person, ACTING_OPERATOR, None) if person is not None else None,
        )

    @classmethod
    def from_event_row(cls, event) -> Origin:
        """The origin of an event read back from the database (what its row can tell)."""
        data = event.data or {}
        system = data.get("process") if isinstance(data.get("process"), str) else ""
        if system and system not in SYSTEM_ACTORS:
            system = "system"
        if not system and event.actor_id is None:
            system = "system"
        return cls(
            person=event.actor if event.actor_id else None,
            system=system,
            impersonated_by=data.get("impersonated_by"),
            label=event.actor_name if event.actor_id is None else "",
        )

    # ------------------------------------------------------------------ reading it
    @property
    def is_system(self) -> bool:
        return bool(self.system)

    @property
    def actor(self):
        """The person the events name as their actor (None for a system actor alone)."""
        person = self.person
        return person if person is not None and getattr(person, "pk", None) is not None else None

    @property
    def actor_name(self) -> str:
        if self.actor is not None:
            return self.actor.full_name
        return str(self.label or "")

    def __str__(self) -> str:
        return f"{self.system}:{self.actor_name}" if self.system else self.actor_name


def as_origin(actor) -> Origin:
    """`actor` as an Origin: an Origin as it is, a person as their own change."""
    if isinstance(actor, Origin):
        return actor
    return Origin.of(actor)


def person_of(actor):
    """The person behind `actor` (a User, or an Origin's person), or None."""
    return actor.person if isinstance(actor, Origin) else actor
