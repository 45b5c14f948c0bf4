"""Console fixtures: operators in every role (public schema, TOTP device), signed in through the
real sign-in page with a real TOTP code."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test import Client

from tests.support.clients import PASSWORD, totp_code
from tests.support.fixtures import mall  # noqa: F401

PUBLIC_HOST = "atrium.localhost"


__all__ = ["PUBLIC_HOST", "console_login", "make_operator", "totp_code"]


def make_operator(role: str):
    from tenants_shared.console.services import create_operator

    connection.set_schema_to_public()
    return create_operator(
        email=f"{role}-{uuid.uuid4().hex[:8]}@ops.example",
        full_name=f"{role.title()} Operator",
        password=PASSWORD,
        role=role,
    )


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
