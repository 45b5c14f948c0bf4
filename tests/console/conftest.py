"""Console fixtures: operators in every role (public schema, TOTP device), signed in through the
real sign-in page with a real TOTP code."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.support.clients import PASSWORD, totp_code
from tests.support.fixtures import mall  # noqa: F401
from tests.support.worlds import make_operator

PUBLIC_HOST = "atrium.localhost"


__all__ = ["PUBLIC_HOST", "console_login", "make_operator", "totp_code"]


def console_login(made, code: str | None = None) -> tuple[Client, object]:
    client = Client()
    response = client.post(
        "/console/login/",
        {"email": made.user.email, "password": PASSWORD, "code": code or totp_code(made.device)},
        HTTP_HOST=PUBLIC_HOST,
    )
    return client, response


@pytest.fixture
def operator(db):
    """operator(role) -> (signed-in client, NewOperator)."""

    def sign_in(role: str):
        made = make_operator(role)
        client, response = console_login(made)
        assert response.status_code == 302 and response["Location"] == "/console/", response.content
        return client, made

    return sign_in
