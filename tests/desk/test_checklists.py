"""Checklists: templates per type and stage, typed items, who may tick, photos, required items."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


PNG = (  # a valid 1x1 PNG as Pillow writes it: uploads re-encode images, and this one stays the same
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def types(mall):
    return {t["code"]: t["id"] for t in mall.api("admin", "get", "/ticket-types/").json()}


def leak(mall, who="employee"):
    response = mall.api(
        who,
        "post",
        "/tickets/",
        {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}, "location": mall.unit.pk},
    )
    assert response.status_code == 201, response.content
    return response.json()


def test_typed_items_appear_at_their_stage_and_block_the_transitions_they_name(mall, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    created = mall.api(
        "admin",
        "post",
        "/checklist-templates/",
        {
            "ticket_type": types(mall)["leak"],
            "name": "Repair record",
            "stage": "in_progress",
            "required_for": ["resolved"],
            "items": [
                {"label": "Valve closed", "kind": "yes_no", "required": True},
                {"label": "Litres lost", "kind": "number"},
                {"label": "Parts used", "kind": "text"},
                {"label": "Floor dried", "kind": "check", "required": True},
            ],
        },
    )
    assert created.status_code == 201, created.content
    t = leak(mall)
    assert mall.api("plumber", "get", f"/tickets/{t['id']}/checklist/").json() == []  # not at that stage yet
    assert (
        mall.api("plumber", "post", f"/tickets/{t['id']}/transition/", {"to": "in_progress"}).status_code
        == 200
    )
    items = {i["label"]: i for i in mall.api("plumber", "get", f"/tickets/{t['id']}/checklist/").json()}
    assert list(items) == ["Valve closed", "Litres lost", "Parts used", "Floor dried"]

    url = f"/tickets/{t['id']}/checklist/"
    wrong = mall.api("plumber", "post", f"{url}{items['Litres lost']['id']}/", {"value": "a lot"})
    assert wrong.status_code == 400 and "value" in wrong.json()["fields"]
    assert (
        mall.api("plumber", "post", f"{url}{items['Valve closed']['id']}/", {"value": "yes"}).status_code
        == 400
    )
    # the requester reads the checklist but does not fill it in; another engineer may not either
    assert (
        mall.api("employee", "post", f"{url}{items['Valve closed']['id']}/", {"value": True}).status_code
        == 403
    )
    assert (
        mall.api("engineer", "post", f"{url}{items['Valve closed']['id']}/", {"value": True}).status_code
        == 403
    )
    assert len(mall.api("employee", "get", url).json()) == 4

    blocked = mall.api(
        "plumber", "post", f"/tickets/{t['id']}/transition/", {"to": "resolved", "comment": "fixed"}
    )
    assert blocked.status_code == 400
    assert "Valve closed" in blocked.json()["fields"]["checklist"][0]
    # "no" is an answer: a yes/no item is done once answered
    answered = mall.api("plumber", "post", f"{url}{items['Valve closed']['id']}/", {"value": False})
    assert answered.json()["done"] is True and answered.json()["value"] is False
    assert (
        mall.api("plumber", "post", f"{url}{items['Litres lost']['id']}/", {"value": 12.5}).json()["value"]
        == 12.5
    )

    # a tick with a photo (multipart; value as JSON text) becomes a ticket attachment
    client = mall.client("plumber")
    photo = client.post(
        f"/api/v1{url}{items['Floor dried']['id']}/",
        {"value": "true", "comment": "Dry now", "photo": SimpleUploadedFile("floor.png", PNG)},
        HTTP_HOST=mall.host,
    )
    assert photo.status_code == 200, photo.content
    body = photo.json()
    assert body["done"] and body["comment"] == "Dry now" and body["photo"]
    attachments = mall.api("employee", "get", f"/tickets/{t['id']}/attachments/").json()
    assert [a["id"] for a in attachments] == [body["photo"]]

    moved = mall.api(
        "plumber", "post", f"/tickets/{t['id']}/transition/", {"to": "resolved", "comment": "fixed"}
    )
    assert moved.status_code == 200
    events = [
        e
        for e in mall.api("admin", "get", f"/tickets/{t['id']}/events/").json()
        if e["kind"] == "checklist_changed"
    ]
    assert [e["data"]["label"] for e in events] == ["Valve closed", "Litres lost", "Floor dried"]
    assert events[0]["actor_name"] == "Plumber"

    # clearing an item undoes it (and would block the transition again)
    cleared = mall.api("plumber", "post", f"{url}{items['Litres lost']['id']}/", {"value": None})
    assert cleared.json()["done"] is False and cleared.json()["done_by"] is None


def test_template_configuration_is_validated_and_admin_only(mall):
    leak_type = types(mall)["leak"]
    bad = mall.api(
        "admin",
        "post",
        "/checklist-templates/",
        {
            "ticket_type": leak_type,
            "name": "",
            "stage": "nowhere",
            "required_for": ["nowhere"],
            "items": [{"label": "x", "kind": "colour"}],
        },
    )
    assert bad.status_code == 400
    assert {"name", "items.0.kind"} <= set(bad.json()["fields"])
    places = mall.api(
        "admin",
        "post",
        "/checklist-templates/",
        {"ticket_type": leak_type, "name": "P", "required_for": ["nowhere"], "items": [{"label": "x"}]},
    )
    assert places.status_code == 400 and "required_for" in places.json()["fields"]
    empty = mall.api(
        "admin", "post", "/checklist-templates/", {"ticket_type": leak_type, "name": "E", "items": []}
    )
    assert empty.status_code == 400 and "items" in empty.json()["fields"]
    stage = mall.api(
        "admin",
        "post",
        "/checklist-templates/",
        {"ticket_type": leak_type, "name": "S", "stage": "nowhere", "items": [{"label": "x"}]},
    )
    assert stage.status_code == 400 and "stage" in stage.json()["fields"]
    assert mall.api("dispatcher", "post", "/checklist-templates/", {}).status_code == 403
    assert mall.api("employee", "get", "/checklist-templates/").status_code == 403
    listed = mall.api("engineer", "get", "/checklist-templates/").json()
    assert {t["name"] for t in listed} >= {"At the gate", "Before closing the works"}


def test_editing_a_template_never_rewrites_what_tickets_recorded(mall):
    templates = mall.api("admin", "get", "/checklist-templates/").json()
    gate = next(
        t for t in templates if t["name"] == "At the gate" and t["ticket_type"] == types(mall)["goods_in"]
    )
    t = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {"type": "goods_in", "title": "Boxes", "fields": {"when": "2030-01-01T08:00:00Z", "goods": "boxes"}},
    ).json()
    before = [i["label"] for i in mall.api("admin", "get", f"/tickets/{t['id']}/checklist/").json()]
    renamed = mall.api(
        "admin", "patch", f"/checklist-templates/{gate['id']}/", {"items": [{"label": "Other"}]}
    )
    assert renamed.status_code == 200, renamed.content
    after = [i["label"] for i in mall.api("admin", "get", f"/tickets/{t['id']}/checklist/").json()]
    assert before == after and "Goods brought in" in after
