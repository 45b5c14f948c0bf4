"""Announcements: audiences, who sees what, confirmations, receipts, validation and permissions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tests.notices.conftest import announce, make_notices_mall, receipt_names
from tests.support.fixtures import rolled_back_world

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def notices_mall(django_db_setup, django_db_blocker):
    """The notices world made once for the file (tests/support/fixtures.py `rolled_back_world`):
    each test runs in a savepoint, so its writes are rolled back before the next test starts."""
    yield from rolled_back_world(django_db_blocker, make_notices_mall)


@pytest.fixture
def mall(notices_mall, settings, tmp_path):
    """As tests/notices/conftest.py's `mall`, uploads in the test's own folder, on the file's world."""
    settings.MEDIA_ROOT = str(tmp_path)
    return notices_mall


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# ---------------------------------------------------------------------------- audiences
def test_all_tenants_means_active_tenant_companies(mall):
    aid = announce(mall)["id"]
    assert receipt_names(mall, aid) == {"Coffee Point", "Book House", "Flower Room", "Kids Planet"}


def test_selected_companies_are_addressed_while_active(mall):
    x = mall.extra
    aid = announce(
        mall, audience="companies", companies=[mall.other_company.pk, x["contractor"].pk, x["closed"].pk]
    )["id"]
    assert receipt_names(mall, aid) == {"Book House", "Glass Pro"}


def test_selected_premises_address_the_companies_leasing_them_or_anything_under_them(mall):
    x = mall.extra
    floor = announce(mall, audience="premises", premises=[x["floor"].pk])["id"]
    assert receipt_names(mall, floor) == {"Coffee Point", "Flower Room"}
    unit = announce(mall, audience="premises", premises=[mall.unit.pk])["id"]
    assert receipt_names(mall, unit) == {"Coffee Point"}
    both = announce(mall, audience="premises", premises=[x["building_a"].pk, mall.unit.pk])["id"]
    assert receipt_names(mall, both) == {"Coffee Point", "Kids Planet"}


def test_addressees_are_fixed_at_publishing(mall):
    from tenant_apps.people.models import Company
    from tests.notices.conftest import attach_key_user

    aid = announce(mall)["id"]
    with schema_context(mall.schema):
        attach_key_user(Company.objects.create(name="Late Comer", kind="tenant"), "late@comer.example")
    connection.set_schema_to_public()
    assert "Late Comer" not in receipt_names(mall, aid)
    assert "Late Comer" in receipt_names(mall, announce(mall)["id"])


def test_publishing_to_nobody_is_refused_and_nothing_is_written(mall):
    draft = announce(mall, publish=False, audience="companies", companies=[mall.extra["closed"].pk])
    response = mall.api("dispatcher", "post", f"/announcements/{draft['id']}/publish/")
    assert response.status_code == 400 and "audience" in response.json()["fields"]
    again = mall.api("dispatcher", "get", f"/announcements/{draft['id']}/").json()
    assert again["state"] == "draft" and again["published_at"] is None
    assert mall.api("dispatcher", "get", f"/announcements/{draft['id']}/receipts/").json()["total"] == 0


# ---------------------------------------------------------------------------- who sees what
def test_tenants_see_only_published_announcements_addressed_to_their_company(mall):
    to_book_house = announce(mall, audience="companies", companies=[mall.other_company.pk])["id"]
    to_all = announce(mall)["id"]
    draft = announce(mall, publish=False)["id"]

    assert ids(mall.api("key_user", "get", "/announcements/")) == [to_all]
    assert ids(mall.api("employee", "get", "/announcements/")) == [to_all]
    assert ids(mall.api("other_shop", "get", "/announcements/")) == [to_all, to_book_house]
    assert mall.api("key_user", "get", f"/announcements/{to_book_house}/").status_code == 404
    assert mall.api("other_shop", "get", f"/announcements/{draft}/").status_code == 404
    detail = mall.api("other_shop", "get", f"/announcements/{to_book_house}/").json()
    assert detail["body"] == "From 9 to 11 there is no water."
    assert detail["companies"] == [] and detail["receipts"] is None  # who else got it stays private
    assert detail["my_confirmation"] == {"confirmed": False, "confirmed_at": None, "confirmed_by": None}
    # visitors have no company: no announcements
    assert mall.api("visitor", "get", "/announcements/").status_code == 403


