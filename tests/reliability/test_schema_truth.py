"""The OpenAPI schema says what the API answers: error answers in the one shape on every
operation, lists paginated only where they are, the shapes of values as they are sent."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tenants.utils import schema_context

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import complete_approval, file_request, make_mall

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = "#/components/schemas/Error"


@pytest.fixture
def mall(module_mall):  # noqa: F811
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


@pytest.fixture
def schema(mall):
    answer = Client().get("/api/schema/?format=json", HTTP_HOST=mall.host)
    assert answer.status_code == 200
    return answer.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def error_ref(operation, status: str) -> str | None:
    answer = operation["responses"].get(status)
    if answer is None:
        return None
    return answer["content"]["application/json"]["schema"].get("$ref")


def test_every_operation_declares_its_error_answers_in_the_error_shape(schema):
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "detail", "fields", "request_id"}
    count = 0
    for path, method, op in operations(schema):
        count += 1
        where = f"{method.upper()} {path}"
        assert error_ref(op, "400") == ERROR_REF, where
        assert error_ref(op, "503") == ERROR_REF, where
        assert error_ref(op, "403") == ERROR_REF, where  # a closed account answers 403 everywhere
        assert error_ref(op, "404") == ERROR_REF, where
        if method in ("post", "put", "patch"):
            assert error_ref(op, "413") == ERROR_REF and error_ref(op, "415") == ERROR_REF, where
        if op.get("security") and {} not in op["security"]:
            assert error_ref(op, "401") == ERROR_REF, where
    assert count > 100
    ops = {(p, m): o for p, m, o in operations(schema)}
    assert error_ref(ops[("/api/v1/auth/tokens/", "post")], "401") == ERROR_REF  # wrong password
    assert error_ref(ops[("/api/v1/auth/tokens/", "post")], "429") == ERROR_REF  # throttled
    assert error_ref(ops[("/api/v1/tickets/{id}/transition/", "post")], "409") == ERROR_REF
    assert error_ref(ops[("/api/v1/billing/checkout/", "post")], "503") == ERROR_REF


def test_the_public_schema_declares_errors_too():
    public = Client().get("/api/schema/?format=json", HTTP_HOST="atrium.localhost").json()
    signup = public["paths"]["/api/v1/signup/"]["post"]
    assert {"400", "413", "415", "429", "503"} <= set(signup["responses"])
    assert "401" not in signup["responses"]  # nobody signs in to sign up


def _response_schema(schema, path, method="get", status="200"):
    return schema["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]


def test_a_tickets_own_lists_are_plain_arrays_in_the_schema_and_in_fact(mall, schema):
    ticket = mall.api(
        "dispatcher", "post", "/tickets/", {"type": "leak", "title": "Tap", "fields": {"severity": "drip"}}
    )
    tid = ticket.json()["id"]
    for sub in ("comments", "events", "attachments", "checklist"):
        path = f"/api/v1/tickets/{{id}}/{sub}/"
        declared = _response_schema(schema, path)
        assert declared["type"] == "array", (sub, declared)
        names = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert names == {"id"}, (sub, names)  # no list filters, no cursor
        assert isinstance(mall.api("dispatcher", "get", f"/tickets/{tid}/{sub}/").json(), list)
    # POST answers the one thing it made, with 201
    comment = _response_schema(schema, "/api/v1/tickets/{id}/comments/", "post", "201")
    assert comment == {"$ref": "#/components/schemas/Comment"}
    made = mall.api("dispatcher", "post", f"/tickets/{tid}/comments/", {"body": "hi"})
    assert made.status_code == 201 and made.json()["body"] == "hi"
    assert _response_schema(schema, "/api/v1/announcements/{id}/attachments/")["type"] == "array"


def test_routing_rules_are_paginated_like_every_long_list(mall, schema):
    assert _response_schema(schema, "/api/v1/routing-rules/") == {
        "$ref": "#/components/schemas/PaginatedRoutingRuleList"
    }
    for n in range(3):
        made = mall.api(
            "admin", "post", "/routing-rules/", {"name": f"r{n}", "order": 10 - n, "actions": {"priority": 2}}
        )
        assert made.status_code == 201, made.content
    page = mall.api("admin", "get", "/routing-rules/", {"page_size": 2}).json()
    assert set(page) == {"next", "previous", "results"} and len(page["results"]) == 2
    orders = [r["order"] for r in page["results"]]
    assert orders == sorted(orders)  # in the order they are tried
    # small configuration lists stay whole, and the schema says so
    for path in ("/api/v1/ticket-types/", "/api/v1/workflows/", "/api/v1/saved-views/"):
        assert _response_schema(schema, path)["type"] == "array"
        assert isinstance(mall.api("admin", "get", path[7:]).json(), list)


def test_pass_hours_are_sent_as_the_schema_says(schema):
    pass_schema = schema["components"]["schemas"]["Pass"]["properties"]["daily_from"]
    assert "format" not in pass_schema and pass_schema["pattern"]
    pattern = re.compile(pass_schema["pattern"])
    mall = make_mall()
    made = file_request(mall, daily_from="22:00", daily_until="06:00")
    passed = made["passes"][0]
    assert pattern.match(passed["daily_from"]) and passed["daily_from"] == "22:00"
    assert pattern.match(passed["daily_until"])


def test_approval_round_policy_may_be_null(schema):
    rounds = schema["components"]["schemas"]
    found = [
        name
        for name, comp in rounds.items()
        if "policy" in comp.get("properties", {}) and "steps" in comp["properties"]
    ]
    assert found
    for name in found:
        assert rounds[name]["properties"]["policy"].get("nullable") is True, name


def test_pass_qr_code_as_json_with_links_to_the_images(schema):
    mall = make_mall()
    made = file_request(mall, who="employee")
    complete_approval(mall, made["ticket"]["id"])
    pid = made["passes"][0]["id"]
    answer = mall.api("employee", "get", f"/passes/{pid}/qr/", HTTP_ACCEPT="application/json")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/json")
    body = answer.json()
    from tenant_apps.passes.models import Pass

    with schema_context(mall.schema):
        token = Pass.objects.get(pk=pid).qr_token
    assert token not in answer.content.decode()  # the token never appears in JSON
    assert set(body) == {"short_code", "svg", "png"} and body["short_code"] == made["passes"][0]["short_code"]
    assert body["svg"] == f"/api/v1/passes/{pid}/qr/?format=svg"
    assert mall.api("employee", "get", body["png"][len("/api/v1") :]).content.startswith(b"\x89PNG")
    declared = schema["paths"]["/api/v1/passes/{id}/qr/"]["get"]["responses"]["200"]["content"]
    assert {"image/svg+xml", "image/png", "application/json"} <= set(declared)
