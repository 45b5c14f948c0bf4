"""Custom domains: an account admin names a host (desk.mall.example), creates the DNS record we
answer (a CNAME to the account's `<slug>.<platform domain>`), and asks for a check; once the name
resolves to where the account's own host resolves, the host becomes one of the account's `Domain`
rows (not primary: mails keep linking to the platform host) and the account answers on it.

The resolver is the boundary: `resolve(name) -> set of addresses` (socket.getaddrinfo); tests and
other deployments replace it with settings.ATRIUM_DNS_RESOLVER (a dotted path).
"""

from __future__ import annotations

import re
import socket
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from kernel.errors import InvalidInput

from .models import Account, CustomDomain, Domain
from .selectors import forget_cached_accounts

LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
DOMAIN_RE = re.compile(rf"^(?:{LABEL}\.)+[a-z][a-z0-9-]{{1,62}}$")


@dataclass(frozen=True)
class DomainState:
    domain: str
    status: str  # "none" | "pending" | "verified"
    record_type: str
    record_name: str
    record_value: str
    checked_at: datetime | None
    verified_at: datetime | None
    last_error: str


def _forget() -> None:
    """Host lookups of this process see the change now and again after commit (a lookup in between
    may have cached the old state); other processes within ACCOUNT_CACHE_SECONDS."""
    forget_cached_accounts()
    transaction.on_commit(forget_cached_accounts)


def target_for(account: Account) -> str:
    """What the CNAME points at: the account's own host on the platform domain."""
    return f"{account.slug}.{settings.PLATFORM_DOMAIN}"


def system_resolve(name: str) -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)}
    except (socket.gaierror, UnicodeError):
        return set()


def resolve(name: str) -> set[str]:
    dotted = getattr(settings, "ATRIUM_DNS_RESOLVER", "")
    return (import_string(dotted) if dotted else system_resolve)(name)


def state(account: Account) -> DomainState:
    found = CustomDomain.objects.filter(account=account).first()
    return DomainState(
        domain=found.domain if found else "",
        status="none" if not found else ("verified" if found.verified_at else "pending"),
        record_type="CNAME",
        record_name=found.domain if found else "",
        record_value=target_for(account),
        checked_at=found.checked_at if found else None,
        verified_at=found.verified_at if found else None,
        last_error=found.last_error if found else "",
    )


def _clean(domain: str) -> str:
    name = (domain or "").strip().lower().rstrip(".")
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        name = ""
    problem = None
    if not DOMAIN_RE.match(name) or len(name) > 253:
        problem = _("Enter a host name such as desk.example.com.")
    elif name == settings.PLATFORM_DOMAIN or name.endswith("." + settings.PLATFORM_DOMAIN):
        problem = _("Use a domain of your own, not one of the platform's.")
    if problem:
        raise InvalidInput(fields={"domain": [problem]})
    return name


@transaction.atomic
def request_domain(*, account: Account, domain: str) -> DomainState:
    """Name the custom domain (replacing an earlier one, whose Domain row goes too)."""
    name = _clean(domain)
    taken = CustomDomain.objects.filter(domain=name).exclude(account=account).exists()
    if taken or Domain.objects.filter(domain=name).exclude(tenant=account).exists():
        raise InvalidInput(fields={"domain": [_("This domain is already used by another account.")]})
    current = CustomDomain.objects.select_for_update().filter(account=account).first()
    if current and current.domain == name:
        return state(account)
    if current:
        Domain.objects.filter(tenant=account, domain=current.domain, is_primary=False).delete()
        current.delete()
        _forget()
    try:
        with transaction.atomic():
            CustomDomain.objects.create(account=account, domain=name)
    except IntegrityError:
        raise InvalidInput(
            fields={"domain": [_("This domain is already used by another account.")]}
        ) from None
    return state(account)


@transaction.atomic
def check_domain(*, account: Account) -> DomainState:
    """Resolve the domain and the account's own host; when they meet, the domain is the account's."""
    found = CustomDomain.objects.select_for_update().filter(account=account).first()
    if found is None:
        raise InvalidInput(fields={"domain": [_("Name a domain first.")]})
    found.checked_at = timezone.now()
    theirs, ours = resolve(found.domain), resolve(target_for(account))
    if not theirs:
        found.last_error = _("%(domain)s does not resolve yet.") % {"domain": found.domain}
    elif not ours or not (theirs & ours):
        found.last_error = _("%(domain)s does not point at %(target)s yet.") % {
            "domain": found.domain,
            "target": target_for(account),
        }
    else:
        found.last_error = ""
        if found.verified_at is None:
            found.verified_at = found.checked_at
        row, _created = Domain.objects.get_or_create(
            domain=found.domain, defaults={"tenant": account, "is_primary": False}
        )
        _forget()  # this process routes the host at once
        if row.tenant_id != account.pk:  # claimed elsewhere meanwhile: never move another's host
            found.verified_at = None
            found.last_error = _("This domain is already used by another account.")
    found.save()
    return state(account)


@transaction.atomic
def remove_domain(*, account: Account) -> None:
    found = CustomDomain.objects.select_for_update().filter(account=account).first()
    if found:
        Domain.objects.filter(tenant=account, domain=found.domain, is_primary=False).delete()
        found.delete()
        _forget()
