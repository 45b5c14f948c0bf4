"""Websocket scope: resolve the account from the Host (as HTTP does), then the person of that account.

A socket on an unknown host, or a closed account's host, is refused before the handshake
completes. The person comes from the session cookie or an `Authorization: Token <t>` header, looked
up in the host's own schema, so credentials of another account never authenticate here.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from importlib import import_module

from channels.db import database_sync_to_async
from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpRequest
from kernel.tenancy import AccountStatus, account_for_host


def _person_from_headers(headers: dict[bytes, bytes]):
    auth = headers.get(b"authorization", b"").decode("latin1")
    if auth.lower().startswith("token "):
        from rest_framework.exceptions import AuthenticationFailed

        from tenant_apps.people.auth import TokenAuthentication

        try:
            user, _token = TokenAuthentication().authenticate_credentials(
                auth.split(" ", 1)[1].strip().encode()
            )
            return user
        except AuthenticationFailed:
            return AnonymousUser()
    cookies = SimpleCookie()
    cookies.load(headers.get(b"cookie", b"").decode("latin1"))
    morsel = cookies.get(settings.SESSION_COOKIE_NAME)
    if morsel is None:
        return AnonymousUser()
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(morsel.value)
    return get_user(request)


def resolve_scope(host: str, headers: dict[bytes, bytes]):
    connection.set_schema_to_public()
    account = account_for_host(host)
    if account is None or account.is_public or account.status == AccountStatus.CLOSED:
        return None, AnonymousUser()
    connection.set_tenant(account)
    try:
        return account, _person_from_headers(headers)
    finally:
        connection.set_schema_to_public()


class AccountWebsocketMiddleware:
    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin1")
        account, user = await database_sync_to_async(resolve_scope)(host, headers)
        if account is None:
            return await WebsocketDenier()(scope, receive, send)
        return await self.inner(dict(scope, account=account, user=user), receive, send)
