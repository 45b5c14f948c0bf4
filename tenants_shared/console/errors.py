"""Domain errors of the operator console (and, re-exported, of impersonation handoffs: kernel.handoff)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError

# the handoff's errors are raised on account hosts too: they live with the handoff port
from kernel.handoff import HandoffInvalid, ImpersonationForbidden

__all__ = ["HandoffInvalid", "ImpersonationForbidden", "OperatorForbidden"]


class OperatorForbidden(DomainError):
    code = "operator_forbidden"
    status = 403
    default_detail = _("Your operator role does not allow this action.")
