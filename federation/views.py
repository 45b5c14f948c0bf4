"""The federation endpoints of the public host: the signed inbox and partners' file links."""

from __future__ import annotations

import logging

from django.http import FileResponse, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from kernel.errors import DomainError, error_body

from . import files, protocol, remote
from . import inbox as inbox_service

log = logging.getLogger("atrium.federation")
MAX_BODY = 30 * 1024 * 1024  # an inline attachment is at most FEDERATION_INLINE_MAX_BYTES, base64


@csrf_exempt
@require_POST
def inbox(request):
    """POST a signed envelope (docs/federation.md). 200 {"result": "accepted"|"duplicate"}; a
    refusal answers 4xx {"code", "detail"} and records nothing."""
    if len(request.body) > MAX_BODY:
        return JsonResponse(error_body("too_large", "The message is too large."), status=413)
    try:
        result = inbox_service.receive(request.body, dict(request.headers))
    except protocol.Refused as exc:
        log.warning("federation: refused a message from %s: %s", request.META.get("REMOTE_ADDR"), exc)
        return JsonResponse(error_body(exc.code, exc.detail), status=exc.status)
    return JsonResponse(result)


@csrf_exempt
@require_POST
def handshake(request):
    """POST an invitation code's handshake from another deployment (docs/federation.md, "Across
    deployments"). 201 with the signed answer; a refusal answers 4xx {"code", "detail"} and
    writes nothing."""
    if len(request.body) > remote.MAX_HANDSHAKE_BODY:
        return JsonResponse(error_body("too_large", "The handshake is too large."), status=413)
    try:
        answer, headers = remote.receive_handshake(request.body, dict(request.headers))
    except protocol.Refused as exc:
        log.warning("federation: refused a handshake from %s: %s", request.META.get("REMOTE_ADDR"), exc)
        return JsonResponse(error_body(exc.code, exc.detail), status=exc.status)
    response = HttpResponse(answer, status=201, content_type="application/json")
    for name, value in headers.items():
        if name != "Content-Type":
            response[name] = value
    return response


@require_GET
def shared_file(request, token: str):
    try:
        attachment, content = files.read_shared_file(token)
    except DomainError as exc:
        return JsonResponse(error_body(exc.code, exc.detail), status=exc.status)
    import io

    return FileResponse(io.BytesIO(content), content_type=attachment.content_type, filename=attachment.name)
