"""ASGI entry point (daphne or uvicorn): HTTP goes to Django, websockets to consumers behind
account resolution."""

import gc
import os

import django
from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler with the middleware chain and the view run in one call in the
    request's thread: one crossing from the event loop into sync code per request.

    Django's own handler builds an async chain; a sync-only middleware in it (ours read the
    database and Redis, so they are sync) makes Django cross into a thread before it and back to
    the event loop after it, and the (sync) DRF view crosses again: three crossings per request,
    each a thread hand-over of ~0.1-1 ms on a busy machine (bench/README.md, "Per-request floor").
    Here the chain is built in sync mode (Django's async-capable middlewares run their sync path,
    an async view would be run by async_to_sync) and called once through sync_to_async, in the
    request's thread-sensitive context, as Django calls a sync view. Reading the body, sending
    the answer, streaming and disconnects stay Django's.

    `ATRIUM_ASGI_ONE_HOP=0` gives Django's default handler back (the bench measures both).
    """

    def load_middleware(self, is_async=False):
        super().load_middleware(is_async=False)

    async def get_response_async(self, request):
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)


def _http_application():
    django.setup(set_prefix=False)
    if os.environ.get("ATRIUM_ASGI_ONE_HOP", "1") == "0":
        return ASGIHandler()
    return OneHopASGIHandler()


django_asgi = _http_application()  # sets Django up before consumers import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from tenant_apps.live.middleware import AccountWebsocketMiddleware  # noqa: E402
from tenant_apps.live.routing import websocket_urlpatterns  # noqa: E402


def _enable_tcp_nodelay() -> None:
    """Live frames are small and often come in twos and threes (created + routed, status +
    assignment). With Nagle's algorithm on, the second waits for the client's delayed ACK
    (40-200 ms on Linux); daphne has no option for TCP_NODELAY, so every connection Twisted accepts
    in this process gets it (bench/live.py shows the difference)."""
    try:
        from twisted.internet import tcp
    except ImportError:  # not served by daphne
        return
    original = tcp.Server.__init__
    if getattr(original, "atrium_nodelay", False):
        return

    def accept_without_nagle(self, *args, **kwargs):
        original(self, *args, **kwargs)
        try:
            self.setTcpNoDelay(True)
        except OSError:
            pass

    accept_without_nagle.atrium_nodelay = True
    tcp.Server.__init__ = accept_without_nagle


_enable_tcp_nodelay()


def _leave_bodies_to_django() -> None:
    """Twisted parses every POST form or multipart body into `request.args` before daphne sees it
    (daphne never reads them), and answers a body it cannot parse with a bare 400 of its own, no
    content type and no request id, before Django can answer it in the API's error shape. Turn that
    parsing off: Django reads the body (once, not twice for a 20 MB upload) and answers errors."""
    try:
        from daphne.http_protocol import WebRequest
    except ImportError:  # not served by daphne
        return
    original = WebRequest.__init__
    if getattr(original, "atrium_bodies", False):
        return

    def without_form_parsing(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._parsePOSTFormSubmission = False

    without_form_parsing.atrium_bodies = True
    WebRequest.__init__ = without_form_parsing


_leave_bodies_to_django()

# Everything loaded so far lives as long as the process: move it out of the collector's way, so
# the periodic full collections (while serving thousands of sockets) do not rescan it each time.
gc.collect()
gc.freeze()

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": AccountWebsocketMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
