"""Routing rules: a new ticket lands with the right group and person at once, with no dispatcher.

Conditions (all given ones must hold):
  types: [type codes]          priorities: [1..4]          channels: [channel values]
  companies: [company ids]     locations: [location ids]  (the ticket's location or any ancestor)
  fields: [{"key", "op": eq|ne|in|contains|gte|lte, "value"}]
  time: {"from": "HH:MM", "to": "HH:MM", "weekdays": [0..6]}  in the account's time zone
Actions:
  group: group id    priority: 1..4    watchers: [person ids]
  assignee: {"mode": "fixed", "person": id} | {"mode": "least_open"} | {"mode": "round_robin"}
  and actions other apps register (`register_action`), e.g. federation's
  forward: {"partnership": uuid, "note": "..."}  (hand the new ticket to a partner account)
Rules run in order; an action already set by an earlier matching rule is not overridden, and
`stop_processing` ends the evaluation. Each applied rule is explained in the ticket's history.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.people.models import AGENT_ROLES, ResponsibilityGroup, User

from . import configcache
from .models import Channel, Priority, RoutingRule, Ticket

FIELD_OPS = {"eq", "ne", "in", "contains", "gte", "lte"}
ASSIGNEE_MODES = {"fixed", "least_open", "round_robin"}


@dataclass(frozen=True)
class RegisteredAction:
    """An action another app adds to routing rules without desk importing it.

    validate(spec, conditions) -> field messages (empty when valid), when a rule is saved;
    apply(ticket, spec, rule) runs after the new ticket and its history are written, in the same
    transaction; `rule` is {"rule": name, "id": id}. It must not fail the filing for reasons
    outside the requester's control: it records what it did (or why not) as ticket events."""

    validate: Callable[[Any, dict], list[str]]
    apply: Callable[[Ticket, Any, dict], None]


_registered: dict[str, RegisteredAction] = {}


def register_action(name: str, *, validate, apply) -> None:
    _registered[name] = RegisteredAction(validate=validate, apply=apply)


def run_registered_actions(ticket: Ticket) -> None:
    """Run the registered actions routing chose for a newly filed ticket (see `route`)."""
    for name, spec, rule in getattr(ticket, "_routing_followups", []):
        _registered[name].apply(ticket, spec, rule)


@dataclass
class RoutingOutcome:
    applied: list[dict[str, Any]] = field(default_factory=list)  # [{"rule": name, "id": id, "set": {...}}]


def _field_matches(cond: dict, values: dict) -> bool:
    value, op, expected = values.get(cond.get("key")), cond.get("op", "eq"), cond.get("value")
    try:
        if op == "eq":
            return value == expected
        if op == "ne":
            return value != expected
        if op == "in":
            return value in (expected or [])
        if op == "contains":
            return expected in (value or []) if isinstance(value, list) else str(expected) in str(value or "")
        if op == "gte":
            return value is not None and float(value) >= float(expected)
        if op == "lte":
            return value is not None and float(value) <= float(expected)
    except (TypeError, ValueError):
        return False
    return False


def _time_matches(cond: dict, now: dt.datetime) -> bool:
    tz = zoneinfo.ZoneInfo(getattr(connection.tenant, "time_zone", "UTC") or "UTC")
    local = now.astimezone(tz)
    if cond.get("weekdays") is not None and local.weekday() not in cond["weekdays"]:
        return False
    start = dt.time.fromisoformat(cond.get("from", "00:00"))
    end = dt.time.fromisoformat(cond.get("to", "23:59"))
    t = local.time()
    return start <= t <= end if start <= end else (t >= start or t <= end)  # windows over midnight


def matches(rule: RoutingRule, ticket: Ticket, now: dt.datetime) -> bool:
    c = rule.conditions or {}
    if c.get("types") and ticket.ticket_type.code not in c["types"]:
        return False
    if c.get("priorities") and ticket.priority not in c["priorities"]:
        return False
    if c.get("channels") and ticket.channel not in c["channels"]:
        return False
    if c.get("companies") and ticket.company_id not in c["companies"]:
        return False
    if c.get("locations"):
        if ticket.location is None or not set(c["locations"]) & set(ticket.location.ancestor_ids):
            return False
    if any(not _field_matches(fc, ticket.fields or {}) for fc in c.get("fields", [])):
        return False
    return not (c.get("time") and not _time_matches(c["time"], now))


def _candidates(group_id: int):
    return User.objects.filter(
        responsibility_groups__id=group_id, is_active=True, blocked_at__isnull=True, role__in=AGENT_ROLES
    ).filter(Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=timezone.now()))


# The group's active agents, fewest open tickets first. A correlated count on the partial index of
# open tickets per assignee: its cost follows the open tickets, not every ticket the candidates ever
# had. Written in SQL because the ORM spent longer composing this query than PostgreSQL running it;
# the same predicates as _candidates().
_LEAST_OPEN_SQL = """
    SELECT u.* FROM people_user u
      JOIN people_responsibilitygroup_members m ON m.user_id = u.id AND m.responsibilitygroup_id = %s
     WHERE u.is_active AND u.blocked_at IS NULL AND u.role = ANY(%s)
       AND (u.access_expires_at IS NULL OR u.access_expires_at > %s)
     ORDER BY (SELECT count(*) FROM desk_ticket t WHERE t.assignee_id = u.id AND t.is_open), u.id
     LIMIT 1
"""


def _least_open(group_id: int) -> User | None:
    found = list(
        User.objects.raw(
            _LEAST_OPEN_SQL, [group_id, sorted(role.value for role in AGENT_ROLES), timezone.now()]
        )
    )
    return found[0] if found else None


