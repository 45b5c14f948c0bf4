"""schemathesis against the live account API, as an account admin, an agent and a tenant's key
user: generated requests (valid and invalid) for every operation of the schema the server
serves, checked for server errors, status codes, content types and response bodies against the
schema, plus stateful sequences along the links schemathesis infers: a second,
stateful-only run over the ticket operations for the desk roles, whose ticket creation is
narrowed to the account's own type so the sequences start from tickets that exist, with the
links from a created ticket declared beside the inferred ones (`_for_stateful`). The server must give no 500
and no answer the schema does not describe.

Each role works in its own account (provisioned here, as sign-up does) so nothing it changes or
deletes can take the ground from under another role's run or any other test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection
from django_tenants.utils import tenant_context

from tenant_apps.objects.services import save_location
from tenant_apps.people.models import Company, Role
from tenant_apps.people.services import create_person
from tests.support.worlds import PASSWORD, provision

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
EXAMPLES_PER_OPERATION = int(os.environ.get("ATRIUM_SCHEMATHESIS_EXAMPLES", "3"))
STATEFUL_EXAMPLES = int(os.environ.get("ATRIUM_SCHEMATHESIS_STATEFUL_EXAMPLES", "40"))
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
    with tenant_context(made.account):
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
        if role in ("admin", "agent"):
            # tickets to start from: the stateful phase chains from lists and reads as well as
            # from tickets it files itself
            from tenant_apps.desk.models import TicketType
            from tenant_apps.desk.services import file_ticket

            leak = TicketType.objects.get(code="leak")
            for n in range(3):
                file_ticket(
                    actor=made.admin, ticket_type=leak, title=f"Leak {n}", fields={"severity": "drip"}
                )
    connection.set_schema_to_public()
    return made, person.email


def _token(server, host: str, email: str) -> str:
    answer = server.request("POST", host, "/api/v1/auth/tokens/", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def _for_stateful(schema: dict) -> dict:
    """The schema with its producers narrowed to what this account accepts: generated at random,
    a new ticket's `type` and `fields` name nothing that exists, every POST is a 400, and the
    stateful phase never gets past its first step. With a real type and its required field the
    ticket is created and the links schemathesis infers lead on from it (read, change, comment,
    its events, checklist, approvals, watchers, transitions...). Only the request shape is
    narrowed; responses are checked against the schema as served."""
    narrowed = json.loads(json.dumps(schema))
    create = narrowed["components"]["schemas"]["TicketCreate"]
    create["properties"] = {
        "type": {"type": "string", "enum": ["leak"]},
        "title": {"type": "string", "minLength": 1, "maxLength": 300, "pattern": "^[A-Za-z][A-Za-z0-9 ]*$"},
        "description": {"type": "string", "maxLength": 200},
        "priority": {"type": "integer", "minimum": 1, "maximum": 4},
        "fields": {
            "type": "object",
            "properties": {"severity": {"type": "string", "enum": ["drip"]}},
            "required": ["severity"],
            "additionalProperties": False,
        },
    }
    create["required"] = ["type", "title", "fields"]
    create["additionalProperties"] = False
    create_ticket = narrowed["paths"]["/api/v1/tickets/"]["post"]
    body = create_ticket["requestBody"]["content"]
    for media in list(body):
        if media != "application/json":
            del body[media]
    # and the links the API has in words (a created ticket is read, changed, commented, moved...)
    # declared as OpenAPI links beside the ones schemathesis infers
    links = {}
    for path, ops in narrowed["paths"].items():
        if not path.startswith("/api/v1/tickets/{id}/") or "{item_id}" in path:
            continue
        for operation in ops.values():
            if isinstance(operation, dict) and "operationId" in operation:
                links[operation["operationId"]] = {
                    "operationId": operation["operationId"],
                    "parameters": {"path.id": "$response.body#/id"},
                }
    create_ticket["responses"]["201"]["links"] = links
    return narrowed


def _links(output: str) -> tuple[int, int]:
    """(covered, total) from the stateful phase's `API Links: N covered / M selected / ...` line."""
    found = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", output)
    return (int(found.group(1)), int(found.group(2))) if found else (0, 0)


