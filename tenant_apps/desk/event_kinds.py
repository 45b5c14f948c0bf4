"""The kinds of ticket events and the payload each one carries (docs/spine.md).

One frozen dataclass per kind, declared with `@kind(value, label)`. `EventKind` (the model's
choices) is built from these declarations in their order, so adding a kind is one declaration
here (and `makemigrations desk` for the choices). A payload is validated when it is built: a
missing field, a field the kind does not have, or a value of the wrong type raises
`InvalidEventPayload` at `events.record()`, inside the change's transaction (a programming error,
never the user's: the change rolls back).

Stored shape: `TicketEvent.data` holds the payload's fields as JSON. A field declared with the
default `ABSENT` is left out of the stored data when not given (some services write it, others
do not); a field declared `X | None` without a default must be given, and None is stored.
`impersonated_by` is not a payload field: the spine adds it from the change's origin.

This module imports nothing of the desk's models, so `models.py` can build `EventKind` from it.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class InvalidEventPayload(TypeError):
    """An event's data does not match its kind's payload type (a bug in the recording code)."""


class _Absent:
    """The default of an optional field: left out of the stored data when not given."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "ABSENT"

    def __bool__(self) -> bool:
        return False


ABSENT: Any = _Absent()

# envelope keys: stored in `data` next to the payload's fields, but set by the spine itself
ENVELOPE_KEYS = frozenset({"impersonated_by"})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Payload:
    """Base of every kind's payload. `KIND` and `LABEL` are set by `@kind`."""

    KIND: ClassVar[str] = ""
    LABEL: ClassVar[Any] = ""

    def __post_init__(self) -> None:
        for name, types_, _required, hint in _spec(type(self)):
            value = getattr(self, name)
            if value is ABSENT or types_ is None:
                continue
            if not isinstance(value, types_) or (
                value.__class__ is bool and bool not in types_
            ):  # bool is an int to isinstance; never a valid int here
                raise InvalidEventPayload(
                    f"{self.KIND}: field {name!r} must be {_describe(hint)}, "
                    f"not {type(value).__name__} ({value!r:.80})"
                )

    def to_data(self) -> dict[str, Any]:
        """The JSON stored in TicketEvent.data (fields left ABSENT are not stored)."""
        out = {}
        for name, *_rest in _spec(type(self)):
            value = getattr(self, name)
            if value is not ABSENT:
                out[name] = value
        return out

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Payload:
        """Validate `data` (keyword arguments of `events.record`, or a stored row) as this kind."""
        spec = _spec(cls)
        names = {name for name, *_rest in spec}
        unknown = data.keys() - names - ENVELOPE_KEYS
        if unknown:
            raise InvalidEventPayload(f"{cls.KIND}: unknown field(s) {sorted(unknown)}")
        missing = {name for name, _t, required, _h in spec if required and name not in data}
        if missing:
            raise InvalidEventPayload(f"{cls.KIND}: missing field(s) {sorted(missing)}")
        return cls(**{k: v for k, v in data.items() if k in names})


_REGISTRY: dict[str, type[Payload]] = {}
_SPECS: dict[type, tuple] = {}


def kind(value: str, label: Any) -> typing.Callable[[type[Payload]], type[Payload]]:
    """Declare the payload class of the event kind `value` (shown as `label`)."""

    def register(cls: type[Payload]) -> type[Payload]:
        if value in _REGISTRY:
            raise RuntimeError(f"event kind {value!r} is declared twice")
        if not dataclasses.is_dataclass(cls) or "__dataclass_fields__" not in cls.__dict__:
            cls = dataclasses.dataclass(frozen=True, kw_only=True)(cls)
        cls.KIND, cls.LABEL = value, label
        _REGISTRY[value] = cls
        return cls

    return register


def payload_type(kind_value: str) -> type[Payload]:
    try:
        return _REGISTRY[kind_value]
    except KeyError:
        raise InvalidEventPayload(f"unknown event kind {kind_value!r}") from None


def build(kind_value: str, data: dict[str, Any]) -> Payload:
    """The validated payload of an event of `kind_value` with these fields."""
    return payload_type(kind_value).from_data(data)


def declared() -> list[type[Payload]]:
    """Every kind's payload class, in declaration order (the order of EventKind's choices)."""
    return list(_REGISTRY.values())


# ---------------------------------------------------------------------------- type checks
def _spec(cls: type) -> tuple:
    """(name, accepted types or None for any, required, hint) of each field, worked out once."""
    spec = _SPECS.get(cls)
    if spec is None:
        hints = typing.get_type_hints(cls)
        spec = tuple(
            (
                f.name,
                _accepted(hints[f.name]),
                f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
                hints[f.name],
            )
            for f in dataclasses.fields(cls)
        )
        _SPECS[cls] = spec
    return spec


def _accepted(hint: Any) -> tuple[type, ...] | None:
    """The types isinstance accepts for `hint` (None: anything). Containers are checked as their
    container type (list[dict] is a list); a float field takes an int too."""
    if hint is Any:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        out: tuple[type, ...] = ()
        for h in typing.get_args(hint):
            accepted = _accepted(h)
            if accepted is None:
                return None
            out += accepted
        return out
    if hint is None or hint is type(None):
        return (type(None),)
    if origin is not None:
        return (origin,)
    if hint is float:
        return (int, float)
    return (hint,)


def _describe(hint: Any) -> str:
    return getattr(hint, "__name__", None) or str(hint)