def _pick_assignee(rule: RoutingRule, spec: dict, group_id: int | None) -> User | None:
    mode = spec.get("mode")
    if mode == "fixed":
        return User.objects.filter(pk=spec.get("person"), is_active=True, blocked_at__isnull=True).first()
    if group_id is None:
        return None
    if mode == "least_open":
        return _least_open(group_id)
    if mode == "round_robin":
        locked = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        people = list(_candidates(group_id).order_by("id").values_list("id", flat=True))
        if not people:
            return None
        after = [pk for pk in people if locked.last_assignee_id is None or pk > locked.last_assignee_id]
        chosen = after[0] if after else people[0]
        RoutingRule.objects.filter(pk=rule.pk).update(last_assignee_id=chosen)
        return User.objects.get(pk=chosen)
    return None


def route(ticket: Ticket, *, now: dt.datetime | None = None) -> RoutingOutcome:
    """Apply the account's rules to a new (unsaved-or-saved) ticket in place."""
    now = now or timezone.now()
    outcome = RoutingOutcome()
    taken: set[str] = set()
    watchers: list[int] = []
    followups: list[tuple[str, Any, dict]] = []
    config = configcache.current()
    for rule in config.routing_rules():
        if not matches(rule, ticket, now):
            continue
        actions, did = rule.actions or {}, {}
        if "group" in actions and "group" not in taken:
            group = config.active_group(actions["group"])
            if group is not None:
                ticket.group = group
                did["group"] = group.name
                taken.add("group")
        if "priority" in actions and "priority" not in taken and actions["priority"] in Priority.values:
            ticket.priority = actions["priority"]
            did["priority"] = actions["priority"]
            taken.add("priority")
        if "assignee" in actions and "assignee" not in taken:
            person = _pick_assignee(rule, actions["assignee"], ticket.group_id)
            if person is not None:
                ticket.assignee = person
                did["assignee"] = person.full_name
                did["assignee_mode"] = actions["assignee"].get("mode")
                taken.add("assignee")
        if actions.get("watchers"):
            watchers.extend(actions["watchers"])
            did["watchers"] = actions["watchers"]
        for name in _registered:
            if name in actions and name not in taken:
                followups.append((name, actions[name], {"rule": rule.name, "id": rule.pk}))
                did[name] = actions[name]
                taken.add(name)
        if did:
            outcome.applied.append({"rule": rule.name, "id": rule.pk, "set": did})
        if rule.stop_processing:
            break
    ticket._routing_watchers = watchers
    ticket._routing_followups = followups
    return outcome


def validate_rule(conditions: Any, actions: Any) -> dict[str, list[str]]:
    """Field messages for a rule definition (used by the configuration service)."""
    errors = validate_conditions(conditions)
    if not isinstance(conditions, dict):
        return errors
    if not isinstance(actions, dict) or not actions:
        errors["actions"] = [_("Give at least one action.")]
        actions = {}
    errors.update(_validate_actions(actions, conditions))
    return errors


def validate_conditions(conditions: Any) -> dict[str, list[str]]:
    """Field messages for routing-like conditions (routing rules, approval policies)."""
    errors: dict[str, list[str]] = {}
    if not isinstance(conditions, dict):
        return {"conditions": [_("Send an object.")]}
    for key in ("types", "priorities", "channels", "companies", "locations", "fields"):
        if key in conditions and not isinstance(conditions[key], list):
            errors[f"conditions.{key}"] = [_("Send a list.")]
    for fc in conditions.get("fields", []) if isinstance(conditions.get("fields"), list) else []:
        if not isinstance(fc, dict) or "key" not in fc or fc.get("op", "eq") not in FIELD_OPS:
            errors["conditions.fields"] = [
                _("Each item needs a key and an op among: %(ops)s.") % {"ops": ", ".join(sorted(FIELD_OPS))}
            ]
    if isinstance(conditions.get("channels"), list) and set(conditions["channels"]) - set(Channel.values):
        errors["conditions.channels"] = [_("Unknown channel.")]
    if "time" in conditions:
        try:
            t = conditions["time"]
            dt.time.fromisoformat(t.get("from", "00:00"))
            dt.time.fromisoformat(t.get("to", "23:59"))
            if any(d not in range(7) for d in t.get("weekdays", [])):
                raise ValueError
        except (AttributeError, TypeError, ValueError):
            errors["conditions.time"] = [_('Use {"from": "HH:MM", "to": "HH:MM", "weekdays": [0-6]}.')]
    return errors


def _validate_actions(actions: dict, conditions: dict) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, registered in _registered.items():
        if name in actions:
            messages = registered.validate(actions[name], conditions)
            if messages:
                errors[f"actions.{name}"] = messages
    if "group" in actions and not ResponsibilityGroup.objects.filter(pk=actions["group"]).exists():
        errors["actions.group"] = [_("No such group.")]
    if "priority" in actions and actions["priority"] not in Priority.values:
        errors["actions.priority"] = [_("Unknown priority.")]
    if "assignee" in actions:
        spec = actions["assignee"]
        if not isinstance(spec, dict) or spec.get("mode") not in ASSIGNEE_MODES:
            errors["actions.assignee"] = [
                _("Mode must be one of: %(m)s.") % {"m": ", ".join(sorted(ASSIGNEE_MODES))}
            ]
        elif spec["mode"] == "fixed" and not User.objects.filter(pk=spec.get("person")).exists():
            errors["actions.assignee"] = [_("No such person.")]
        elif spec["mode"] != "fixed" and "group" not in actions:
            errors["actions.assignee"] = [_("Least-open and round-robin assignment need a group action.")]
    if "watchers" in actions and (
        not isinstance(actions["watchers"], list)
        or User.objects.filter(pk__in=actions["watchers"]).count() != len(set(actions["watchers"]))
    ):
        errors["actions.watchers"] = [_("Unknown people among watchers.")]
    return errors
