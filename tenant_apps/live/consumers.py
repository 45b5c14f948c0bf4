"""Websocket consumers. `/ws/ping/` is the smoke consumer: it proves account and person resolution."""

from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

UNAUTHENTICATED = 4401


class PingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)  # before accept: the handshake is refused (403)
            return
        await self.accept()
        await self.send_json(self._pong())

    async def receive_json(self, content, **kwargs):
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json(self._pong())
        else:
            await self.send_json({"type": "error", "code": "unknown_message"})

    def _pong(self) -> dict:
        return {"type": "pong", "account": self.scope["account"].slug, "user": self.scope["user"].email}
