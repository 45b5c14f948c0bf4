"""Security headers and the Content Security Policy on every host, secure cookies in production,
and `manage.py check --deploy` clean with the settings a production deploy sets."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test import Client

from tests.support.processes import ROOT, test_database_url
from tests.support.worlds import PASSWORD

pytestmark = pytest.mark.django_db


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.fixture
def account(make_account):
    return make_account()


def test_the_web_app_page_carries_a_strict_script_policy_and_the_security_headers(account):
    page = Client().get("/app/", HTTP_HOST=account.host)
    policy = directives(page)
    assert policy["script-src"] == ["'self'"]  # no inline script, no eval, no other origin
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"]
    assert f"ws://{account.host}" in policy["connect-src"]  # the live websocket of this host
    assert page["X-Frame-Options"] == "DENY"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "geolocation=()" in page["Permissions-Policy"] and "camera=(self)" in page["Permissions-Policy"]


def test_api_answers_are_not_stored_by_browsers_or_proxies(account):
    answer = Client().get("/api/v1/me/", HTTP_HOST=account.host)
    assert answer["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in answer


def test_the_console_and_the_api_docs_need_no_other_origin(db, settings):
    console = Client().get("/console/login/", HTTP_HOST=settings.PLATFORM_DOMAIN)
    assert console.status_code == 200
    assert directives(console)["script-src"] == ["'self'"]
    assert "form-action" not in directives(console)  # its handoff form posts to an account's host
    docs = Client().get("/api/docs/", HTTP_HOST=settings.PLATFORM_DOMAIN)
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn.jsdelivr.net" not in html and "/static/drf_spectacular_sidecar/" in html
    assert "<script>" not in html  # the split view: its init script is a separate file


def test_session_and_csrf_cookies_are_secure_in_production(account, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    client = Client()
    signed_in = client.post(
        "/api/v1/auth/session/",
        {"email": account.admin.email, "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST=account.host,
    )
    cookie = signed_in.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    csrf = client.get("/app/", HTTP_HOST=account.host).cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.inline.append(f"<script {attrs}>")
        self.inline += [f"{tag} {name}=" for name in names if name.startswith("on")]


@pytest.mark.parametrize("entry", ["app", "portal"])
def test_the_built_web_app_has_no_inline_script(entry):
    """The policy forbids inline script; a build that brings one would be a blank page."""
    page = ROOT / "frontend" / "dist" / entry / "index.html"
    if not page.exists():
        pytest.fail("the web app is not built: ./dev test builds it (or ./dev frontend)")
    parser = _Scripts()
    parser.feed(page.read_text())
    assert parser.inline == []


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECURE_COOKIES": "1",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "ATRIUM_TRUSTED_PROXIES": "10.0.0.0/8",
    "DJANGO_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
    "ATRIUM_DOMAIN": "desk.example.com",
}


def check_deploy(**overrides) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **PRODUCTION,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DATABASE_URL": test_database_url(),
        **overrides,
    }
    env.pop("ATRIUM_FAST_PASSWORD_HASHING", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set in this process by the browser fixture, if it ran
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    connection.ensure_connection()
    result = check_deploy()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_when_forwarded_headers_have_no_trusted_proxy():
    result = check_deploy(ATRIUM_TRUSTED_PROXIES="")
    assert result.returncode != 0
    assert re.search(r"atrium\.W001", result.stdout + result.stderr)
