"""Per-process cache of an account's desk configuration, valid for exactly one configuration version.

Filing a ticket reads a lot of configuration: the type, its form, its workflow's initial status, the
routing rules and groups, checklist templates, approval policies, and the transitions offered in the
answer. Read through the ORM each time, that was a dozen queries per ticket.

Every configuration table carries a statement-level trigger (migrations desk 0006, approvals 0002)
that sets the schema's `desk_configversion.token` to a new random UUID in the same transaction as
the change. A reader asks for the token (one primary-key read, no ORM) and is given the snapshot
made for that token, which loads each part on first use. So:

- a committed change is seen by every process at its next read, whatever wrote it (services, the
  admin, raw SQL, a migration);
- a change that is rolled back leaves the old token in place, and tokens are never reused, so what a
  rolled-back transaction loaded is never served to anyone;
- within `scope()` (one API request that files a ticket, say) the token is read once per schema.

Snapshot values are shared between requests: treat them as read-only.
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import connection

T = TypeVar("T")

MAX_SCHEMAS = 512  # accounts whose snapshots one process keeps (least recently used goes first)

_snapshots: OrderedDict[str, Snapshot] = OrderedDict()
_lock = threading.Lock()
_scope: contextvars.ContextVar[dict[str, Snapshot] | None] = contextvars.ContextVar(
    "desk_config_scope", default=None
)


class Snapshot:
    """The configuration of one schema at one version; parts load lazily, once."""

    def __init__(self, schema: str, token: str):
        self.schema = schema
        self.token = token
        self._parts: dict[Any, Any] = {}

    def get(self, key: Any, loader: Callable[[], T]) -> T:
        """The part named `key`, loaded by `loader` on first use (other apps keep theirs here too)."""
        try:
            return self._parts[key]
        except KeyError:
            value = loader()
            self._parts[key] = value
            return value

    # ------------------------------------------------------------------ the desk's own parts
    def types(self) -> dict[int, Any]:
        from .models import TicketType

        return self.get("types", lambda: {t.pk: t for t in TicketType.objects.all()})

    def type_by_ref(self, ref: str | int):
        """A ticket type by code, or by id when `ref` is a number (codes win, as in the API)."""
        types = self.types()
        by_code = self.get("types_by_code", lambda: {t.code: t for t in types.values()})
        found = by_code.get(ref) if isinstance(ref, str) else None
        if found is None and str(ref).isdigit():
            found = types.get(int(ref))
        return found

    def form(self, type_id: int) -> list:
        from .models import FormField

        def load() -> dict[int, list]:
            forms: dict[int, list] = {}
            for field in FormField.objects.order_by("ticket_type_id", "order", "id"):
                forms.setdefault(field.ticket_type_id, []).append(field)
            return forms

        return self.get("forms", load).get(type_id, [])

    def statuses(self) -> dict[int, Any]:
        from .models import Status

        return self.get("statuses", lambda: {s.pk: s for s in Status.objects.all()})

    def initial_status(self, workflow_id: int):
        def load() -> dict[int, Any]:
            return {s.workflow_id: s for s in self.statuses().values() if s.is_initial}

        return self.get("initial", load).get(workflow_id)

    def transitions_from(self, status_id: int) -> list:
        """Transitions out of a status, each with its target loaded and `allowed_group_ids` set."""
        from .models import Transition

        def load() -> dict[int, list]:
            statuses = self.statuses()
            groups: dict[int, set[int]] = {}
            for transition_id, group_id in Transition.allowed_groups.through.objects.values_list(
                "transition_id", "responsibilitygroup_id"
            ):
                groups.setdefault(transition_id, set()).add(group_id)
            out: dict[int, list] = {}
            for t in Transition.objects.order_by("workflow_id", "order", "id"):
                t.target = statuses[t.target_id]
                t.allowed_group_ids = frozenset(groups.get(t.pk, ()))
                out.setdefault(t.source_id, []).append(t)
            return out

        return self.get("transitions", load).get(status_id, [])

    def routing_rules(self) -> list:
        """Active rules in order. Their round-robin cursor is not kept here (it changes per ticket
        and is read under a row lock)."""
        from .models import RoutingRule

        return self.get(
            "rules", lambda: list(RoutingRule.objects.filter(is_active=True).order_by("order", "id"))
        )

    def active_group(self, group_id: int):
        from tenant_apps.people.models import ResponsibilityGroup

        groups = self.get(
            "groups", lambda: {g.pk: g for g in ResponsibilityGroup.objects.filter(is_active=True)}
        )
        return groups.get(group_id)

    def checklist_templates(self, type_id: int) -> list:
        from .models import ChecklistTemplate

        def load() -> dict[int, list]:
            out: dict[int, list] = {}
            for template in ChecklistTemplate.objects.order_by("ticket_type_id", "order", "id"):
                out.setdefault(template.ticket_type_id, []).append(template)
            return out

        return self.get("checklist_templates", load).get(type_id, [])


def _read_token() -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT token FROM desk_configversion WHERE id = 1")
        row = cur.fetchone()
    return str(row[0]) if row else ""


def current() -> Snapshot:
    """The configuration of the current schema as it stands now (for this transaction)."""
    schema = connection.schema_name
    scoped = _scope.get()
    if scoped is not None and schema in scoped:
        return scoped[schema]
    token = _read_token()
    snapshot = _snapshots.get(schema)
    if snapshot is None or snapshot.token != token or not token:
        snapshot = Snapshot(schema, token)
        if token:
            with _lock:
                _snapshots[schema] = snapshot
                _snapshots.move_to_end(schema)
                while len(_snapshots) > MAX_SCHEMAS:
                    _snapshots.popitem(last=False)
    if scoped is not None:
        scoped[schema] = snapshot
    return snapshot


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Within this block the version is read at most once per schema. Use it around work that
    reads configuration several times and writes none (filing a ticket and answering for it)."""
    if _scope.get() is not None:
        yield
        return
    reset = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(reset)


def forget() -> None:
    """Drop every snapshot of this process (tests; never needed for correctness)."""
    with _lock:
        _snapshots.clear()
