"""One channel-layer reader per process and account, fanning events out to the local sockets.

Without it every socket is its own channel-layer member, so each event wakes every agent socket
of the account through the layer (a Redis round trip and several asyncio tasks per socket) and a
process saturates at a few events a second with a thousand agents (bench/live.py). With it, the
process joins each audience group once, receives each message once, encodes the event once, and
calls only the sockets that belong to the group, which then match their own subscriptions.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import defaultdict
from typing import Any

from channels.layers import get_channel_layer

log = logging.getLogger(__name__)


class AccountHub:
    def __init__(self, schema: str):
        self.schema = schema
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.reader: asyncio.Task | None = None
        self.members: dict[str, set[Any]] = defaultdict(set)

    async def join(self, consumer: Any, groups: list[str]) -> None:
        if self.channel is None:
            # the default prefix: channels-redis reads all of a process's channels through one loop
            self.channel = await self.layer.new_channel()
            self.reader = asyncio.get_running_loop().create_task(self._read())
        added = []
        try:
            for group in groups:
                if not self.members[group]:
                    await self.layer.group_add(group, self.channel)
                self.members[group].add(consumer)
                added.append(group)
        except Exception:
            # the channel layer is down: the socket is refused, and holds no group here
            for group in added:
                self.members[group].discard(consumer)
                if not self.members[group]:
                    del self.members[group]
            raise

    async def leave(self, consumer: Any, groups: list[str]) -> None:
        for group in groups:
            members = self.members.get(group)
            if members is None:
                continue
            members.discard(consumer)
            if not members:
                del self.members[group]
                try:
                    await self.layer.group_discard(group, self.channel)
                except Exception:  # noqa: BLE001 - the layer is down; the membership expires there
                    log.warning("live hub %s: could not leave %s", self.schema, group)

    async def _read(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - a broken message must not stop live delivery
                log.exception("live hub %s: receive failed", self.schema)
                await self._layer_lost()
                await asyncio.sleep(0.5)
                continue
            try:
                await self._fan_out(message)
            except Exception:  # noqa: BLE001
                log.exception("live hub %s: fan-out failed", self.schema)

    async def _layer_lost(self) -> None:
        """The channel layer (Redis) failed under the reader: events published meanwhile never
        reach this process. Every socket is closed (4503, try again) so its client reconnects
        once the layer is back and resumes from its last event id, which the event log replays
        (docs/live.md, "Resume"); a socket left open would silently miss those events."""
        consumers = {consumer for members in self.members.values() for consumer in members}
        self.members.clear()  # joined again, in Redis too, by the sockets that reconnect
        for consumer in consumers:
            try:
                await consumer.channel_layer_lost()
            except Exception:  # noqa: BLE001
                log.exception("live hub %s: closing a socket failed", self.schema)

    async def _fan_out(self, message: dict) -> None:
        members = list(self.members.get(message.get("group", ""), ()))
        if not members:
            return
        if message["type"] == "ticket.event":
            event = message["event"]
            encoded = json.dumps(event, separators=(",", ":"))
            for consumer in members:
                await consumer.hub_event(event, encoded)
        elif message["type"] == "access.changed":
            for consumer in members:
                await consumer.access_changed(message)
        elif message["type"] == "ticket.presence":
            for consumer in members:
                await consumer.presence_heard(message["presence"])
        elif message["type"] == "person.notification":  # a person group: that person's sockets only
            for consumer in members:
                await consumer.send_json({"type": "notification", "notification": message["notification"]})

    async def send_presence(self, group: str, presence: dict) -> None:
        """Presence is not a ticket change (nothing is written): it goes straight to the group."""
        await self.layer.group_send(group, {"type": "ticket.presence", "group": group, "presence": presence})


_hubs: dict[str, AccountHub] = {}


def hub_for(schema: str) -> AccountHub:
    hub = _hubs.get(schema)
    if hub is None:
        hub = _hubs[schema] = AccountHub(schema)
    return hub