def test_agents_read_every_published_one_and_managers_drafts_too(mall):
    published = announce(mall, audience="companies", companies=[mall.other_company.pk])["id"]
    draft = announce(mall, publish=False)["id"]
    assert ids(mall.api("engineer", "get", "/announcements/")) == [published]
    assert mall.api("engineer", "get", f"/announcements/{draft}/").status_code == 404
    assert ids(mall.api("admin", "get", "/announcements/")) == [draft, published]
    assert ids(mall.api("marketer", "get", "/announcements/")) == [draft, published]
    row = mall.api("dispatcher", "get", "/announcements/").json()["results"][1]
    assert row["receipts"] == {"total": 1, "confirmed": 0} and row["my_confirmation"] is None
    staff_detail = mall.api("engineer", "get", f"/announcements/{published}/").json()
    assert staff_detail["companies"] == [{"id": mall.other_company.pk, "name": "Book House"}]


def test_state_and_search_filters(mall):
    archived = announce(mall, title="Old fire drill")["id"]
    mall.api("dispatcher", "post", f"/announcements/{archived}/archive/")
    current = announce(mall, title="Parking closed")["id"]
    draft = announce(mall, publish=False, title="Parking reopens")["id"]
    assert ids(mall.api("dispatcher", "get", "/announcements/", {"state": "draft"})) == [draft]
    both = mall.api("dispatcher", "get", "/announcements/?state=published&state=archived")
    assert ids(both) == [current, archived]
    assert ids(mall.api("dispatcher", "get", "/announcements/", {"q": "parking"})) == [draft, current]
    bad = mall.api("dispatcher", "get", "/announcements/", {"state": "lost"})
    assert bad.status_code == 400 and "state" in bad.json()["fields"]


# ---------------------------------------------------------------------------- confirming
def test_confirmation_is_once_per_company_and_staff_see_who_and_when(mall):
    aid = announce(mall, audience="premises", premises=[mall.extra["floor"].pk])["id"]
    assert mall.api("key_user", "get", f"/announcements/{aid}/").status_code == 200  # opened: read mark

    first = mall.api("employee", "post", f"/announcements/{aid}/confirm/")
    assert first.status_code == 200, first.content
    mine = first.json()["my_confirmation"]
    assert mine["confirmed"] is True and mine["confirmed_by"] == "Employee" and mine["confirmed_at"]
    # a colleague (or the same person) confirming again changes nothing
    again = mall.api("coworker", "post", f"/announcements/{aid}/confirm/")
    assert again.status_code == 200 and again.json()["my_confirmation"] == mine
    assert mall.api("employee", "post", f"/announcements/{aid}/confirm/").json()["my_confirmation"] == mine
    # the key user sees the company confirmed by the employee
    row = mall.api("key_user", "get", "/announcements/").json()["results"][0]
    assert row["my_confirmation"] == mine

    receipts = mall.api("dispatcher", "get", f"/announcements/{aid}/receipts/").json()
    assert receipts["total"] == 2 and receipts["confirmed"] == 1
    by_company = {r["company"]["name"]: r for r in receipts["receipts"]}
    coffee, flowers = by_company["Coffee Point"], by_company["Flower Room"]
    assert coffee["confirmed"] and coffee["confirmed_at"] == mine["confirmed_at"]
    assert coffee["confirmed_by"] == {"id": mall.people["employee"].pk, "name": "Employee"}
    assert [p["name"] for p in coffee["read_by"]] == ["Key_User", "Employee", "Coworker"]
    assert flowers == {
        **flowers,
        "confirmed": False,
        "confirmed_at": None,
        "confirmed_by": None,
        "read_by": [],
    }
    row = mall.api("dispatcher", "get", "/announcements/").json()["results"][0]
    assert row["receipts"] == {"total": 2, "confirmed": 1}


def test_unconfirmed_filter_for_tenants_and_for_staff(mall):
    a = announce(mall, title="A")["id"]
    b = announce(mall, title="B")["id"]
    info = announce(mall, title="Info only", requires_confirmation=False)["id"]
    mall.api("key_user", "post", f"/announcements/{a}/confirm/")
    assert ids(mall.api("employee", "get", "/announcements/", {"unconfirmed": "true"})) == [b]
    assert ids(mall.api("employee", "get", "/announcements/", {"unconfirmed": "false"})) == [info, a]
    assert ids(mall.api("other_shop", "get", "/announcements/", {"unconfirmed": "true"})) == [b, a]
    # staff: still waiting for some company
    assert ids(mall.api("dispatcher", "get", "/announcements/", {"unconfirmed": "true"})) == [b, a]
    with schema_context(mall.schema):
        from tenant_apps.notices.models import Receipt

        Receipt.objects.filter(announcement_id=a).update(confirmed_at="2026-01-01T00:00:00Z")
    connection.set_schema_to_public()
    assert ids(mall.api("dispatcher", "get", "/announcements/", {"unconfirmed": "true"})) == [b]