Ref = dict  # {"id": ..., "name": ...} of a person, group, place (desk.services._display)
Diff = dict  # {"field": [before, after], ...}


# ---------------------------------------------------------------------------- the kinds
# The order of the declarations is EventKind's order (and its migration's choices).
@kind("created", _("Created"))
class Created(Payload):
    number: int
    status: str  # the initial status's key
    channel: str
    title: str


@kind("routed", _("Routed"))
class Routed(Payload):
    rules: list  # the routing rules applied, as routing.route() describes them
    group: Ref | None
    assignee: Ref | None
    priority: int


@kind("changed", _("Changed"))
class Changed(Payload):
    changes: Diff  # standard fields and "fields" (custom), before and after


@kind("status_changed", _("Status changed"))
class StatusChanged(Payload):
    transition: str  # the transition's name, or the process's note ("" when none)
    changes: Diff  # {"status": [old key, new key]}
    category: str
    from_category: str
    comment_id: int | None = ABSENT  # a manual transition: the comment made with it, or None
    comment: str | None = ABSENT
    field_changes: Diff = ABSENT  # custom fields filled in with the transition
    process: str = ABSENT  # moved by a system actor: its name (e.g. "approval", "federation")


@kind("assigned", _("Assigned"))
class Assigned(Payload):
    changes: Diff  # "group" and/or "assignee", before and after (Ref or None)


@kind("commented", _("Commented"))
class Commented(Payload):
    comment_id: int
    internal: bool
    body: str
    transition: str = ABSENT  # made with this transition (its status_changed event names it too)


@kind("attachment_added", _("Attachment added"))
class AttachmentAdded(Payload):
    attachment_id: int
    name: str
    size: int
    content_type: str


@kind("watchers_changed", _("Watchers changed"))
class WatchersChanged(Payload):
    added: list  # person ids
    removed: list


@kind("checklist_changed", _("Checklist changed"))
class ChecklistChanged(Payload):
    item: int
    checklist: str
    label: str
    changes: Diff  # "value" and "done", before and after
    comment: str | None
    photo: int | None  # the attachment's id


@kind("approval_requested", _("Approval requested"))
class ApprovalRequested(Payload):
    round: int
    policy: str
    approvers: list  # names of people and groups
    due_at: str | None  # ISO 8601


@kind("approval_decided", _("Approval decision"))
class ApprovalDecided(Payload):
    round: int
    decision: str
    comment: str
    on_behalf_of: list  # names of the groups the approver decided for


@kind("approval_completed", _("Approval completed"))
class ApprovalCompleted(Payload):
    round: int
    outcome: str
    comment: str = ABSENT  # rejected or sent for rework: the approver's reason
    remarks: list = ABSENT  # approved: [{"by", "comment"}] of approvals with remarks


@kind("pass_issued", _("Pass issued"))
class PassIssued(Payload):
    via: str  # "approval" or "direct"
    passes: list  # [{"id", "holder", "short_code"}]
    outcome: str = ABSENT  # via an approval: its outcome and round
    round: int | None = ABSENT


@kind("pass_changed", _("Pass changed"))
class PassChanged(Payload):
    action: str  # "rejected", "revoked", "extended"
    passes: list
    round: int | None = ABSENT
    reason: str = ABSENT
    changes: Diff = ABSENT


@kind("gate_checked", _("Checked at the gate"))
class GateChecked(Payload):
    check_id: int
    valid: bool
    reason: str
    pass_id: int | None
    short_code: str | None


@kind("forwarded", _("Forwarded to a partner"))
class Forwarded(Payload):
    link: str  # the ticket link's id
    partner: str  # the partner account's name
    note: str
    rule: Any = ABSENT  # forwarded by a routing rule: its name and id
    rule_id: Any = ABSENT


@kind("federation", _("Partner account"))
class Federation(Payload):
    action: str  # "received", "orphaned", "recalled", "declined", "partner_status", ...
    link: str = ABSENT
    partner: str = ABSENT
    reason: str = ABSENT
    note: str = ABSENT
    ref: str = ABSENT
    status: str = ABSENT
    assignee: str = ABSENT
    subticket: str = ABSENT
    subticket_id: int = ABSENT
    checklist: str = ABSENT
    label: str = ABSENT
    value: Any = ABSENT
    done: bool = ABSENT
    rule: Any = ABSENT
    rule_id: Any = ABSENT


@kind("confirmed", _("Work confirmed"))
class Confirmed(Payload):
    auto: bool
    status: str = ABSENT  # this side's confirmation: the status it closed in
    partner: bool = ABSENT  # the partner's answer on their side (federation)
    author: str = ABSENT
    process: str = ABSENT


@kind("returned", _("Work returned"))
class Returned(Payload):
    reason: str
    status: str = ABSENT
    partner: bool = ABSENT
    author: str = ABSENT
    process: str = ABSENT


@kind("rated", _("Work rated"))
class Rated(Payload):
    score: int
    comment: str
    partner: bool = ABSENT
    author: str = ABSENT
    process: str = ABSENT


@kind("sla_warning", _("SLA warning"))
class SlaWarning(Payload):
    target: str  # "response" or "resolution"
    due_at: str  # ISO 8601


@kind("sla_breached", _("SLA breached"))
class SlaBreached(Payload):
    target: str  # "response" or "resolution"
    due_at: str  # ISO 8601
    late_by_minutes: int
