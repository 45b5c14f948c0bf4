"""ASGI entry point (daphne): HTTP goes to Django, websockets to consumers behind account resolution."""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
django_asgi = get_asgi_application()  # sets Django up before consumers import models

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
