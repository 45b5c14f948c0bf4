"""Filing, routing, workflow moves, comments and search through the API."""

from __future__ import annotations

import pytest

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def leak(mall, who="key_user", **overrides):
    body = {
        "type": "leak",
        "title": "A tap is leaking in unit 2-14",
        "fields": {"severity": "stream"},
        "location": mall.unit.pk,
    }
    body.update(overrides)
    return mall.api(who, "post", "/tickets/", body)


def test_tenant_files_a_leak_and_it_lands_with_the_least_loaded_plumber(mall):
    response = leak(mall)
    assert response.status_code == 201, response.content
    ticket = response.json()
    assert ticket["key"].startswith("LEAK-")
    assert ticket["status"]["key"] == "new"
    assert ticket["group"]["name"] == "Plumbing"
    assert ticket["assignee"]["id"] == mall.people["plumber"].pk
    assert ticket["company"]["id"] == mall.company.pk  # the requester's company
    assert ticket["priority"] == 3  # the type's default
    history = mall.api("admin", "get", f"/tickets/{ticket['id']}/events/").json()
    routed = [e for e in history if e["kind"] == "routed"]
    assert routed and routed[0]["data"]["rules"][0]["rule"] == "Leaks to plumbing"
    # the requester sees the ticket's public history, never the internal routing explanation
    own = mall.api("key_user", "get", f"/tickets/{ticket['id']}/events/").json()
    assert [e["kind"] for e in own] == ["created"]


def test_a_request_missing_a_required_field_is_refused_with_field_messages(mall):
    response = leak(mall, fields={})
    assert response.status_code == 400
    assert "fields.severity" in response.json()["fields"]
    bad = leak(mall, fields={"severity": "ocean", "colour": "blue"}, title="  ")
    fields = bad.json()["fields"]
    assert {"fields.severity", "fields.colour", "title"} <= set(fields)
    assert mall.api("admin", "get", "/tickets/").json()["results"] == []


def test_typed_fields_are_validated(mall):
    bad = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "climate",
            "title": "Hot",
            "fields": {"feeling": "too_hot", "temperature": 99},
        },
    )
    assert bad.status_code == 400 and "fields.temperature" in bad.json()["fields"]
    ok = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "climate",
            "title": "Hot",
            "fields": {"feeling": "too_hot", "temperature": "31.5"},
        },
    )
    assert ok.status_code == 201 and ok.json()["fields"] == {"feeling": "too_hot", "temperature": 31.5}


def test_tenants_cannot_file_staff_only_types_or_for_other_companies(mall):
    assert mall.api("visitor", "post", "/tickets/", {"type": "goods_in", "title": "x"}).status_code == 403
    other = leak(mall, company=mall.other_company.pk)
    assert other.status_code == 400 and "company" in other.json()["fields"]
    for_someone = leak(mall, requester=mall.people["coworker"].pk)
    assert for_someone.status_code == 403


