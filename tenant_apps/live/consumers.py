"""Websocket consumers: `/ws/` carries live ticket events (protocol: docs/live.md); `/ws/ping/` is
the smoke consumer that proves account and person resolution."""

from __future__ import annotations

import itertools
import json
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from kernel.errors import InvalidInput

from tenant_apps.desk.filters import LIVE_FILTERS, TicketQuery, matches

from .db import in_account
from .hub import hub_for

UNAUTHENTICATED = 4401
ACCESS_LOST = 4403
TRY_AGAIN = 4503  # the channel layer (Redis) was lost: reconnect and resume (autobahn allows 1000, 3000-4999)
RESUME_LIMIT = 500
PRESENCE_STATES = ("viewing", "typing", "left")


class PingConsumer(AsyncJsonWebsocketConsumer):
    channel_layer_alias = "__none__"  # needs no channel layer

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


@dataclass
class Subscription:
    sid: str
    topic: str
    ticket_id: int | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    view_id: int | None = None
    query: TicketQuery | None = None  # the filters parsed by the desk's spec (desk/filters.py)

    @property
    def needs_db(self) -> bool:
        """A saved view using filters the payload cannot answer is checked in the database."""
        return self.query is not None and not self.query.live_answerable

    def describe(self) -> dict:
        out: dict[str, Any] = {"sub": self.sid, "topic": self.topic}
        if self.ticket_id is not None:
            out["id"] = self.ticket_id
        if self.view_id is not None:
            out["id"] = self.view_id
        if self.topic == "queue":
            out["filters"] = self.filters
        return out


def previous_state(event: dict) -> dict:
    """The ticket's queue-relevant fields as they were before this event (from its recorded changes)."""
    ticket = dict(event["ticket"])
    data = event.get("data") or {}
    changes = data.get("changes") or {}
    if "status" in changes:
        ticket["status"] = changes["status"][0]
        ticket["category"] = data.get("from_category", ticket["category"])
    for name in ("group", "assignee"):
        if name in changes:
            old = changes[name][0]
            ticket[name] = old.get("id") if isinstance(old, dict) else old
    if "priority" in changes:
        ticket["priority"] = changes["priority"][0]
    return ticket


