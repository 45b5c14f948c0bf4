from django.http import JsonResponse
from django.utils.translation import gettext as _
from kernel.errors import error_body


def unknown_host(request):
    """Any host that is neither the platform nor a ready account: 404, never the public site."""
    return JsonResponse(
        error_body("unknown_host", _("No Atrium account answers at this address.")), status=404
    )
