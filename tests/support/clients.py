"""Clients: a signed-in Django test client, the live server's HTTP and websocket client, TOTP codes."""

from __future__ import annotations

import socket

import requests
from django.test import Client

PASSWORD = "Correct-Horse-42-battery"


def signed_in_client(host: str, email: str, password: str = PASSWORD) -> Client:
    """A Django test client holding a session of that person on that account's host."""
    client = Client()
    response = client.post(
        "/api/v1/auth/session/",
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert response.status_code == 200, response.content
    return client


def api_call(client: Client, host: str, method: str, path: str, data=None, **extra):
    """`client.<method>("/api/v1<path>")` on the account's host; JSON for a body."""
    kwargs = {"HTTP_HOST": host, **extra}
    if data is not None and method in ("post", "patch", "put"):
        kwargs.setdefault("content_type", "application/json")
    call = getattr(client, method)
    return call(f"/api/v1{path}", data, **kwargs) if data is not None else call(f"/api/v1{path}", **kwargs)


class LiveServer:
    """HTTP and websocket client of a live daphne on loopback, with the account's Host."""

    def __init__(self, port: int):
        self.port = port
        self.base = f"http://127.0.0.1:{port}"

    def request(self, method: str, host: str, path: str, **kwargs) -> requests.Response:
        headers = {"Host": host, **kwargs.pop("headers", {})}
        return requests.request(method, self.base + path, headers=headers, timeout=10, **kwargs)

    def ws_connect(self, host: str, path: str, headers: dict | None = None):
        from websockets.sync.client import connect

        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return connect(
            f"ws://{host}:{self.port}{path}", sock=sock, additional_headers=headers or {}, open_timeout=10
        )

    def ws_refusal(self, host: str, path: str, headers: dict | None = None) -> int:
        """The HTTP status with which the server refuses a websocket handshake (fails if it accepts)."""
        from websockets.exceptions import InvalidStatus

        try:
            ws = self.ws_connect(host, path, headers)
        except InvalidStatus as refused:
            return refused.response.status_code
        ws.close()
        raise AssertionError(f"the websocket handshake on {host}{path} was accepted")


def totp_code(device, offset: int = 0) -> str:
    """The TOTP code of an OTP device now (or `offset` steps away)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time += offset * device.step
    return f"{totp.token():0{device.digits}d}"


def redeem_handoff(host: str, token: str, client: Client | None = None):
    """Redeem an operator's impersonation handoff on the account's host: (client, answer)."""
    client = client or Client()
    response = client.post(
        "/api/v1/auth/impersonation/", {"token": token}, content_type="application/json", HTTP_HOST=host
    )
    return client, response
