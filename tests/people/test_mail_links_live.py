"""Password reset end to end: a real daphne answers, a real Celery worker sends the mail."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django_tenants.utils import schema_context

from tenant_apps.people.services import create_person
from tests.support.processes import wait_for
from tests.support.worlds import PASSWORD, provision

pytestmark = pytest.mark.live


def _mails() -> str:
    return "".join(p.read_text() for p in Path(os.environ["ATRIUM_MAIL_DIR"]).glob("*.log"))


def test_reset_mail_is_sent_by_the_worker_and_its_link_works_once(atrium_server, celery_worker):
    made = provision()
    email = f"reset.me@{made.account.slug}.example"
    ghost = f"ghost@{made.account.slug}.example"
    with schema_context(made.account.schema_name):
        create_person(email=email, full_name="Reset Me", password=PASSWORD, validate=False)

    def call(path: str, body: dict):
        return atrium_server.request("post", made.host, f"/api/v1{path}", json=body)

    assert call("/auth/password-reset/", {"email": ghost}).status_code == 202
    assert call("/auth/password-reset/", {"email": email}).status_code == 202
    pattern = re.compile(r"http://\S+/reset-password\?\S+")

    def reset_link():
        mails = _mails()
        return email in mails and pattern.search(mails.split(email, 1)[1])

    link = wait_for(reset_link).group(0)
    assert ghost not in _mails()  # nothing was queued for an unknown e-mail
    query = parse_qs(urlsplit(link).query)
    body = {"uid": query["uid"][0], "token": query["token"][0], "password": "Brand-new-pass-2026"}
    assert call("/auth/password-reset/confirm/", body).status_code == 204
    assert call("/auth/password-reset/confirm/", body).json()["code"] == "link_invalid"
    assert call("/auth/session/", {"email": email, "password": "Brand-new-pass-2026"}).status_code == 200
    assert call("/auth/session/", {"email": email, "password": PASSWORD}).status_code == 401
