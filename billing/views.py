"""The Stripe webhook endpoint on the public host: a plain view, so the signature is checked on the
raw body exactly as Stripe sent it."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from kernel.errors import error_body

from . import stripe_client, webhooks


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = stripe_client.verified_event(request.body, request.headers.get("Stripe-Signature"))
    except stripe_client.BillingNotConfigured as exc:
        return JsonResponse(error_body(exc.code, exc.detail), status=exc.status)
    except ValueError:
        return JsonResponse(
            error_body("bad_signature", _("The Stripe-Signature header does not match the body.")),
            status=400,
        )
    try:
        stored, processed = webhooks.receive_event(event)
    except Exception:
        # stored with its error; Stripe delivers it again and the retry processes it
        return JsonResponse(
            error_body("webhook_failed", _("The event was stored but could not be processed yet.")),
            status=500,
        )
    return HttpResponse(status=200, content=b"processed" if processed else b"duplicate")
