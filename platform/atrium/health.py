"""Kubernetes probes on every host (unknown hosts included): /healthz (alive), /readyz (deps reachable)."""

from __future__ import annotations

import platform
import sysconfig
from functools import lru_cache

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def stdlib_platform_in_use() -> bool:
    """True when `platform` is the standard library's module (our platform/ folder must never shadow it)."""
    return platform.__file__ is not None and platform.__file__.startswith(sysconfig.get_paths()["stdlib"])


@lru_cache(maxsize=1)
def _redis_client():
    import redis

    return redis.Redis.from_url(
        settings.CACHES["default"]["LOCATION"], socket_timeout=1, socket_connect_timeout=1
    )


def readiness() -> tuple[bool, dict[str, str]]:
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - a probe reports every failure, never raises
        checks["database"] = f"error: {exc.__class__.__name__}"
    try:
        _redis_client().ping()
        checks["redis"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["redis"] = f"error: {exc.__class__.__name__}"
    return all(v == "ok" for v in checks.values()), checks


class HealthMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            ok = stdlib_platform_in_use()
            return JsonResponse(
                {
                    "status": "ok" if ok else "broken",
                    "platform_module": "stdlib" if ok else platform.__file__,
                    "system": platform.system(),
                },
                status=200 if ok else 500,
            )
        if request.path == "/readyz":
            ok, checks = readiness()
            return JsonResponse(
                {"status": "ok" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
            )
        return self.get_response(request)
