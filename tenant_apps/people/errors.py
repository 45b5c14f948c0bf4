"""Domain errors of people; kernel.errors maps every DomainError to its API response."""

from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError

from tenant_apps.audit.errors import NotAllowed

__all__ = ["LinkExpired", "LinkInvalid", "NotAllowed"]


class LinkExpired(DomainError):
    code = "link_expired"
    status = 400
    default_detail = _("This link has expired. Ask for a new one.")


class LinkInvalid(DomainError):
    code = "link_invalid"
    status = 400
    default_detail = _("This link is not valid: it was already used, or it belongs to another account.")
