"""Host → account → schema, for every HTTP request (websockets: tenant_apps.live.middleware)."""

from __future__ import annotations

from django.http import JsonResponse
from kernel.errors import AccountClosed, error_body

from .models import AccountStatus
from .selectors import account_for_host


class AccountMiddleware:
    """django-tenants' TenantMainMiddleware, with a cached lookup and closed accounts refused.

    An unknown host gets a 404 and never the public site. A closed account answers 403 on every
    path (its data is kept until the retention period ends).
    """

    def __init__(self, get_response):
        from django_tenants.middleware.main import TenantMainMiddleware

        self.get_response = get_response
        self._tenants = TenantMainMiddleware(get_response)
        self._tenants.get_tenant = lambda _model, hostname: self._lookup(hostname)

    @staticmethod
    def _lookup(hostname: str):
        from .models import Domain

        account = account_for_host(hostname)
        if account is None:
            raise Domain.DoesNotExist(hostname)
        return account

    def __call__(self, request):
        response = self._tenants.process_request(request)
        if response is not None:
            return response
        account = request.tenant
        if account.status == AccountStatus.CLOSED:
            return JsonResponse(error_body(AccountClosed.code, AccountClosed.default_detail), status=403)
        return self.get_response(request)


class AccountLanguageMiddleware:
    """A client that states no language (no Accept-Language, no language cookie) gets the account's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        stated = request.META.get("HTTP_ACCEPT_LANGUAGE") or request.COOKIES.get(
            settings.LANGUAGE_COOKIE_NAME
        )
        account = getattr(request, "tenant", None)
        if not stated and account is not None and account.language:
            translation.activate(account.language)
            request.LANGUAGE_CODE = account.language
        return self.get_response(request)
