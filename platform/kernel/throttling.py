"""Throttles without Redis: they fail open.

DRF's throttles keep their request histories in the default cache (Redis). When Redis is gone or
frozen, a throttle that raised would turn every sign-in into an error; one that refused would lock
everybody out. Throttles here fail open instead: while the cache does not answer (each try bounded
by the cache's socket timeouts, CACHES OPTIONS), requests are let through unthrottled and a warning
is logged. Brute force stays expensive without them (argon2 hashing per attempt; the password
validators), and the outage is visible in /readyz. Decided in docs/operations.md, "Redis".
"""

from __future__ import annotations

import logging

from rest_framework import throttling

from kernel.errors import unavailable

logger = logging.getLogger("kernel.throttling")


class FailOpenCache:
    """The cache DRF's throttles use, answering "nothing recorded" while Redis does not answer."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def get(self, key, default=None, version=None):
        try:
            return self._cache.get(key, default, version)
        except Exception as exc:
            if not unavailable(exc):
                raise
            logger.warning("throttle cache unavailable, not throttling: %s", exc)
            return default

    def set(self, key, value, timeout=None, version=None):
        try:
            return self._cache.set(key, value, timeout, version)
        except Exception as exc:
            if not unavailable(exc):
                raise
            return None

    def __getattr__(self, name):
        return getattr(self._cache, name)


def install() -> None:
    """Called once by atrium.apps.AtriumConfig.ready()."""
    from django.core.cache import cache

    if not isinstance(throttling.SimpleRateThrottle.cache, FailOpenCache):
        throttling.SimpleRateThrottle.cache = FailOpenCache(cache)
