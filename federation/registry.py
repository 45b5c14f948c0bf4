"""What crosses to a partner, declared once: every ticket-event kind is classified as crossing
(with the function that turns the event into a message) or as staying on this side, and every
message kind has its applier on the receiving side.

The declarations sit next to the code they name (`outbox` declares the event kinds, `appliers`
the message kinds) and all land here. `check_complete()` runs when the app is ready
(`FederationConfig.ready`): a ticket-event kind or a message kind nobody classified stops the
process at start, never a message in production.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Crossing:
    """An event kind that crosses: `build(event, link, partnership)` returns (message kind,
    payload) or None (this event does not cross after all, e.g. an internal comment).
    `partnership` is read for the builder only when `needs_partnership` is set (else None)."""

    build: Callable[..., tuple[str, dict] | None]
    needs_partnership: bool = False


_event_kinds: dict[str, Crossing | None] = {}  # None: classified as staying on this side
_stays_why: dict[str, str] = {}
_appliers: dict[str, Callable[..., Any]] = {}
_run_appliers: dict[str, Callable[..., Any]] = {}


def _classify(kind: str, value: Crossing | None) -> None:
    kind = str(kind)
    if kind in _event_kinds and _event_kinds[kind] != value:
        raise ImproperlyConfigured(f"federation: the event kind {kind!r} is classified twice")
    _event_kinds[kind] = value


def crosses(*kinds: str, needs_partnership: bool = False) -> Callable:
    """Decorator: events of `kinds` cross to the partner as the message the function builds."""

    def register(build: Callable) -> Callable:
        for kind in kinds:
            _classify(kind, Crossing(build=build, needs_partnership=needs_partnership))
        return build

    return register


def stays(*kinds: str, why: str) -> None:
    """Events of `kinds` never cross (`why` says so for the reader of the registry)."""
    for kind in kinds:
        _classify(kind, None)
        _stays_why[str(kind)] = why


def applies(kind: str) -> Callable:
    """Decorator: the receiving side's applier of one message of `kind`,
    `apply(msg, link, partnership, local_side) -> TicketLink`."""

    def register(apply: Callable) -> Callable:
        if str(kind) in _appliers:
            raise ImproperlyConfigured(f"federation: the message kind {kind!r} has two appliers")
        _appliers[str(kind)] = apply
        return apply

    return register


def applies_run(kind: str) -> Callable:
    """Decorator: an applier of a run of consecutive messages of `kind` as one change,
    `apply(msgs, link, partnership, local_side) -> TicketLink` (optional per kind)."""

    def register(apply: Callable) -> Callable:
        _run_appliers[str(kind)] = apply
        return apply

    return register


def crossing_for(kind: str) -> Crossing | None:
    """How an event of `kind` crosses, or None when it stays on this side."""
    return _event_kinds.get(str(kind))


def crossing_kinds() -> frozenset[str]:
    return frozenset(k for k, v in _event_kinds.items() if v is not None)


def applier_for(kind: str) -> Callable[..., Any]:
    return _appliers[str(kind)]


def run_applier_for(kind: str) -> Callable[..., Any] | None:
    return _run_appliers.get(str(kind))


def check_complete(*, event_kinds: Iterable[str], message_kinds: Iterable[str]) -> None:
    """Raise ImproperlyConfigured unless every event kind is classified (crossing or staying)
    and every message kind has an applier, and nothing unknown is declared."""
    event_kinds, message_kinds = {str(k) for k in event_kinds}, {str(k) for k in message_kinds}
    problems = []
    if missing := sorted(event_kinds - set(_event_kinds)):
        problems.append(
            "ticket-event kinds nobody classified as crossing to a partner or not: "
            f"{', '.join(missing)} (declare them in federation/outbox.py)"
        )
    if unknown := sorted(set(_event_kinds) - event_kinds):
        problems.append(f"classified event kinds that do not exist: {', '.join(unknown)}")
    if missing := sorted(message_kinds - set(_appliers)):
        problems.append(
            f"message kinds without an applier: {', '.join(missing)} (declare them in federation/appliers.py)"
        )
    if unknown := sorted((set(_appliers) | set(_run_appliers)) - message_kinds):
        problems.append(f"appliers of message kinds that do not exist: {', '.join(unknown)}")
    if problems:
        raise ImproperlyConfigured("federation registry incomplete: " + "; ".join(problems))


def check_installed() -> None:
    """`check_complete` against the ticket-event kinds and message kinds of this code base."""
    from tenant_apps.desk.models import EventKind

    from .models import MessageKind

    check_complete(event_kinds=EventKind.values, message_kinds=MessageKind.values)
