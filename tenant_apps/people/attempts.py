"""Failed sign-in attempts and the lockout they lead to: per identity and per client address,
within the account whose host was asked (docs/security.md, "Throttling and lockout").

A password check (browser sign-in, API token, password change, the console's operator sign-in)
and a mailed link (invitation accept, reset confirm) each count their failures twice: once for the
identity tried (the e-mail, or the person a link names) and once for the client address
(`kernel.proxies.client_address`, never a forged header). Past the limit within the window that
identity, or that address, is locked for a while: every attempt, the right password included, is
refused with 429 `throttled` and `Retry-After`. A success clears the identity's failures (not the
address's: a known password of one's own must not buy more guesses at others').

Counters live in the cache (Redis), whose keys carry the account's schema (django-tenants'
`make_key`), so each account keeps its own. Nothing here touches the database. Like the API's
throttles (atrium/throttling.py), the lockout fails open while Redis does not answer: sign-in keeps
working, unthrottled, and a warning is logged.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _
from kernel.errors import unavailable
from kernel.proxies import client_address
from rest_framework.exceptions import Throttled

logger = logging.getLogger("atrium.lockout")


def _fail_open(default):
    def decorate(fn):
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as exc:
                if not unavailable(exc):
                    raise
                logger.warning("lockout cache unavailable, not counting: %s", exc)
                return default

        return wrapped

    return decorate


@dataclass(frozen=True)
class Limits:
    identity_failures: int
    address_failures: int
    window: int  # seconds failures are counted over
    lock: int  # seconds a lock lasts


def limits() -> Limits:
    return Limits(
        identity_failures=getattr(settings, "ATRIUM_LOCKOUT_IDENTITY_FAILURES", 10),
        address_failures=getattr(settings, "ATRIUM_LOCKOUT_ADDRESS_FAILURES", 30),
        window=getattr(settings, "ATRIUM_LOCKOUT_WINDOW_SECONDS", 900),
        lock=getattr(settings, "ATRIUM_LOCKOUT_SECONDS", 900),
    )


class LockedOut(Throttled):
    """429 `throttled` with `Retry-After` (DRF's handler sets it from `wait`)."""

    default_detail = _("Too many failed attempts. Try again later.")

    def __init__(self, wait: int):
        super().__init__(
            wait=wait,
            detail=_("Too many failed attempts. Try again in %(minutes)d min.")
            % {"minutes": max(1, math.ceil(wait / 60))},
        )


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _keys(kind: str, value: str) -> tuple[str, str]:
    digest = _digest(value)
    return f"lockout:{kind}:fail:{digest}", f"lockout:{kind}:lock:{digest}"


def _subjects(request, identity: str | None) -> list[tuple[str, str, int]]:
    """(kind, value, limit) of everything one attempt counts against."""
    policy = limits()
    out = []
    if identity:
        out.append(("identity", identity.strip().lower(), policy.identity_failures))
    address = client_address(request) if request is not None else ""
    if address:
        out.append(("address", address, policy.address_failures))
    return out


@_fail_open(0)
def lock_wait(request, identity: str | None) -> int:
    """Seconds until neither the identity nor the client address is locked (0: not locked)."""
    now = time.time()
    waits = [0.0]
    for kind, value, _limit in _subjects(request, identity):
        until = cache.get(_keys(kind, value)[1])
        if until is not None and until > now:
            waits.append(until - now)
    return math.ceil(max(waits))


def ensure_not_locked(request, identity: str | None) -> None:
    """Raise LockedOut (429 with Retry-After) while the identity or the client address is locked."""
    wait = lock_wait(request, identity)
    if wait:
        raise LockedOut(wait=wait)


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


@_fail_open(None)
def record_failure(request, identity: str | None) -> None:
    """Count a failed attempt; what reaches its limit is locked from the next attempt on."""
    policy = limits()
    for kind, value, limit in _subjects(request, identity):
        fail_key, lock_key = _keys(kind, value)
        if _count(fail_key, policy.window) >= limit:
            cache.set(lock_key, time.time() + policy.lock, timeout=policy.lock)
            cache.delete(fail_key)


@_fail_open(None)
def record_success(request, identity: str | None) -> None:
    if identity:
        cache.delete(_keys("identity", identity.strip().lower())[0])


def unlock(identity: str) -> None:
    """Lift an identity's lock (an admin's help, or a test)."""
    cache.delete_many(list(_keys("identity", identity.strip().lower())))
