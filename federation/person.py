"""The partner account as a person of this account: the author of everything the partner does."""

from __future__ import annotations

import contextvars

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.people.models import Company, CompanyKind, Role, User

from .directory.models import Partnership, Side

# Partner people already in the database, remembered for one drain (`delivery.drain_link`): only
# people found (not made) are kept, so a rolled-back savepoint never leaves one behind.
_person_cache: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "fed_partner_people", default=None
)


def partner_person(p: Partnership, local_side: str) -> User:
    """The partner account as it appears in this one: a company card (the client, or the
    contractor) and one blocked, password-less person of that company who authors what the
    partner does. Never an agent, so never a seat; it can never sign in."""
    cache = _person_cache.get()
    key = (connection.schema_name, p.pk, local_side)
    if cache is not None and key in cache:
        return cache[key]
    other = p.account_of(Partnership.other(local_side))
    name = other.name if other is not None else (p.remote_name or p.remote_url)
    company, _made = Company.objects.get_or_create(
        external_id=f"federation:{p.pk}",
        defaults={
            "name": name[:200],
            "kind": CompanyKind.CONTRACTOR if local_side == Side.REQUESTER else CompanyKind.TENANT,
            "notes": _("Partner account (federation)"),
        },
    )
    email = f"partner-{p.pk.hex}@federation.invalid"
    person = User.objects.filter(email=email).first()
    if person is None:
        person = User(
            email=email,
            full_name=name[:150],
            role=Role.EMPLOYEE,
            company=company,
            blocked_at=timezone.now(),
            blocked_reason=_("Partner account (federation): acts through federation messages only."),
        )
        person.set_unusable_password()
        person.save()
    elif cache is not None and not _made:
        cache[key] = person
    return person


def start_remembering() -> contextvars.Token:
    """From now on (until `stop_remembering`), partner people found are kept for reuse."""
    return _person_cache.set({})


def stop_remembering(token: contextvars.Token) -> None:
    _person_cache.reset(token)
