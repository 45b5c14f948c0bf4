"""Russian and English ship: messages follow Accept-Language, else the account's language."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_error_messages_in_russian_and_english(make_account):
    ru_account = make_account(language="ru")
    body = {"email": "nobody@example.com", "password": "whatever-123"}
    english = Client().post(
        "/api/v1/auth/session/",
        body,
        content_type="application/json",
        HTTP_HOST=ru_account.host,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    russian = Client().post(
        "/api/v1/auth/session/",
        body,
        content_type="application/json",
        HTTP_HOST=ru_account.host,
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    account_default = Client().post(
        "/api/v1/auth/session/", body, content_type="application/json", HTTP_HOST=ru_account.host
    )
    assert english.json()["detail"] == "The e-mail or password is not correct."
    assert russian.json()["detail"] == "Неверная эл. почта или пароль."
    assert account_default.json()["detail"] == russian.json()["detail"]


def test_every_shipped_message_is_translated_to_russian():
    from pathlib import Path

    from babel.messages.pofile import read_po

    catalog = read_po((Path(__file__).resolve().parents[2] / "locale/ru/LC_MESSAGES/django.po").open("rb"))
    missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert missing == []
