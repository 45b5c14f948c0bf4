"""Domain errors of the operator console and of impersonation handoffs."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError


class OperatorForbidden(DomainError):
    code = "operator_forbidden"
    status = 403
    default_detail = _("Your operator role does not allow this action.")


class HandoffInvalid(DomainError):
    code = "handoff_invalid"
    status = 400
    default_detail = _(
        "This sign-in link is not valid: it expired, was already used, or is for another account."
    )


class ImpersonationForbidden(DomainError):
    code = "impersonation_forbidden"
    status = 403
    default_detail = _(
        "Not while impersonating: passwords, API tokens and billing stay with the account's own people."
    )