class DeskConsumer(AsyncJsonWebsocketConsumer):
    """Live ticket events for the topics a client subscribes to, filtered by what its person may see.

    A socket has no channel-layer channel of its own (no per-socket Redis reader): the process's
    hub (hub.py) receives each group message once and calls `hub_event` / `access_changed`.
    """

    channel_layer_alias = "__none__"

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        self.account = self.scope["account"]
        self.schema = self.account.schema_name
        self.user = user
        self.subs: dict[str, Subscription] = {}
        self.counter = itertools.count(1)
        self.groups_joined: list[str] = []
        self.last_sent = 0
        # A socket can sit in several audience groups (a key user's own and their company's), so
        # one event may arrive more than once: remember the last ids delivered.
        self.recent_order: deque[int] = deque()
        self.recent_ids: set[int] = set()
        self.buffer: list[dict] | None = None
        self.group_ids = await in_account(self.account, self._group_ids)
        self._is_agent = await in_account(self.account, self._agent)
        self.socket_id = uuid.uuid4().hex[:12]
        await self._join(await in_account(self.account, self._audience))
        await self.accept()
        last = await in_account(self.account, self._last_event_id)
        await self.send_json(
            {
                "type": "hello",
                "account": self.account.slug,
                "last_event_id": last,
                "user": {"id": user.pk, "name": user.full_name, "role": user.role},
            }
        )

    async def disconnect(self, code):
        if getattr(self, "groups_joined", None):
            await hub_for(self.schema).leave(self, self.groups_joined)

    # ------------------------------------------------------------------ audience
    def _group_ids(self) -> frozenset[int]:
        from tenant_apps.permissions import group_ids

        self.user.__dict__.pop("_atrium_group_ids", None)
        return group_ids(self.user)

    def _agent(self) -> bool:
        from tenant_apps.permissions import is_agent

        return is_agent(self.user)

    def _audience(self) -> list[str]:
        from tenant_apps.people.models import Role
        from tenant_apps.permissions import is_agent

        from .publisher import agents_group, company_group, person_group

        groups = [person_group(self.schema, self.user.pk)]
        if is_agent(self.user):
            groups.append(agents_group(self.schema))
        elif self.user.role == Role.KEY_USER and self.user.company_id:
            groups.append(company_group(self.schema, self.user.company_id))
        return groups

    async def _join(self, groups: list[str]) -> None:
        """Audience groups are joined through the process's hub, never per socket."""
        hub = hub_for(self.schema)
        await hub.leave(self, [g for g in self.groups_joined if g not in groups])
        await hub.join(self, [g for g in groups if g not in self.groups_joined])
        self.groups_joined = list(groups)

    @staticmethod
    def _last_event_id() -> int:
        from tenant_apps.desk.selectors import last_event_id

        return last_event_id()

    # ------------------------------------------------------------------ client messages
    async def receive_json(self, content, **kwargs):
        if not isinstance(content, dict):
            return await self._error("bad_message", "Send JSON objects.")
        # a client's `ref` comes back on the direct answer to its message (subscribed, an error)
        ref = content.get("ref")
        self.reply_ref = {"ref": ref} if isinstance(ref, (str, int)) and len(str(ref)) <= 64 else {}
        kind = content.get("type")
        if kind == "subscribe":
            return await self._subscribe(content)
        if kind == "unsubscribe":
            self.subs.pop(str(content.get("sub")), None)
            return await self.send_json({"type": "unsubscribed", "sub": str(content.get("sub"))})
        if kind == "resume":
            return await self._resume(content.get("since"))
        if kind == "ping":
            return await self.send_json({"type": "pong"})
        if kind == "presence":
            return await self._presence(content)
        return await self._error("unknown_message", "Unknown message type.")

    async def _error(self, code: str, detail: str, **extra) -> None:
        await self.send_json(
            {"type": "error", "code": code, "detail": detail, **extra, **getattr(self, "reply_ref", {})}
        )

    async def _subscribe(self, content: dict) -> None:
        topic = content.get("topic")
        sid = f"s{next(self.counter)}"
        if topic == "ticket":
            ticket_id = content.get("id")
            if not isinstance(ticket_id, int) or not await in_account(
                self.account, self._may_see_ticket, ticket_id
            ):
                return await self._error("not_found", "No such ticket.", topic=topic)
            sub = Subscription(sid, topic, ticket_id=ticket_id)
        elif topic == "mine":
            sub = Subscription(sid, topic)
        elif topic == "queue":
            filters = content.get("filters") or {}
            unknown = set(filters) - LIVE_FILTERS if isinstance(filters, dict) else {"filters"}
            if unknown:
                return await self._error(
                    "unsupported_filter",
                    "Live queues filter on: "
                    + ", ".join(sorted(LIVE_FILTERS))
                    + "; use a saved view for others.",
                    fields=sorted(unknown),
                )
            query = self._parse(filters)  # live filters need no database (`mine`: the socket's groups)
            if not isinstance(query, TicketQuery):
                return await self._error(
                    "unsupported_filter", "Some filter values are not valid.", fields=query
                )
            sub = Subscription(sid, topic, filters=filters, query=query)
        elif topic == "view":
            found = await in_account(self.account, self._saved_view_filters, content.get("id"))
            if found is None:
                return await self._error("not_found", "No such saved view.", topic=topic)
            query = await in_account(self.account, self._parse, found)
            if not isinstance(query, TicketQuery):
                return await self._error(
                    "unsupported_filter", "The saved view's filters are not valid.", fields=query
                )
            sub = Subscription(sid, topic, view_id=content["id"], filters=found, query=query)
        else:
            return await self._error("unknown_topic", "Topics: ticket, mine, queue, view.")
        self.subs[sid] = sub
        await self.send_json({"type": "subscribed", **sub.describe(), **self.reply_ref})

    # ------------------------------------------------------------------ presence
    async def _presence(self, content: dict) -> None:
        """An agent who holds a ticket subscription says they view it, type a reply, or left it;
        the other agents' sockets subscribed to that ticket hear it (requesters never do)."""
        ticket_id, state = content.get("ticket"), content.get("state")
        if state not in PRESENCE_STATES or not isinstance(ticket_id, int):
            return await self._error("bad_message", "Presence needs `ticket` (an id) and `state`.")
        if not self._is_agent or not any(
            sub.topic == "ticket" and sub.ticket_id == ticket_id for sub in self.subs.values()
        ):
            return await self._error("not_found", "Subscribe to the ticket first.", topic="ticket")
        from .publisher import agents_group

        presence = {
            "ticket": ticket_id,
            "state": state,
            "person": {"id": self.user.pk, "name": self.user.full_name},
            "socket": self.socket_id,
        }
        await hub_for(self.schema).send_presence(agents_group(self.schema), presence)

    async def presence_heard(self, presence: dict) -> None:
        if presence["socket"] == self.socket_id or not self._is_agent:
            return
        if any(sub.topic == "ticket" and sub.ticket_id == presence["ticket"] for sub in self.subs.values()):
            await self.send_json({"type": "presence", **presence})

    def _may_see_ticket(self, ticket_id: int) -> bool:
        from tenant_apps.desk.selectors import ticket_for

        return ticket_for(self.user, ticket_id) is not None

    def _saved_view_filters(self, view_id: Any) -> dict | None:
        from tenant_apps.desk.selectors import saved_view_for

        if not isinstance(view_id, int):
            return None
        view = saved_view_for(self.user, view_id)
        return dict(view.filters or {}) if view is not None else None

    def _parse(self, filters: dict) -> TicketQuery | list[str]:
        """The desk's spec parses live and saved-view filters as the list API does; the names of
        the filters whose values it refuses otherwise."""
        from tenant_apps.desk.filters import parse

        try:
            return parse(filters, me=self.user.pk, my_groups=lambda: self.group_ids)
        except InvalidInput as error:
            return sorted((error.fields or {}).keys()) or ["filters"]

    # ------------------------------------------------------------------ matching
    def _matching(self, event: dict) -> list[Subscription]:
        ticket = event["ticket"]
        before = previous_state(event)
        out = []
        for sub in self.subs.values():
            if sub.topic == "ticket":
                ok = ticket["id"] == sub.ticket_id
            elif sub.topic == "mine":
                ok = self.user.pk in (ticket["assignee"], ticket["requester"], before["assignee"])
            elif sub.needs_db:
                ok = True  # decided in the database below
            else:
                # matches now, or matched before this change (it just left the queue: the client
                # must hear of it to drop the row)
                ok = matches(ticket, sub.query) or (before != ticket and matches(before, sub.query))
            if ok:
                out.append(sub)
        return out

    def _in_saved_view(self, query: TicketQuery, ticket_id: int) -> bool:
        from tenant_apps.desk.selectors import ticket_matches

        return ticket_matches(self.user, query, ticket_id)

    async def _deliver(self, event: dict, encoded: str | None = None) -> None:
        if event["id"] <= self.last_sent or event["id"] in self.recent_ids:
            return  # already delivered (by a resume, or through another of this socket's groups)
        subs = self._matching(event)
        if not subs:
            return
        self._remember(event["id"])
        checked = []
        for sub in subs:
            if sub.needs_db and not await in_account(
                self.account, self._in_saved_view, sub.query, event["ticket"]["id"]
            ):
                continue
            checked.append(sub.sid)
        if checked:
            encoded = encoded or json.dumps(event, separators=(",", ":"))
            # the event is encoded once per process (hub.py); only the subscription ids differ per socket
            await self.send(text_data=f'{{"type":"event","subs":{json.dumps(checked)},"event":{encoded}}}')

    def _remember(self, event_id: int) -> None:
        self.recent_ids.add(event_id)
        self.recent_order.append(event_id)
        if len(self.recent_order) > 1024:
            self.recent_ids.discard(self.recent_order.popleft())

    # ------------------------------------------------------------------ from the process's hub
    async def hub_event(self, event: dict, encoded: str) -> None:
        if self.buffer is not None:
            self.buffer.append(event)
            return
        await self._deliver(event, encoded)

    async def channel_layer_lost(self) -> None:
        """The hub lost the channel layer: live events may be missing from now on, so the client is
        told to come back and resume (it already left its groups)."""
        self.groups_joined = []
        await self.close(code=TRY_AGAIN)

    async def access_changed(self, message: dict) -> None:
        """Blocked, expired, role or company changed: close, or shrink to what the person may see now."""
        user = await in_account(self.account, self._reload_user)
        if user is None:
            await self.close(code=ACCESS_LOST)
            return
        self.user = user
        self.group_ids = await in_account(self.account, self._group_ids)
        self._is_agent = await in_account(self.account, self._agent)
        await self._join(await in_account(self.account, self._audience))
        for sid, sub in list(self.subs.items()):
            still = True
            if sub.topic == "ticket":
                still = await in_account(self.account, self._may_see_ticket, sub.ticket_id)
            elif sub.topic == "view":
                still = await in_account(self.account, self._saved_view_filters, sub.view_id) is not None
            if still and sub.query is not None:  # `me`, `mine` and the groups behind it, again
                query = await in_account(self.account, self._parse, sub.filters)
                still = isinstance(query, TicketQuery)
                if still:
                    sub.query = query
            if not still:
                del self.subs[sid]
                await self.send_json({"type": "unsubscribed", "sub": sid, "reason": "access_changed"})

    def _reload_user(self):
        """The socket's person, authenticated again with the credential it opened with (session
        cookie or token): None once that session ended (password changed, blocked, signed out) or
        the token was revoked, or the person may no longer sign in (blocked, access expired)."""
        from .middleware import _person_from_headers

        user = _person_from_headers(dict(self.scope.get("headers") or []))
        return user if user.is_authenticated and user.pk == self.user.pk else None

    # ------------------------------------------------------------------ resume
    async def _resume(self, since: Any) -> None:
        if not isinstance(since, int) or since < 0:
            return await self._error("bad_resume", "Send the last event id you saw as `since`.")
        self.buffer = []
        try:
            events, truncated = await in_account(self.account, self._missed, since)
            for event in events:
                await self._deliver(event)
                self.last_sent = max(self.last_sent, event["id"])
            if truncated:
                await self.send_json({"type": "refetch", "reason": "too_many_missed", "limit": RESUME_LIMIT})
                self.last_sent = max(self.last_sent, await in_account(self.account, self._last_event_id))
            self.last_sent = max(self.last_sent, since)
            await self.send_json(
                {"type": "resumed", "since": since, "replayed": len(events), "last_event_id": self.last_sent}
            )
        finally:
            buffered, self.buffer = sorted(self.buffer or [], key=lambda e: e["id"]), None
            for event in buffered:
                await self._deliver(event)

    def _missed(self, since: int) -> tuple[list[dict], bool]:
        from tenant_apps.desk.selectors import events_since

        from .publisher import event_payload

        rows = list(events_since(self.user, since)[: RESUME_LIMIT + 1])
        return [event_payload(e) for e in rows[:RESUME_LIMIT]], len(rows) > RESUME_LIMIT
