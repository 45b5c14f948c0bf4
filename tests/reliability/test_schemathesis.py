"""schemathesis against the live account API, as an account admin, an agent and a tenant's key
user: generated requests (valid and invalid) for every operation of the schema the server
serves, checked for server errors, status codes, content types and response bodies against the
schema, plus stateful sequences along the links schemathesis infers. The server must give no 500
and no answer the schema does not describe.

Each role works in its own account (provisioned here, as sign-up does) so nothing it changes or
deletes can take the ground from under another role's run or any other test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django_tenants.utils import schema_context

from tenant_apps.objects.services import save_location
from tenant_apps.people.models import Company, Role
from tenant_apps.people.services import create_person
from tests.conftest import PASSWORD, provision

pytestmark = pytest.mark.live

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
    ]
)
EXAMPLES_PER_OPERATION = int(os.environ.get("ATRIUM_SCHEMATHESIS_EXAMPLES", "5"))
# Operations left out, each with its reason. Everything else in the schema is exercised.
EXCLUDED = {
    # revokes the very token the run signs in with: every later case would be a 401
    ("DELETE", "/api/v1/auth/tokens/current/"): "ends the run's own sign-in",
    # the run's token would end with the password change (other sessions and tokens end)
    ("POST", "/api/v1/auth/password/"): "ends the run's own sign-in",
    # billing answers its deliberate 503 `billing_not_configured` (declared) without Stripe keys, and
    # the suite has none; not_a_server_error counts every 5xx. tests/billing run these against a
    # fake Stripe server.
    ("POST", "/api/v1/billing/checkout/"): "deliberate 503 without Stripe",
    ("POST", "/api/v1/billing/portal/"): "deliberate 503 without Stripe",
    ("POST", "/api/v1/billing/seats/"): "deliberate 503 without Stripe",
    # files are binary downloads by id (covered by tests/desk, tests/notices); no JSON to check
    ("GET", "/api/v1/attachments/{id}/download/"): "binary download",
    ("GET", "/api/v1/announcement-attachments/{id}/download/"): "binary download",
}


def _account(role: str):
    """A mall with a little of everything, and the person the run signs in as."""
    made = provision()
    with schema_context(made.account.schema_name):
        shop = Company.objects.create(name="Coffee Point", kind="tenant")
        site = save_location(location=None, data={"kind": "site", "name": "Mall"})
        save_location(location=None, data={"kind": "unit", "name": "2-14", "parent": site, "company": shop})
        if role == "admin":
            person = made.admin
        else:
            person = create_person(
                email=f"{role}@{made.account.slug}.example",
                full_name=role.title(),
                password=PASSWORD,
                role=Role.DISPATCHER if role == "agent" else Role.KEY_USER,
            )
            if role == "key_user":
                person.company = shop
                person.save(update_fields=["company"])
    return made, person.email


def _token(server, host: str, email: str) -> str:
    answer = server.request("POST", host, "/api/v1/auth/tokens/", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def _run(server, host: str, token: str, workdir: Path, role: str) -> dict:
    schema = requests.get(f"{server.base}/api/schema/?format=json", headers={"Host": host}, timeout=30).json()
    for method, path in EXCLUDED:
        schema["paths"].get(path, {}).pop(method.lower(), None)
    schema_path = workdir / f"schema-{role}.json"
    schema_path.write_text(json.dumps(schema))
    report = workdir / f"report-{role}.json"
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "run",
        str(schema_path),
        "--url",
        server.base,
        "-H",
        f"Host: {host}",
        "-H",
        f"Authorization: Token {token}",
        "--checks",
        CHECKS,
        "--phases",
        "examples,fuzzing,stateful",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        "1313",
        # one worker: hypothesis builds strategies with the ast module, which is not thread-safe
        # on Python 3.11 ("AST constructor recursion depth mismatch" under two workers)
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--no-shrink",
        "--generation-database",
        "none",
        "--suppress-health-check",
        "all",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600)
    output = run.stdout + run.stderr
    (workdir / f"schemathesis-{role}.log").write_text(output)
    assert report.exists(), output[-4000:]
    return {"exit": run.returncode, "output": output, "report": json.loads(report.read_text())}


def _failure_details(output: str) -> str:
    """The FAILURES section of schemathesis's output (each failure with its curl), bounded."""
    start = output.find("FAILURES")
    end = output.find("WARNINGS", start)
    return output[start : end if end > 0 else None][:12000]


def test_the_account_api_keeps_to_its_schema(atrium_server, tmp_path):
    # ATRIUM_SCHEMATHESIS_DIR keeps the schemas, logs and reports of the run for a closer look
    workdir = Path(os.environ.get("ATRIUM_SCHEMATHESIS_DIR") or tmp_path)
    workdir.mkdir(parents=True, exist_ok=True)
    cases, tested, problems = 0, set(), []
    for role in ("admin", "agent", "key_user"):
        made, email = _account(role)
        host = f"{made.account.slug}.atrium.localhost"
        result = _run(atrium_server, host, _token(atrium_server, host, email), workdir, role)
        report = result["report"]
        cases += report["test_cases"]["generated"]
        tested.add(report["operations"]["tested"])
        print(
            f"schemathesis as {role}: {report['test_cases']['generated']} cases over "
            f"{report['operations']['tested']} of {report['operations']['total']} operations, "
            f"{len(report['failures'])} kinds of failure, {len(report['errors'])} errors"
        )
        if report["failures"] or report["errors"] or result["exit"] != 0:
            found = [f"{f['code']} {f['title']} x{f['count']}: {f['operations']}" for f in report["failures"]]
            found += [f"error: {e['title']} x{e['count']}" for e in report["errors"]]
            problems.append(f"--- as {role}\n" + "\n".join(found) + "\n" + _failure_details(result["output"]))
    assert not problems, "\n".join(problems)
    assert cases >= 1000, cases
    assert min(tested) >= 100, tested  # every role reached (nearly) every operation
