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
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.support.browser import ARTIFACTS, AXE, CHROMIUM_ARGS, VIEWPORTS, Web, chromium_path  # noqa: F401
from tests.support.clients import PASSWORD
from tests.support.processes import wait_for


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
