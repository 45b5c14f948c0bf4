"""The HTTP side of licence enforcement: every unsafe request to an account's API passes here."""

from __future__ import annotations

from django.http import JsonResponse
from kernel.errors import DomainError, error_body

from .licensing import LicenceReadOnly, ensure_writable

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Signing in and out stays possible on a paused desk (people must reach it to read and to pay).
EXEMPT_PREFIXES = ("/api/v1/auth/",)
# Paying is how a paused desk comes back: Billing stays open on a read-only licence (not when the
# operators suspended or closed the account).
PAYMENT_PREFIXES = ("/api/v1/billing/",)


class LicenceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        account = getattr(request, "tenant", None)
        if (
            account is not None
            and not account.is_public
            and request.method not in SAFE_METHODS
            and not request.path.startswith(EXEMPT_PREFIXES)
        ):
            try:
                ensure_writable(account)
            except LicenceReadOnly as exc:
                if not request.path.startswith(PAYMENT_PREFIXES):
                    return JsonResponse(error_body(exc.code, exc.detail, exc.fields), status=exc.status)
            except DomainError as exc:
                return JsonResponse(error_body(exc.code, exc.detail, exc.fields), status=exc.status)
        return self.get_response(request)