def test_who_may_confirm_and_when(mall):
    aid = announce(mall, audience="companies", companies=[mall.company.pk])["id"]
    assert mall.api("dispatcher", "post", f"/announcements/{aid}/confirm/").status_code == 403
    assert mall.api("other_shop", "post", f"/announcements/{aid}/confirm/").status_code == 404
    info = announce(mall, requires_confirmation=False)["id"]
    refused = mall.api("key_user", "post", f"/announcements/{info}/confirm/")
    assert refused.status_code == 409 and refused.json()["code"] == "confirmation_not_required"
    mall.api("dispatcher", "post", f"/announcements/{aid}/archive/")
    archived = mall.api("key_user", "post", f"/announcements/{aid}/confirm/")
    assert archived.status_code == 409 and archived.json()["code"] == "announcement_state"
    # archived ones stay readable by their addressees
    assert mall.api("key_user", "get", f"/announcements/{aid}/").json()["state"] == "archived"


# ---------------------------------------------------------------------------- writing
def test_bad_input_gets_field_messages(mall):
    def post(body):
        response = mall.api("dispatcher", "post", "/announcements/", body)
        assert response.status_code == 400, response.content
        return set(response.json()["fields"])

    base = {"title": "T", "body": "B", "audience": "companies"}
    assert post({**base, "companies": []}) == {"companies"}
    assert post({**base, "companies": [999999]}) == {"companies"}
    assert post({**base, "audience": "premises", "premises": [999999, mall.unit.pk]}) == {"premises"}
    assert post({**base, "audience": "everyone"}) == {"audience"}
    assert post({"title": " ", "body": "", "audience": "all_tenants"}) == {"title", "body"}
    assert post({"audience": "all_tenants"}) == {"title", "body"}
    assert post({**base, "companies": ["x"]}) == {"companies.0"}
    with schema_context(mall.schema):
        from tenant_apps.notices.models import Announcement

        assert not Announcement.objects.exists()
    connection.set_schema_to_public()


