"""ASGI entry point (daphne): HTTP goes to Django, websockets to consumers behind account resolution."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
django_asgi = get_asgi_application()  # sets Django up before consumers import models

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from tenant_apps.live.middleware import AccountWebsocketMiddleware  # noqa: E402
from tenant_apps.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi,
        "websocket": AccountWebsocketMiddleware(URLRouter(websocket_urlpatterns)),
    }
)
