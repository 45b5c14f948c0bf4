"""The dependency audit `atrium test` runs before the suite: pip-audit over the installed Python
packages and `npm audit` over the web app's production dependencies (docs/security.md).

- A finding fails the audit unless `audit-allowlist.toml` lists it (its advisory id, or one of its
  aliases) with a `reason` and the `date` it was listed; an entry may name `expires`, after which it
  no longer counts. An entry without a reason or a date is itself a failure.
- Python: pip-audit gives no severity, so every known vulnerability counts as high. npm: advisories
  of severity high or critical count (`--audit-level=high`).
- An advisory source that cannot be reached (no network, a registry mirror without the audit API)
  is reported as such, loudly, and does not fail the run: the audit did not happen, it did not fail.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWLIST = ROOT / "audit-allowlist.toml"
NPM_FAILING = {"high", "critical"}


@dataclass
class Finding:
    tool: str  # "pip" or "npm"
    package: str
    version: str
    ids: list[str]  # advisory id first, then its aliases
    severity: str = "high"
    title: str = ""

    def describe(self) -> str:
        return f"{self.tool}: {self.package} {self.version}: {', '.join(self.ids)} ({self.severity}) {self.title}".strip()


@dataclass
class Outcome:
    findings: list[Finding] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # sources that could not be asked, and why
    audited: list[str] = field(default_factory=list)  # sources that answered


@dataclass(frozen=True)
class Entry:
    id: str
    reason: str
    listed: date | None
    expires: date | None


def read_allowlist(text: str) -> tuple[list[Entry], list[str]]:
    """The entries of the allowlist, and what is wrong with it (each problem fails the audit)."""
    data = tomllib.loads(text) if text.strip() else {}
    entries, problems = [], []
    for number, raw in enumerate(data.get("ignore", []), start=1):
        ident = str(raw.get("id", "")).strip()
        reason = str(raw.get("reason", "")).strip()
        listed, expires = raw.get("date"), raw.get("expires")
        if not ident:
            problems.append(f"allowlist entry {number}: no id")
            continue
        if not reason:
            problems.append(f"allowlist entry {ident}: no reason")
        if not isinstance(listed, date):
            problems.append(f"allowlist entry {ident}: no date (write date = 2026-12-01)")
        if expires is not None and not isinstance(expires, date):
            problems.append(f"allowlist entry {ident}: expires is not a date")
        entries.append(Entry(ident, reason, listed if isinstance(listed, date) else None, expires or None))
    return entries, problems


def failing(findings: list[Finding], entries: list[Entry], today: date) -> list[Finding]:
    """Findings no valid allowlist entry covers."""
    allowed = {
        e.id.upper() for e in entries if e.reason and e.listed and (e.expires is None or e.expires >= today)
    }
    return [f for f in findings if not {i.upper() for i in f.ids} & allowed]


def parse_pip_audit(output: str) -> tuple[list[Finding], str | None]:
    """(findings, why the source is unreachable or None) from `pip-audit --format json`."""
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return [], "pip-audit gave no report"
    dependencies = data.get("dependencies", [])
    findings = [
        Finding(
            "pip",
            dep["name"],
            dep.get("version", ""),
            [v["id"], *v.get("aliases", [])],
            "high",
            v.get("description", "")[:80],
        )
        for dep in dependencies
        for v in dep.get("vulns", [])
    ]
    audited = [dep for dep in dependencies if not dep.get("skip_reason")]
    if dependencies and not audited:
        return (
            findings,
            f"the advisory source knew none of the {len(dependencies)} packages (a mirror without the vulnerability API?)",
        )
    return findings, None


def parse_npm_audit(output: str) -> tuple[list[Finding], str | None]:
    """(findings of severity high or critical, why unreachable or None) from `npm audit --json`."""
    try:
        data = json.loads(output)
    except json.JSONDecodeError:
        return [], "npm audit gave no report"
    if "vulnerabilities" not in data:
        return [], str(data.get("message") or data.get("error", {}).get("summary") or "no audit report")
    findings = []
    for name, vuln in data["vulnerabilities"].items():
        if vuln.get("severity") not in NPM_FAILING:
            continue
        advisories = [v for v in vuln.get("via", []) if isinstance(v, dict)]
        ids = [str(a.get("url", "")).rsplit("/", 1)[-1] or str(a.get("source")) for a in advisories] or [name]
        title = (
            advisories[0].get("title", "")
            if advisories
            else f"through {', '.join(map(str, vuln.get('via', [])))}"
        )
        findings.append(Finding("npm", name, vuln.get("range", ""), [*ids, name], vuln["severity"], title))
    return findings, None


def _run(command: list[str], timeout: int, **options) -> tuple[str, str]:
    options.setdefault("cwd", ROOT)
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **options)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "", f"{command[0]}: {exc}"
    return done.stdout, done.stderr


def audit_python(timeout: int = 180) -> tuple[list[Finding], str | None]:
    out, err = _run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "--local",
            "--format",
            "json",
            "--progress-spinner",
            "off",
            "--timeout",
            "30",
        ],
        timeout,
    )
    findings, unreachable = parse_pip_audit(out)
    if not out.strip():
        unreachable = (err.strip().splitlines() or ["pip-audit failed"])[-1][:300]
    return findings, unreachable


def audit_npm(timeout: int = 180) -> tuple[list[Finding], str | None]:
    from .frontend import FRONTEND, node_env, npm_command

    command = npm_command(["audit", "--omit=dev", "--audit-level=high", "--json"])
    out, err = _run(command, timeout, cwd=FRONTEND, env=node_env())
    findings, unreachable = parse_npm_audit(out)
    if not out.strip():
        unreachable = (err.strip().splitlines() or ["npm audit failed"])[-1][:300]
    return findings, unreachable


def run(today: date | None = None) -> int:
    """Print the audit and answer 0 (nothing failing, or not reachable) or 1."""
    today = today or date.today()
    entries, problems = read_allowlist(ALLOWLIST.read_text() if ALLOWLIST.exists() else "")
    outcome = Outcome()
    for name, audit in (
        ("pip-audit (Python packages)", audit_python),
        ("npm audit (web app, production)", audit_npm),
    ):
        findings, unreachable = audit()
        outcome.findings += findings
        (outcome.unreachable if unreachable else outcome.audited).append(
            f"{name}: {unreachable}" if unreachable else name
        )
    for source in outcome.audited:
        print(f"[atrium] dependency audit: {source}: checked", flush=True)
    for source in outcome.unreachable:
        print(f"[atrium] dependency audit: NOT CHECKED, advisory source unreachable: {source}", flush=True)
    bad = failing(outcome.findings, entries, today)
    for finding in outcome.findings:
        mark = "FAILS" if finding in bad else "allowed"
        print(f"[atrium] dependency audit: {mark}: {finding.describe()}", flush=True)
    for problem in problems:
        print(f"[atrium] dependency audit: {problem}", flush=True)
    return 1 if bad or problems else 0


if __name__ == "__main__":
    raise SystemExit(run())
