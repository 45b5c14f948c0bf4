"""Who is on the other end of a request: forwarded headers are believed only from our own proxies.

`X-Forwarded-For`, `X-Forwarded-Proto`, `X-Forwarded-Host` (and `Forwarded`, `X-Real-IP`,
`X-Forwarded-Port`) are anyone's to send. `ForwardedHeadersMiddleware` runs first and:

- when the peer (the socket's address, `REMOTE_ADDR`) is not one of `ATRIUM_TRUSTED_PROXIES`
  (a list of addresses or networks, empty by default), drops every forwarded header, so nothing
  later (DRF's throttles, `request.is_secure()` with `SECURE_PROXY_SSL_HEADER`, `get_host()` with
  `USE_X_FORWARDED_HOST`, logs, the audit log) can read a forged one;
- when the peer is a trusted proxy, walks `X-Forwarded-For` from the right, skipping our own
  proxies, and makes the first address that is not ours the request's `REMOTE_ADDR` (the address a
  throttle counts and a log line names); the proxy's address stays in `ATRIUM_PROXY_ADDR`.

After it, `REMOTE_ADDR` is the client's address and the only one anything should read
(`client_address(request)`); `REST_FRAMEWORK["NUM_PROXIES"] = 0` makes DRF read it too.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core import checks
from django.http import HttpRequest
from rest_framework.throttling import ScopedRateThrottle

FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_SSL",
    "HTTP_X_REAL_IP",
    "HTTP_FORWARDED",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in configured if item.strip())


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "ATRIUM_TRUSTED_PROXIES", ()) or ()))


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [2001:db8::1]:443
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # 203.0.113.7:51234
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def is_trusted_proxy(value: str) -> bool:
    address = _address(value or "")
    return address is not None and any(address in network for network in trusted_networks())


def resolve_client(peer: str, forwarded_for: str) -> str:
    """The client's address: the right-most address of the chain that is not one of our proxies
    (the left part of the header is whatever the client chose to send, so it is never read)."""
    client = peer
    for hop in reversed([part for part in forwarded_for.split(",") if part.strip()]):
        address = _address(hop)
        if address is None:
            break  # garbage in the chain: stop at the last address we could trust
        client = str(address)
        if not is_trusted_proxy(client):
            break
    return client


def client_address(request: HttpRequest) -> str:
    """The address to count, log and audit (set by ForwardedHeadersMiddleware)."""
    return request.META.get("REMOTE_ADDR", "") or ""


class ForwardedHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        meta = request.META
        peer = meta.get("REMOTE_ADDR", "") or ""
        if is_trusted_proxy(peer):
            meta["ATRIUM_PROXY_ADDR"] = peer
            meta["REMOTE_ADDR"] = resolve_client(peer, meta.get("HTTP_X_FORWARDED_FOR", ""))
        else:
            for header in FORWARDED_HEADERS:
                meta.pop(header, None)
        meta.pop("HTTP_X_FORWARDED_FOR", None)  # resolved into REMOTE_ADDR (or forged): nobody reads it
        return self.get_response(request)


class AddressRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle counting the client address this module resolved, never a header
    (cache keys carry the account's schema: each account counts its own)."""

    def get_ident(self, request) -> str:
        return client_address(request)


@checks.register(checks.Tags.security, deploy=True)
def check_forwarded_headers_have_proxies(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Behind a TLS proxy (or with USE_X_FORWARDED_HOST) with no trusted proxy configured, every
    forwarded header is dropped: HTTPS is not recognised (a redirect loop with SECURE_SSL_REDIRECT)
    and every client looks like the proxy to the throttles."""
    uses_forwarded = bool(settings.SECURE_PROXY_SSL_HEADER) or settings.USE_X_FORWARDED_HOST
    if uses_forwarded and not trusted_networks():
        return [
            checks.Warning(
                "Forwarded headers are used but ATRIUM_TRUSTED_PROXIES is empty: they are ignored.",
                hint="Set ATRIUM_TRUSTED_PROXIES to the addresses or networks of your ingress or load balancer.",
                id="atrium.W001",
            )
        ]
    return []
