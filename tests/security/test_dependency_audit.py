"""The dependency audit `./dev test` runs (atrium/depaudit.py): a high finding fails unless the
allowlist names it with a reason and a date; an unreachable advisory source says so and fails
nothing. The reports below are in the tools' own JSON formats."""

from __future__ import annotations

import json
from datetime import date

import pytest

from atrium import depaudit

TODAY = date(2026, 12, 1)
PIP_REPORT = json.dumps(
    {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2.0",
                "vulns": [
                    {
                        "id": "PYSEC-2025-1",
                        "aliases": ["CVE-2025-0001"],
                        "fix_versions": ["5.2.1"],
                        "description": "SQL injection",
                    }
                ],
            },
            {"name": "redis", "version": "6.0.0", "vulns": []},
        ],
        "fixes": [],
    }
)
PIP_UNREACHABLE = json.dumps(
    {
        "dependencies": [
            {
                "name": "django",
                "skip_reason": "Dependency not found on PyPI and could not be audited: django (5.2.0)",
            }
        ],
        "fixes": [],
    }
)
NPM_REPORT = json.dumps(
    {
        "auditReportVersion": 2,
        "vulnerabilities": {
            "lodash": {
                "name": "lodash",
                "severity": "high",
                "via": [
                    {
                        "source": 1,
                        "title": "Prototype pollution",
                        "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc",
                    }
                ],
                "range": "<4.17.21",
            },
            "left-pad": {
                "name": "left-pad",
                "severity": "moderate",
                "via": [
                    {"source": 2, "title": "Slow", "url": "https://github.com/advisories/GHSA-dddd-eeee-ffff"}
                ],
                "range": "*",
            },
        },
    }
)
NPM_UNREACHABLE = json.dumps(
    {"message": "405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk"}
)


def allowlist(text: str):
    entries, problems = depaudit.read_allowlist(text)
    return entries, problems


def test_a_python_vulnerability_fails_unless_listed_with_a_reason_and_a_date():
    findings, unreachable = depaudit.parse_pip_audit(PIP_REPORT)
    assert unreachable is None and [f.package for f in findings] == ["django"]
    assert depaudit.failing(findings, [], TODAY) == findings
    entries, problems = allowlist(
        '[[ignore]]\nid = "CVE-2025-0001"\nreason = "Only the GIS backend, which we do not use."\ndate = 2026-11-30\n'
    )
    assert problems == [] and depaudit.failing(findings, entries, TODAY) == []  # an alias matches too


def test_only_high_and_critical_npm_findings_count():
    findings, unreachable = depaudit.parse_npm_audit(NPM_REPORT)
    assert unreachable is None
    assert [(f.package, f.severity) for f in findings] == [("lodash", "high")]
    assert "GHSA-aaaa-bbbb-cccc" in findings[0].ids
    entries, _ = allowlist(
        '[[ignore]]\nid = "GHSA-aaaa-bbbb-cccc"\nreason = "Server-side only path, not bundled."\ndate = 2026-12-01\n'
    )
    assert depaudit.failing(findings, entries, TODAY) == []


@pytest.mark.parametrize(
    "entry, problem",
    [
        ('id = "GHSA-aaaa-bbbb-cccc"\ndate = 2026-12-01\n', "no reason"),
        ('id = "GHSA-aaaa-bbbb-cccc"\nreason = "because"\n', "no date"),
    ],
)
def test_an_entry_without_reason_or_date_is_a_failure_and_allows_nothing(entry, problem):
    findings, _ = depaudit.parse_npm_audit(NPM_REPORT)
    entries, problems = allowlist("[[ignore]]\n" + entry)
    assert any(problem in p for p in problems)
    assert depaudit.failing(findings, entries, TODAY) == findings


def test_an_expired_entry_no_longer_counts():
    findings, _ = depaudit.parse_npm_audit(NPM_REPORT)
    entries, problems = allowlist(
        '[[ignore]]\nid = "lodash"\nreason = "waiting for 4.17.21"\ndate = 2026-10-01\nexpires = 2026-11-01\n'
    )
    assert problems == [] and depaudit.failing(findings, entries, TODAY) == findings


def test_unreachable_sources_are_reported_and_fail_nothing(monkeypatch, capsys):
    monkeypatch.setattr(depaudit, "audit_python", lambda: depaudit.parse_pip_audit(PIP_UNREACHABLE))
    monkeypatch.setattr(depaudit, "audit_npm", lambda: depaudit.parse_npm_audit(NPM_UNREACHABLE))
    assert depaudit.run(TODAY) == 0
    out = capsys.readouterr().out
    assert out.count("NOT CHECKED, advisory source unreachable") == 2 and "405 Method Not Allowed" in out


def test_a_finding_fails_the_run(monkeypatch, capsys):
    monkeypatch.setattr(depaudit, "audit_python", lambda: depaudit.parse_pip_audit(PIP_REPORT))
    monkeypatch.setattr(depaudit, "audit_npm", lambda: depaudit.parse_npm_audit(NPM_UNREACHABLE))
    monkeypatch.setattr(depaudit, "ALLOWLIST", depaudit.ROOT / "no-such-allowlist.toml")
    assert depaudit.run(TODAY) == 1
    assert "FAILS: pip: django 5.2.0: PYSEC-2025-1" in capsys.readouterr().out


def test_the_repositorys_allowlist_is_valid():
    entries, problems = depaudit.read_allowlist(depaudit.ALLOWLIST.read_text())
    assert problems == []