def test_workflow_moves_with_their_rules(mall):
    ticket = leak(mall).json()
    tid = ticket["id"]
    # the requester may not take a ticket into work; the responsible plumber may
    assert (
        mall.api("key_user", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"}).status_code == 403
    )
    assert (
        mall.api("engineer", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"}).status_code == 403
    )
    moved = mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"})
    assert moved.status_code == 200 and moved.json()["status"]["key"] == "in_progress"
    # a transition that needs a comment refuses without one
    no_comment = mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "resolved"})
    assert no_comment.status_code == 400 and "comment" in no_comment.json()["fields"]
    assert mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "closed"}).status_code == 409
    resolved = mall.api(
        "plumber", "post", f"/tickets/{tid}/transition/", {"to": "resolved", "comment": "Gasket replaced"}
    )
    assert resolved.json()["status"]["category"] == "resolved"
    # the requester confirms the work
    assert [t["to"] for t in mall.api("key_user", "get", f"/tickets/{tid}/").json()["transitions"]] == [
        "closed",
        "in_progress",
    ]
    closed = mall.api("key_user", "post", f"/tickets/{tid}/transition/", {"to": "closed"})
    assert closed.status_code == 200 and closed.json()["closed_at"]
    kinds = [e["kind"] for e in mall.api("admin", "get", f"/tickets/{tid}/events/").json()]
    assert kinds.count("status_changed") == 3
    # a closed ticket is a record: nobody edits it, not even an admin, and nothing is written
    for who in ("plumber", "admin"):
        refused = mall.api(who, "patch", f"/tickets/{tid}/", {"title": "Rewritten", "priority": 1})
        assert refused.status_code == 409 and refused.json()["code"] == "ticket_closed", refused.content
    # the message follows the request's language (domain errors translate when answered)
    ru = mall.api("admin", "patch", f"/tickets/{tid}/", {"title": "X"}, HTTP_ACCEPT_LANGUAGE="ru").json()
    en = mall.api("admin", "patch", f"/tickets/{tid}/", {"title": "X"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert ru["detail"] == "Заявка закрыта, изменить её уже нельзя."
    assert en["detail"] == "This ticket is closed and can no longer be changed."
    after = mall.api("admin", "get", f"/tickets/{tid}/").json()
    assert after["title"] == ticket["title"] and after["priority"] == ticket["priority"]
    assert [e["kind"] for e in mall.api("admin", "get", f"/tickets/{tid}/events/").json()] == kinds


def test_requester_sees_public_comments_only(mall):
    tid = leak(mall).json()["id"]
    assert mall.api("plumber", "post", f"/tickets/{tid}/comments/", {"body": "On my way"}).status_code == 201
    assert (
        mall.api(
            "plumber", "post", f"/tickets/{tid}/comments/", {"body": "Tenant's fault", "internal": True}
        ).status_code
        == 201
    )
    assert (
        mall.api(
            "key_user", "post", f"/tickets/{tid}/comments/", {"body": "psst", "internal": True}
        ).status_code
        == 403
    )
    seen = [c["body"] for c in mall.api("key_user", "get", f"/tickets/{tid}/comments/").json()]
    assert seen == ["On my way"]
    staff = [c["body"] for c in mall.api("dispatcher", "get", f"/tickets/{tid}/comments/").json()]
    assert staff == ["On my way", "Tenant's fault"]
    public_events = mall.api("key_user", "get", f"/tickets/{tid}/events/").json()
    assert all("Tenant's fault" not in str(e["data"]) for e in public_events)


def test_search_in_russian_and_english_over_titles_descriptions_and_comments(mall):
    first = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "leak",
            "title": "Протекает кран в туалете",
            "fields": {"severity": "drip"},
        },
    ).json()
    second = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "breakdown",
            "title": "Door closer",
            "description": "The doors are slamming",
        },
    ).json()
    mall.api("dispatcher", "post", f"/tickets/{second['id']}/comments/", {"body": "Заменили доводчик"})

    def found(q):
        return {t["id"] for t in mall.api("dispatcher", "get", "/tickets/", {"q": q}).json()["results"]}

    assert found("краны") == {first["id"]}  # Russian stemming: кран / краны
    assert found("door slam") == {second["id"]}  # English stemming: doors / slamming
    assert found("доводчик") == {second["id"]}  # public comment text
    assert found("nothing-like-this") == set()


def test_filters_custom_fields_and_cursor_pages(mall):
    for severity in ("drip", "stream", "flood", "drip"):
        leak(mall, fields={"severity": severity})
    mall.api("key_user", "post", "/tickets/", {"type": "dirt", "title": "Spilled coffee"})

    def ids(**params):
        return [
            t["fields"].get("severity")
            for t in mall.api("dispatcher", "get", "/tickets/", params).json()["results"]
        ]

    assert ids(**{"f.severity": "drip"}) == ["drip", "drip"]
    assert len(ids(type="leak")) == 4 and len(ids(type="dirt,leak")) == 5
    assert len(ids(location=mall.building_b.pk)) == 4  # under building B, through floor and unit
    assert len(ids(assignee=mall.people["plumber"].pk)) == 4
    page = mall.api("dispatcher", "get", "/tickets/", {"page_size": 2, "ordering": "created_at"}).json()
    assert len(page["results"]) == 2 and page["next"]
    assert mall.api("dispatcher", "get", "/tickets/", {"ordering": "bogus"}).status_code == 200
    assert mall.api("dispatcher", "get", "/tickets/", {"created_after": "not-a-date"}).status_code == 400


def test_a_requester_only_transition_is_the_requesters_alone(mall):
    ticket = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "goods_in",
            "title": "Move-in",
            "fields": {"when": "2026-12-01T07:00:00+03:00", "goods": "boxes"},
        },
    ).json()
    assert ticket["status"]["key"] == "pending_approval"
    # "Withdraw" names only the requester: the dispatcher, who may change the ticket, may not make it
    assert (
        mall.api(
            "dispatcher", "post", f"/tickets/{ticket['id']}/transition/", {"to": "withdrawn"}
        ).status_code
        == 403
    )
    assert (
        mall.api("key_user", "post", f"/tickets/{ticket['id']}/transition/", {"to": "withdrawn"}).status_code
        == 200
    )
