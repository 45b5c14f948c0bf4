"""Fakes for the account-administration browser tests' own daphne: a DNS resolver that answers from
a JSON file (ATRIUM_E2E_FAKE_DNS: {"name": ["address", ...]}) the test writes, and the settings
module that points ATRIUM_DNS_RESOLVER at it (the resolver boundary of tenants_shared.accounts.domains)."""

from __future__ import annotations

import json
import os
from pathlib import Path


def resolve(name: str) -> set[str]:
    path = os.environ.get("ATRIUM_E2E_FAKE_DNS", "")
    answers = json.loads(Path(path).read_text()) if path and Path(path).exists() else {}
    return set(answers.get(name, []))
