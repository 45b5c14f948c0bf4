"""Federation's domain errors (mapped to the one error shape by kernel.errors) and the
delivery failure the transport reports.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from kernel.errors import DomainError


class PartnershipNotActive(DomainError):
    code = "partnership_not_active"
    status = 409
    default_detail = gettext_lazy("This partnership is not active.")


class WrongPartnershipState(DomainError):
    code = "partnership_state"
    status = 409
    default_detail = gettext_lazy("The partnership is not in a state that allows this.")


class NotForwardable(DomainError):
    code = "not_forwardable"
    status = 409
    default_detail = gettext_lazy("This ticket cannot be forwarded to this partner.")


class NoActiveLink(DomainError):
    code = "no_active_link"
    status = 409
    default_detail = gettext_lazy("This ticket has no active link to a partner that allows this.")


class HandshakeFailed(DomainError):
    code = "handshake_failed"
    status = 400
    default_detail = gettext_lazy("The partner deployment did not accept the invitation.")


class RotationPending(DomainError):
    code = "rotation_pending"
    status = 409
    default_detail = gettext_lazy(
        "The previous key rotation has not reached the partner yet; try again later."
    )


class DeliveryFailed(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        self.permanent = permanent
        super().__init__(message)