def _served_schema(server, host: str) -> dict:
    return requests.get(f"{server.base}/api/schema/?format=json", headers={"Host": host}, timeout=30).json()


def _run(
    server,
    host: str,
    token: str,
    workdir: Path,
    role: str,
    phases: str = "examples,fuzzing,stateful",
    served: dict | None = None,
) -> dict:
    # the schema as the server serves it to this account (fetched once per role: a copy per run)
    schema = json.loads(json.dumps(served)) if served is not None else _served_schema(server, host)
    for method, path in EXCLUDED:
        schema["paths"].get(path, {}).pop(method.lower(), None)
    stateful_only = phases == "stateful"
    if stateful_only:
        schema, role = _for_stateful(schema), f"{role}-stateful"
    schema_path = workdir / f"schema-{role}.json"
    schema_path.write_text(json.dumps(schema))
    report = workdir / f"report-{role}.json"
    # no cache: schemathesis would otherwise keep the requests it found in the project's
    # .schemathesis/ and replay them in the next run (another account's ids and tokens), so a run
    # would depend on the runs before it; each run starts fresh, as in CI's new clone
    config = workdir / f"schemathesis-{role}.toml"
    config.write_text("[cache]\nenabled = false\n")
    command = [
        str(Path(sys.executable).parent / "schemathesis"),
        "--config-file",
        str(config),
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
        *(["--include-path-regex", "^/api/v1/tickets/"] if stateful_only else []),
        "--phases",
        phases,
        "--max-examples",
        str(STATEFUL_EXAMPLES if stateful_only else EXAMPLES_PER_OPERATION),
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


@pytest.mark.parametrize("role", ["admin", "agent", "key_user"])
def test_the_account_api_keeps_to_its_schema(atrium_server, tmp_path, role):
    """One role per test (its own account), so that xdist spreads the three runs over its workers."""
    # ATRIUM_SCHEMATHESIS_DIR keeps the schemas, logs and reports of the run for a closer look
    workdir = Path(os.environ.get("ATRIUM_SCHEMATHESIS_DIR") or tmp_path)
    workdir.mkdir(parents=True, exist_ok=True)
    cases, tested, problems, links = 0, None, [], None
    made, email = _account(role)
    host = f"{made.account.slug}.atrium.localhost"
    token = _token(atrium_server, host, email)
    served = _served_schema(atrium_server, host)
    # for the roles that file tickets from the desk, sequences along the links from tickets they
    # create (first, while the account's ticket types are as provisioned: the admin's run
    # below deletes and changes them); then every operation, generated valid and invalid
    runs = [("stateful", f"{role}, stateful")] if role in ("admin", "agent") else []
    runs.append(("examples,fuzzing,stateful", role))
    for phases, label in runs:
        result = _run(atrium_server, host, token, workdir, role, phases, served)
        report = result["report"]
        cases += report["test_cases"]["generated"]
        covered, total = _links(result["output"])
        if phases == "stateful":
            links = covered
        else:
            tested = report["operations"]["tested"]
        print(
            f"schemathesis as {label}: {report['test_cases']['generated']} cases over "
            f"{report['operations']['tested']} of {report['operations']['total']} operations, "
            f"links {covered} covered of {total}, "
            f"{len(report['failures'])} kinds of failure, {len(report['errors'])} errors"
        )
        if report["failures"] or report["errors"] or result["exit"] != 0:
            found = [f"{f['code']} {f['title']} x{f['count']}: {f['operations']}" for f in report["failures"]]
            found += [f"error: {e['title']} x{e['count']}" for e in report["errors"]]
            problems.append(
                f"--- as {label}\n" + "\n".join(found) + "\n" + _failure_details(result["output"])
            )
    assert not problems, "\n".join(problems)
    # at least a third of the 1000 cases the three roles were held to together, for each role
    assert cases >= 334, cases
    assert tested >= 100, tested  # the role reached (nearly) every operation
    if role in ("admin", "agent"):
        # the stateful run went past its first step: links from created tickets were followed
        assert links >= 10, links
