"""The error of a write whose actor may not make it; kernel.errors maps every DomainError."""

from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError


class NotAllowed(DomainError):
    """The actor may not make this change: the same rule (tenant_apps.permissions) the view checks,
    checked again by the service, so a caller that is not a view gets the same answer."""

    code = "permission_denied"
    status = 403
    default_detail = _("You do not have permission to perform this action.")
