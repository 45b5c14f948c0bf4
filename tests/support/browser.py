"""The browser for tests/e2e: Debian's chromium driven by Playwright (never a downloaded browser)
against the real daphne and Celery worker of the live tests, serving the built web app. The `browser`
and `web` fixtures live in tests/conftest.py (one Playwright for the whole session)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.clients import PASSWORD
from tests.support.processes import ROOT

# One patience for actions and for expect()'s retries (its own default is 5 s): a busy 2-core CI
# machine can take longer than 5 s to render a screen, and a wait that runs out there is a flake.
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)

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
        context.set_default_timeout(WAIT_MS)
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