def test_drafts_change_freely_published_ones_do_not(mall):
    draft = announce(mall, publish=False, audience="companies", companies=[mall.company.pk])
    aid = draft["id"]
    changed = mall.api(
        "dispatcher", "patch", f"/announcements/{aid}/", {"audience": "premises", "premises": [mall.unit.pk]}
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["audience"] == "premises" and body["companies"] == []
    assert body["premises"] == [{"id": mall.unit.pk, "name": "2-14"}]
    switch = mall.api("dispatcher", "patch", f"/announcements/{aid}/", {"audience": "companies"})
    assert switch.status_code == 400 and set(switch.json()["fields"]) == {"companies"}
    assert mall.api("dispatcher", "patch", f"/announcements/{aid}/", {"title": "New title"}).json()[
        "premises"
    ] == [{"id": mall.unit.pk, "name": "2-14"}]

    mall.api("dispatcher", "post", f"/announcements/{aid}/publish/")
    refused = mall.api("dispatcher", "patch", f"/announcements/{aid}/", {"audience": "all_tenants"})
    assert refused.status_code == 400 and set(refused.json()["fields"]) == {"audience"}
    put = mall.api(
        "dispatcher", "put", f"/announcements/{aid}/", {"title": "x", "body": "y", "audience": "all_tenants"}
    )
    assert put.status_code == 400 and {"title", "body", "audience"} <= set(put.json()["fields"])
    twice = mall.api("dispatcher", "post", f"/announcements/{aid}/publish/")
    assert twice.status_code == 409 and twice.json()["code"] == "announcement_state"
    assert mall.api("dispatcher", "delete", f"/announcements/{aid}/").status_code == 409
    assert mall.api("dispatcher", "get", f"/announcements/{aid}/").json()["title"] == "New title"

    other = announce(mall, publish=False)["id"]
    assert mall.api("dispatcher", "post", f"/announcements/{other}/archive/").status_code == 409
    assert mall.api("dispatcher", "delete", f"/announcements/{other}/").status_code == 204
    assert mall.api("dispatcher", "get", f"/announcements/{other}/").status_code == 404


def test_publishing_records_who_and_when_and_archiving_likewise(mall):
    published = announce(mall, who="admin")
    assert published["state"] == "published" and published["published_at"]
    assert published["published_by"] == {
        "id": mall.people["admin"].pk,
        "name": mall.people["admin"].full_name,
    }
    archived = mall.api("marketer", "post", f"/announcements/{published['id']}/archive/").json()
    assert archived["state"] == "archived" and archived["archived_at"]
    assert mall.api("marketer", "post", f"/announcements/{published['id']}/archive/").status_code == 409


@pytest.mark.parametrize(
    "who,may_manage",
    [
        ("admin", True),
        ("dispatcher", True),
        ("marketer", True),  # an engineer in the marketing group
        ("engineer", False),
        ("guard", False),
        ("approver", False),
        ("key_user", False),
        ("employee", False),
        ("visitor", False),
    ],
)
def test_who_manages_announcements(mall, who, may_manage):
    created = mall.api(who, "post", "/announcements/", {"title": "T", "body": "B", "audience": "all_tenants"})
    assert created.status_code == (201 if may_manage else 403), created.content
    existing = announce(mall, publish=False)["id"]
    code = 200 if may_manage else 403
    assert mall.api(who, "patch", f"/announcements/{existing}/", {"title": "X"}).status_code == code
    assert mall.api(who, "get", f"/announcements/{existing}/receipts/").status_code == code
    assert mall.api(who, "post", f"/announcements/{existing}/publish/").status_code == code


def test_publishing_queues_the_mail_after_commit_and_the_mail_goes_once_per_person_in_their_language(
    mall, django_capture_on_commit_callbacks
):
    from tenant_apps.notices import services

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        aid = announce(mall, audience="premises", premises=[mall.extra["floor"].pk])["id"]
    assert len(callbacks) == 1  # the send is queued only once the publishing commits
    assert mail.outbox == []

    with tenant_context(mall.made.account):
        assert services.send_announcement_emails(announcement_id=aid) == 4
        assert services.send_announcement_emails(announcement_id=aid) == 0  # a retry mails nobody again
    connection.set_schema_to_public()
    to = sorted(m.to[0].split("@")[0] for m in mail.outbox)
    assert to == ["coworker", "employee", "florist", "key_user"]
    by_person = {m.to[0].split("@")[0]: m for m in mail.outbox}
    english, russian = by_person["employee"], by_person["florist"]
    assert "Water off on Friday" in english.subject and f"/portal/announcements/{aid}" in english.body
    assert english.body.startswith("Hello Employee") and "Please confirm" in english.body
    assert russian.body.startswith("Здравствуйте") and "From 9 to 11 there is no water." in russian.body


def test_blocked_people_and_other_companies_get_no_mail(mall):
    from tenant_apps.notices import services
    from tenant_apps.people.models import User

    aid = announce(mall, audience="companies", companies=[mall.company.pk])["id"]
    with tenant_context(mall.made.account):
        User.objects.filter(pk=mall.people["coworker"].pk).update(blocked_at="2026-01-01T00:00:00Z")
        services.send_announcement_emails(announcement_id=aid)
    connection.set_schema_to_public()
    assert sorted(m.to[0].split("@")[0] for m in mail.outbox) == ["employee", "key_user"]


def test_announcements_are_in_the_openapi_schema(mall):
    from django.test import Client

    paths = Client().get("/api/schema/?format=json", HTTP_HOST=mall.host).json()["paths"]
    for path in (
        "/api/v1/announcements/",
        "/api/v1/announcements/{id}/",
        "/api/v1/announcements/{id}/publish/",
        "/api/v1/announcements/{id}/archive/",
        "/api/v1/announcements/{id}/confirm/",
        "/api/v1/announcements/{id}/receipts/",
        "/api/v1/announcements/{id}/attachments/",
        "/api/v1/announcements/{id}/attachments/{attachment_id}/",
        "/api/v1/announcement-attachments/{id}/download/",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/v1/announcements/"]["get"]["parameters"]}
    assert {"state", "unconfirmed", "q", "cursor"} <= params
