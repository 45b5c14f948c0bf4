"""Writes and reads of the account's notification rules (account admins) and each person's own
preferences, quiet hours and digest frequency. The decisions they feed are in policy.py."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from tenant_apps import permissions as perms
from tenant_apps.audit.services import ensure_allowed, record_change

from . import kinds, policy
from .models import Digest, PersonSettings, Preference, Rule


def _pairs() -> list[tuple[kinds.Kind, str]]:
    return [(k, channel) for k in kinds.configurable() for channel in k.channels]


def rules_table() -> list[dict]:
    """Every configurable kind and channel with the account's rule (the default where none)."""
    rules = policy.account_rules()
    rows = []
    for spec, channel in _pairs():
        rule = rules.get((spec.code, channel))
        rows.append(
            {
                "kind": spec.code,
                "label": str(spec.label),
                "channel": channel,
                "enabled": rule.enabled if rule else True,
                "digest": (rule.digest if rule else spec.digest) if channel == kinds.EMAIL else False,
            }
        )
    return rows


def _check_pair(kind, channel, errors: list[str]) -> bool:
    known = {(spec.code, c) for spec, c in _pairs()}
    if (kind, channel) not in known:
        errors.append(
            _("Unknown kind or channel: %(kind)s / %(channel)s.") % {"kind": kind, "channel": channel}
        )
        return False
    return True


def _flag(value, name: str, errors: list[str]) -> bool:
    if not isinstance(value, bool):
        errors.append(_("%(name)s must be true or false.") % {"name": name})
        return False
    return True


@transaction.atomic
def save_rules(*, actor, rules: list[dict]) -> list[dict]:
    """Set the account's rules for the kinds and channels named (others stay as they are)."""
    ensure_allowed(actor, perms.is_account_admin)
    errors: list[str] = []
    if not isinstance(rules, list):
        raise InvalidInput(fields={"rules": [_("Give a list of rules.")]})
    clean = []
    for row in rules:
        if not isinstance(row, dict):
            errors.append(_("Each rule is an object with kind, channel and enabled."))
            continue
        kind, channel = row.get("kind"), row.get("channel")
        if not _check_pair(kind, channel, errors):
            continue
        enabled, digest = row.get("enabled", True), row.get("digest", False)
        if not (_flag(enabled, "enabled", errors) and _flag(digest, "digest", errors)):
            continue
        if digest and channel != kinds.EMAIL:
            errors.append(_("Only e-mail goes to the digest."))
            continue
        clean.append((kind, channel, enabled, digest))
    if errors:
        raise InvalidInput(fields={"rules": errors})
    for kind, channel, enabled, digest in clean:
        Rule.objects.update_or_create(
            kind=kind, channel=channel, defaults={"enabled": enabled, "digest": digest}
        )
    record_change(
        actor=actor,
        action="notification_rules.changed",
        details={"rules": [{"kind": k, "channel": c, "enabled": e, "digest": d} for k, c, e, d in clean]},
    )
    return rules_table()


# ---------------------------------------------------------------------------- a person's own
def _time(value) -> str | None:
    return value.strftime("%H:%M") if value else None


def preferences_of(person) -> dict:
    own = policy.person_preferences(person)
    rules = policy.account_rules()
    settings = policy.settings_for(person)
    rows = []
    for spec, channel in _pairs():
        rule = rules.get((spec.code, channel))
        rows.append(
            {
                "kind": spec.code,
                "label": str(spec.label),
                "channel": channel,
                "enabled": own.get((spec.code, channel), True),
                # off for everyone by the account's rule: the person's choice does not matter
                "account_enabled": rule.enabled if rule else True,
            }
        )
    quiet = None
    if settings.quiet_start is not None and settings.quiet_end is not None:
        quiet = {"start": _time(settings.quiet_start), "end": _time(settings.quiet_end)}
    return {"preferences": rows, "quiet_hours": quiet, "digest": settings.digest}


def _parse_time(value, name: str, errors: dict) -> dt.time | None:
    try:
        return dt.time.fromisoformat(str(value))
    except (TypeError, ValueError):
        errors.setdefault("quiet_hours", []).append(_("%(name)s: give a time as HH:MM.") % {"name": name})
        return None


@transaction.atomic
def save_preferences(*, actor, data: dict) -> dict:
    """The signed-in person sets their own channels per kind, quiet hours (null: none) and digest."""
    if not isinstance(data, dict):
        raise InvalidInput(fields={"preferences": [_("Give an object.")]})
    errors: dict[str, list[str]] = {}
    rows = data.get("preferences", [])
    clean = []
    pair_errors: list[str] = []
    if not isinstance(rows, list):
        pair_errors.append(_("Give a list of preferences."))
        rows = []
    for row in rows:
        if not isinstance(row, dict):
            pair_errors.append(_("Each preference is an object with kind, channel and enabled."))
            continue
        if _check_pair(row.get("kind"), row.get("channel"), pair_errors) and _flag(
            row.get("enabled"), "enabled", pair_errors
        ):
            clean.append((row["kind"], row["channel"], row["enabled"]))
    if pair_errors:
        errors["preferences"] = pair_errors
    settings = policy.settings_for(actor)
    if "quiet_hours" in data:
        quiet = data["quiet_hours"]
        if quiet is None:
            settings.quiet_start = settings.quiet_end = None
        elif isinstance(quiet, dict):
            start = _parse_time(quiet.get("start"), "start", errors)
            end = _parse_time(quiet.get("end"), "end", errors)
            if start is not None and end is not None and start == end:
                errors.setdefault("quiet_hours", []).append(
                    _("Quiet hours start and end at different times.")
                )
            settings.quiet_start, settings.quiet_end = start, end
        else:
            errors["quiet_hours"] = [_("Give start and end as HH:MM, or null for none.")]
    if "digest" in data:
        if data["digest"] not in Digest.values:
            errors["digest"] = [_("Choose hourly or daily.")]
        else:
            settings.digest = data["digest"]
    if errors:
        raise InvalidInput(fields=errors)
    for kind, channel, enabled in clean:
        Preference.objects.update_or_create(
            person=actor, kind=kind, channel=channel, defaults={"enabled": enabled}
        )
    if settings.pk is None:
        settings = PersonSettings.objects.create(
            person=actor,
            quiet_start=settings.quiet_start,
            quiet_end=settings.quiet_end,
            digest=settings.digest,
        )
    else:
        settings.save(update_fields=["quiet_start", "quiet_end", "digest"])
    return preferences_of(actor)
