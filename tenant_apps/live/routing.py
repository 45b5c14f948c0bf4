from django.urls import path

from .consumers import DeskConsumer, PingConsumer

websocket_urlpatterns = [
    path("ws/", DeskConsumer.as_asgi()),
    path("ws/ping/", PingConsumer.as_asgi()),
]
