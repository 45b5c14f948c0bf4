"""End-to-end helpers (the `browser` and `web` fixtures live in tests/conftest.py, so every area that
drives the browser shares one Playwright for the whole session): Debian's chromium driven by Playwright (never a downloaded browser) against
the real daphne and Celery worker of the live tests, serving the built web app.

One browser for the session; each test gets fresh browser contexts (a person each). A failing
test leaves a screenshot of every page it opened under test-results/e2e/ (not committed).
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.conftest import PASSWORD, ROOT, wait_for

ARTIFACTS = ROOT / "test-results" / "e2e"
AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORTS = {
    "laptop": (1366, 768),
    "tablet": (1024, 768),
    "tablet_portrait": (768, 1024),
    "phone": (390, 844),
}


def chromium_path() -> str:
    found = os.environ.get("ATRIUM_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(found).exists():
        pytest.fail("Debian's chromium is missing: `apt-get install chromium` (./dev test installs it)")
    return found


class Web:
    """Where the browser goes: the live server's port on an account's own host name
    (`*.localhost` resolves to loopback in Chromium)."""

    def __init__(self, server, browser, request):
        self.server, self.browser, self.request = server, browser, request
        self.contexts = []

    def url(self, host: str, path: str) -> str:
        return f"http://{host}:{self.server.port}{path}"

    def page(self, viewport: str = "laptop", locale: str = "en-US", **options):
        width, height = VIEWPORTS[viewport]
        context = self.browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            timezone_id="Europe/Moscow",
            has_touch=viewport in ("phone", "tablet", "tablet_portrait"),
            **options,
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    def signed_in(self, host: str, email: str, password: str = PASSWORD, path: str = "/app/", **options):
        """A page whose context holds a session of that person (signed in through the API)."""
        page = self.page(**options)
        # signed in over loopback with the account's Host (Playwright's own request context cannot
        # resolve *.localhost names); the browser gets that session's cookie for the host
        response = self.server.request(
            "POST", host, "/api/v1/auth/session/", json={"email": email, "password": password}
        )
        assert response.status_code == 200, response.text
        page.context.add_cookies(
            [
                {"name": name, "value": value, "domain": host, "path": "/"}
                for name, value in response.cookies.items()
            ]
        )
        page.goto(self.url(host, path))
        return page

    def close(self, failed: bool) -> None:
        for index, context in enumerate(self.contexts):
            if failed:
                ARTIFACTS.mkdir(parents=True, exist_ok=True)
                name = re.sub(r"[^\w.-]+", "_", self.request.node.nodeid)
                for number, page in enumerate(context.pages):
                    page.screenshot(path=str(ARTIFACTS / f"{name}-{index}-{number}.png"), full_page=True)
            context.close()


class Api:
    """One person of a test account talking to the live server with an API token."""

    def __init__(self, server, mall, who):
        self.server, self.mall = server, mall
        response = server.request(
            "POST",
            mall.host,
            "/api/v1/auth/tokens/",
            json={"email": mall.people[who].email, "password": PASSWORD},
        )
        assert response.status_code == 201, response.text
        self.headers = {"Authorization": f"Token {response.json()['token']}"}

    def __call__(self, method, path, **kwargs):
        return self.server.request(method, self.mall.host, f"/api/v1{path}", headers=self.headers, **kwargs)

    def file(self, type_code, title, fields=None):
        response = self("POST", "/tickets/", json={"type": type_code, "title": title, "fields": fields or {}})
        assert response.status_code == 201, response.text
        return response.json()


def axe_violations(page, *, impacts=("serious", "critical")) -> list[dict]:
    """Accessibility problems axe-core finds on the page as it is now (WCAG 2 A and AA rules)."""
    # evaluated through the DevTools protocol, which the page's CSP does not govern (a script tag
    # would be refused by it, as any injected script should be)
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.evaluate("() => {\n" + AXE.read_text() + "\n}")
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa']}})"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)


def mails() -> str:
    return "".join(p.read_text() for p in Path(os.environ["ATRIUM_MAIL_DIR"]).glob("*.log"))


def mailed_link(email: str, page: str, entry: str = "app") -> tuple[str, dict]:
    """The newest link to `page` mailed to `email` (the worker sends mail after commit). `entry`:
    "app" for agents' links, "portal" for everyone else's."""
    pattern = re.compile(rf"http://\S+/{entry}/{page}\?\S+")

    def found():
        for message in reversed(
            mails().split(
                "\n-------------------------------------------------------------------------------\n"
            )
        ):
            if email in message and pattern.search(message):
                return pattern.search(message).group(0)
        return None

    link = wait_for(found, timeout=20)
    return link, {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
