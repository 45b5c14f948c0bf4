"""A small local Stripe for tests and offline development: a threaded HTTP server that answers the
endpoints Atrium calls with objects in Stripe's own formats, remembers every request (with its
Idempotency-Key) and replays the stored answer for a repeated key, as Stripe does. It also plays
Stripe's side of the story (a customer pays in Checkout, a payment fails...) and produces the
webhook events, signed with Stripe's real scheme (t=<unix time>,v1=HMAC-SHA256 of "<t>.<body>").

Point the client at it with settings.STRIPE_API_BASE = fake.base.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import stripe

API_VERSION = stripe.api_version


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def decode_form(body: str) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part, nxt in zip(parts, parts[1:] + [None], strict=True):
            if nxt is None:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
    return node


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    idempotency_key: str | None
    replayed: bool = False


@dataclass
class FakeStripe:
    webhook_secret: str = field(default_factory=lambda: "whsec_" + secrets.token_hex(16))
    requests: list[Recorded] = field(default_factory=list)
    objects: dict[str, dict] = field(default_factory=dict)

    def __post_init__(self):
        self._idempotent: dict[str, tuple[int, dict]] = {}
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                fake._serve(self, "GET")

            def do_POST(self):  # noqa: N802
                fake._serve(self, "POST")

            def do_DELETE(self):  # noqa: N802
                fake._serve(self, "DELETE")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def calls(self, method: str, path_prefix: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    # ------------------------------------------------------------------ HTTP
    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = decode_form(body if method == "POST" else url.query)
        key = handler.headers.get("Idempotency-Key")
        auth = handler.headers.get("Authorization", "")
        with self._lock:
            record = Recorded(method, url.path, params, key)
            self.requests.append(record)
            if not auth.startswith("Bearer sk_"):
                status, answer = 401, _error("authentication_error", "Invalid API Key provided.")
            elif key and (method, url.path, key) in self._idempotent:
                status, answer = self._idempotent[(method, url.path, key)]
                record.replayed = True
            else:
                status, answer = self._route(method, url.path, params)
                if key and method == "POST":
                    self._idempotent[(method, url.path, key)] = (status, answer)
        payload = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.send_header("Request-Id", _id("req"))
        if record.replayed:
            handler.send_header("Idempotent-Replayed", "true")
        handler.end_headers()
        handler.wfile.write(payload)

    def _route(self, method: str, path: str, params: dict) -> tuple[int, dict]:
        routes = [
            ("POST", r"/v1/customers", self._create_customer),
            ("POST", r"/v1/checkout/sessions", self._create_checkout_session),
            ("POST", r"/v1/billing_portal/sessions", self._create_portal_session),
            ("GET", r"/v1/(customers|subscriptions|checkout/sessions)/(?P<id>[\w]+)", self._retrieve),
            ("POST", r"/v1/subscription_items/(?P<id>\w+)", self._update_subscription_item),
        ]
        for verb, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return view(params, **{k: v for k, v in match.groupdict().items() if k == "id"})
        return 404, _error("invalid_request_error", f"Unrecognized request URL ({method}: {path}).")

    # ------------------------------------------------------------------ API objects
    def _store(self, obj: dict) -> dict:
        self.objects[obj["id"]] = obj
        return obj

    def _retrieve(self, params: dict, id: str) -> tuple[int, dict]:  # noqa: A002
        obj = self.objects.get(id)
        if obj is None:
            return 404, _error("invalid_request_error", f"No such object: '{id}'", code="resource_missing")
        return 200, _public(obj)

    def _create_customer(self, params: dict) -> tuple[int, dict]:
        return 200, self._store(
            {
                "id": _id("cus"),
                "object": "customer",
                "created": int(time.time()),
                "email": params.get("email"),
                "name": params.get("name"),
                "metadata": params.get("metadata", {}),
                "livemode": False,
                "invoice_settings": {"default_payment_method": None},
            }
        )

    def _create_checkout_session(self, params: dict) -> tuple[int, dict]:
        for name in ("mode", "success_url", "line_items"):
            if name not in params:
                return 400, _error("invalid_request_error", f"Missing required param: {name}.", param=name)
        if params.get("customer") and params["customer"] not in self.objects:
            return 400, _error("invalid_request_error", "No such customer", param="customer")
        session_id = "cs_test_" + secrets.token_hex(16)
        return 200, self._store(
            {
                "id": session_id,
                "object": "checkout.session",
                "mode": params["mode"],
                "customer": params.get("customer"),
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}),
                "status": "open",
                "payment_status": "unpaid",
                "subscription": None,
                "success_url": params["success_url"],
                "cancel_url": params.get("cancel_url"),
                "url": f"https://checkout.stripe.com/c/pay/{session_id}",
                "created": int(time.time()),
                "expires_at": int(time.time()) + 86400,
                "livemode": False,
                # kept for complete_checkout (Stripe shows them at /line_items)
                "_line_items": params["line_items"],
                "_subscription_data": params.get("subscription_data", {}),
            }
        )

    def _create_portal_session(self, params: dict) -> tuple[int, dict]:
        if params.get("customer") not in self.objects:
            return 400, _error("invalid_request_error", "No such customer", param="customer")
        return 200, self._store(
            {
                "id": _id("bps"),
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params.get("return_url"),
                "url": f"https://billing.stripe.com/p/session/test_{secrets.token_hex(12)}",
                "created": int(time.time()),
                "livemode": False,
            }
        )

    def _update_subscription_item(self, params: dict, id: str) -> tuple[int, dict]:  # noqa: A002
        for sub in self.objects.values():
            if sub.get("object") != "subscription":
                continue
            for item in sub["items"]["data"]:
                if item["id"] == id:
                    if "quantity" in params:
                        item["quantity"] = int(params["quantity"])
                    return 200, item
        return 404, _error(
            "invalid_request_error", f"No such subscription item: '{id}'", code="resource_missing"
        )

    # ------------------------------------------------------------------ Stripe's side of the story
    def complete_checkout(self, session_id: str, *, status: str = "active") -> list[dict]:
        """The customer pays: the session completes and a subscription exists. Returns the events
        Stripe sends (checkout.session.completed, customer.subscription.created)."""
        session = self.objects[session_id]
        line = session["_line_items"][0]
        now = int(time.time())
        sub_id = _id("sub")
        subscription = self._store(
            {
                "id": sub_id,
                "object": "subscription",
                "customer": session["customer"],
                "status": status,
                "metadata": session["_subscription_data"].get("metadata", {}),
                "items": {
                    "object": "list",
                    "data": [
                        {
                            "id": _id("si"),
                            "object": "subscription_item",
                            "price": {
                                "id": line["price"],
                                "object": "price",
                                "currency": "eur",
                                "recurring": {"interval": "month", "interval_count": 1},
                            },
                            "quantity": int(line.get("quantity", 1)),
                            "subscription": sub_id,
                            "created": now,
                            "current_period_start": now,
                            "current_period_end": now + 30 * 86400,
                        }
                    ],
                    "has_more": False,
                    "url": f"/v1/subscription_items?subscription={sub_id}",
                },
                "cancel_at_period_end": False,
                "created": now,
                "start_date": now,
                "trial_end": None,
                "latest_invoice": _id("in"),
                "livemode": False,
            }
        )
        session.update(status="complete", payment_status="paid", subscription=sub_id)
        return [
            self.event("checkout.session.completed", _public(session)),
            self.event("customer.subscription.created", subscription),
        ]

    def subscription(self, sub_id: str) -> dict:
        return self.objects[sub_id]

    def invoice(self, sub_id: str, *, paid: bool) -> dict:
        sub = self.objects[sub_id]
        return {
            "id": _id("in"),
            "object": "invoice",
            "customer": sub["customer"],
            "status": "paid" if paid else "open",
            "attempt_count": 1,
            "amount_due": 2500 * sub["items"]["data"][0]["quantity"],
            "currency": "eur",
            "parent": {
                "type": "subscription_details",
                "subscription_details": {"subscription": sub_id, "metadata": sub["metadata"]},
            },
            "created": int(time.time()),
            "livemode": False,
        }

    def event(self, type: str, obj: dict, *, created: int | None = None) -> dict:  # noqa: A002
        return {
            "id": _id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": created if created is not None else int(time.time()),
            "data": {"object": json.loads(json.dumps(obj))},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type,
        }

    def sign(self, payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
        return stripe.WebhookSignature.generate_signature_header(
            payload, secret or self.webhook_secret, timestamp=timestamp
        )


def _public(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if not k.startswith("_")}


def _error(type_: str, message: str, *, code: str | None = None, param: str | None = None) -> dict:
    error = {"type": type_, "message": message}
    if code:
        error["code"] = code
    if param:
        error["param"] = param
    return {"error": error}
