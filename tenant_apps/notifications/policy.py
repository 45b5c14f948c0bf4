"""Who gets what by which channel: the account's rules, each person's preferences, quiet hours.

For a configurable kind (kinds.py) a channel reaches a person when the kind has it, the account's
rule does not turn it off, and the person's preference does not either. An account's e-mail rule
may send a kind to the digest; a kind may default to it (`Kind.digest`). Quiet hours hold e-mail
back until they end (in-app notifications are stored and pushed as always). Transactional kinds
(invitations, password resets, billing) skip all of this: they always go, now.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from . import kinds
from .models import PersonSettings, Preference, Rule


@dataclass(frozen=True)
class Plan:
    in_app: bool
    email: bool
    digest: bool  # e-mail waits for the digest


def account_rules() -> dict[tuple[str, str], Rule]:
    return {(r.kind, r.channel): r for r in Rule.objects.all()}


def person_preferences(person) -> dict[tuple[str, str], bool]:
    return {(p.kind, p.channel): p.enabled for p in Preference.objects.filter(person=person)}


def plan_for(person, kind: str, *, rules: dict | None = None, preferences: dict | None = None) -> Plan:
    spec = kinds.get(kind)
    has_in_app, has_email = kinds.IN_APP in spec.channels, kinds.EMAIL in spec.channels
    if not spec.configurable:
        return Plan(in_app=has_in_app, email=has_email, digest=False)
    rules = account_rules() if rules is None else rules
    preferences = person_preferences(person) if preferences is None else preferences

    def on(channel: str) -> bool:
        rule = rules.get((kind, channel))
        return (rule is None or rule.enabled) and preferences.get((kind, channel), True)

    email_rule = rules.get((kind, kinds.EMAIL))
    digest = email_rule.digest if email_rule is not None else spec.digest
    return Plan(
        in_app=has_in_app and on(kinds.IN_APP),
        email=has_email and on(kinds.EMAIL),
        digest=digest,
    )


def settings_for(person) -> PersonSettings:
    found = PersonSettings.objects.filter(person=person).first()
    return found or PersonSettings(person=person)


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(getattr(connection.tenant, "time_zone", "") or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def quiet_delay(person, *, now: dt.datetime | None = None, settings: PersonSettings | None = None) -> float:
    """Seconds until the person's quiet hours end (0 when they are not in them now). Quiet hours
    are wall-clock times in the account's time zone and may span midnight (22:00–07:00)."""
    settings = settings or settings_for(person)
    start, end = settings.quiet_start, settings.quiet_end
    if start is None or end is None or start == end:
        return 0.0
    zone = _zone()
    local = (now or timezone.now()).astimezone(zone)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return 0.0
    day = local.date() if clock < end else local.date() + dt.timedelta(days=1)
    ends = dt.datetime.combine(day, end, tzinfo=zone)
    # in UTC: a wall-clock difference would be an hour off across a DST change
    return max(0.0, (ends.astimezone(dt.UTC) - local.astimezone(dt.UTC)).total_seconds())
