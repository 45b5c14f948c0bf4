"""Sessions of a platform operator impersonating a person of this account.

The operator console hands the browser a signed, single-use token (tenants_shared.console); the
account host redeems it here and starts a session marked as impersonated. While it runs, every
response carries `X-Atrium-Impersonation`, GET /api/v1/me/ says who impersonates until when, and
passwords, API tokens and billing are refused with 403 `impersonation_forbidden`. At expiry (or
when the operator ends it) the session ends.
"""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.db import connection
from django.http import JsonResponse
from kernel import handoff
from kernel.errors import error_body
from kernel.handoff import HandoffInvalid, ImpersonationForbidden
from kernel.proxies import client_address

from tenant_apps import permissions as perms
from tenant_apps.audit.services import record

from .auth import may_log_in_here
from .models import User

SESSION_KEY = "atrium_impersonation"
# While an impersonated request runs, the signed-in person carries the operator's e-mail as
# `acting_operator`: the changes they make name the operator too (the origin of a change,
# tenant_apps/desk/origin.py; ticket events' `impersonated_by`).
ACTING_OPERATOR = "acting_operator"
HEADER = "X-Atrium-Impersonation"


def start_session(*, request, token: str) -> User:
    """Redeem the handoff and sign this browser in as the person it names."""
    account = connection.tenant
    grant = handoff.redeem(token=token, account=account)
    person = User.objects.filter(pk=grant.person_id).first()
    if person is None or not may_log_in_here(person):
        raise HandoffInvalid(fields={"token": [str(HandoffInvalid.default_detail)]})
    login(request, person, backend="tenant_apps.people.auth.AccountPersonBackend")
    request.session[SESSION_KEY] = {
        "id": grant.impersonation_id,
        "operator": grant.operator_email,
        "expires_at": grant.expires_at.isoformat(),
    }
    request.session.set_expiry(grant.expires_at)
    record(
        actor_kind="operator",
        actor=grant.operator_email,
        action="impersonation.session_started",
        reason=grant.reason,
        details={
            "impersonation": grant.impersonation_id,
            "person": person.email,
            "address": client_address(request),  # resolved from trusted proxies only
        },
    )
    return person


def current(request) -> dict | None:
    """The running impersonation of this request's session: {"operator", "expires_at"}, or None."""
    return getattr(request, "_atrium_impersonation", None)


class ImpersonationMiddleware:
    """After authentication, on account hosts: end lapsed impersonated sessions, refuse what an
    impersonator may not do, and mark every answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        data = session.get(SESSION_KEY) if session is not None else None
        account = getattr(request, "tenant", None)
        if not data or account is None or account.is_public:
            return self.get_response(request)
        until = handoff.running_until(impersonation_id=data.get("id"), account=account)
        if until is None:
            logout(request)  # expired or ended by the operator: the session ends here
            return self.get_response(request)
        if not perms.impersonation_may_request(request.method, request.path):
            exc = ImpersonationForbidden()
            response = JsonResponse(error_body(exc.code, exc.detail), status=exc.status)
        else:
            request._atrium_impersonation = {"operator": data["operator"], "expires_at": until}
            setattr(request.user, ACTING_OPERATOR, data["operator"])
            response = self.get_response(request)
        response[HEADER] = f'operator="{data["operator"]}"; expires="{until.isoformat()}"'
        return response
