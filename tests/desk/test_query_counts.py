"""Lists and ticket details cost a fixed number of SQL queries, however many rows they show.

Each endpoint is measured with a few rows, then again after many more rows (with comments, watchers,
contacts, group memberships...) were added: the count must not change, and must stay under a ceiling.
A warm-up request runs first each time, and the account-by-host cache is made to outlive the test,
so the (briefly cached) account lookup does not land in one measurement and not the other.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.objects.services import save_location
from tenant_apps.people.models import Company, ResponsibilityGroup, Role, User
from tenant_apps.people.services import create_person

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _steady_account_cache(settings):
    settings.ACCOUNT_CACHE_SECONDS = 3600


# Ceilings, queries per request including authentication (session and person) and the page itself.
# The ticket list joins type and status and prefetches six other references (one small query each):
# more statements than one big join, but PostgreSQL plans each in well under a millisecond, where the
# nine-table join cost tens of milliseconds of planning per page (bench/desk_api.py).
LIST_CEILING = 10
DETAIL_CEILING = 14
DIRECTORY_CEILING = 8


class Count(int):
    """A number of queries that shows the queries themselves when an assertion fails."""

    sql: list[str]

    def __repr__(self) -> str:
        return f"{int(self)} queries:\n" + "\n".join(f"  {q[:300]}" for q in self.sql)


def count(client: Client, host: str, path: str, params=None) -> tuple[Count, dict]:
    warm = client.get(path, params, HTTP_HOST=host)
    assert warm.status_code == 200, warm.content
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, params, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    result = Count(len(queries))
    result.sql = [q["sql"] for q in queries.captured_queries]
    return result, response.json()


def file_leaks(mall, client: Client, n: int, *, busy: bool) -> list[int]:
    ids = []
    watchers = [mall.people[w].pk for w in ("dispatcher", "engineer", "engineer2", "guard")]
    for i in range(n):
        response = client.post(
            "/api/v1/tickets/",
            {
                "type": "leak" if i % 2 else "breakdown",
                "title": f"Problem {i}",
                "fields": {"severity": "drip"} if i % 2 else {},
                "location": mall.unit.pk,
                "company": mall.company.pk,
                "watchers": watchers if busy else [],
            },
            content_type="application/json",
            HTTP_HOST=mall.host,
        )
        assert response.status_code == 201, response.content
        ids.append(response.json()["id"])
        if busy:
            for body, internal in (("On it", False), ("Parts ordered", True)):
                comment = client.post(
                    f"/api/v1/tickets/{ids[-1]}/comments/",
                    {"body": body, "internal": internal},
                    content_type="application/json",
                    HTTP_HOST=mall.host,
                )
                assert comment.status_code == 201, comment.content
    return ids


READERS = ["dispatcher", "plumber", "key_user"]  # a manager, an agent, a requester (sees via company)


def test_ticket_list_costs_the_same_for_3_and_33_tickets(mall):
    staff = mall.client("dispatcher")
    readers = {who: mall.client(who) for who in READERS}
    file_leaks(mall, staff, 3, busy=False)
    few = {}
    for who, reader in readers.items():
        few[who], page = count(reader, mall.host, "/api/v1/tickets/")
        assert len(page["results"]) == 3, who
    file_leaks(mall, staff, 30, busy=True)
    for who, reader in readers.items():
        many, page = count(reader, mall.host, "/api/v1/tickets/")
        assert len(page["results"]) == 33, who  # the key user sees them all: they are the company's
        assert many == few[who], who
        assert many <= LIST_CEILING, who


def test_ticket_detail_costs_the_same_with_many_comments_and_watchers(mall):
    staff = mall.client("dispatcher")
    readers = {who: mall.client(who) for who in READERS}
    (quiet,) = file_leaks(mall, staff, 1, busy=False)
    few = {}
    for who, reader in readers.items():
        few[who], body = count(reader, mall.host, f"/api/v1/tickets/{quiet}/")
        assert body["watchers"] == [], who
    busy = file_leaks(mall, staff, 30, busy=True)
    # the busiest ticket: 30 more comments and every other person watching
    target = busy[-1]
    for i in range(30):
        assert (
            staff.post(
                f"/api/v1/tickets/{target}/comments/",
                {"body": f"Update {i}"},
                content_type="application/json",
                HTTP_HOST=mall.host,
            ).status_code
            == 201
        )
    everyone = [p.pk for name, p in mall.people.items() if name != "visitor"]
    assert (
        staff.post(
            f"/api/v1/tickets/{target}/watchers/",
            {"add": everyone},
            content_type="application/json",
            HTTP_HOST=mall.host,
        ).status_code
        == 200
    )
    for who, reader in readers.items():
        many, body = count(reader, mall.host, f"/api/v1/tickets/{target}/")
        assert len(body["watchers"]) == len(everyone), who
        assert many == few[who], who
        assert many <= DETAIL_CEILING, who


def _add_people(mall, n: int, start: int) -> None:
    with schema_context(mall.schema):
        groups = list(ResponsibilityGroup.objects.all()[:3])
        for i in range(start, start + n):
            role = Role.ENGINEER if i % 2 else Role.EMPLOYEE
            person = create_person(
                email=f"person{i}@{mall.made.account.slug}.example",
                full_name=f"Person {i}",
                password=None,
                role=role,
                validate=False,
            )
            if role == Role.ENGINEER:
                person.responsibility_groups.set(groups)
            else:
                User.objects.filter(pk=person.pk).update(company=mall.company)
    connection.set_schema_to_public()


def _add_companies(mall, n: int, start: int) -> None:
    with schema_context(mall.schema):
        for i in range(start, start + n):
            company = Company.objects.create(name=f"Shop {i}")
            company.contacts.create(name=f"Manager {i}", phone="+1 555 0100")
            company.contacts.create(name=f"Accountant {i}")
            key = create_person(
                email=f"key{i}@{mall.made.account.slug}.example",
                full_name=f"Key {i}",
                password=None,
                role=Role.KEY_USER,
                validate=False,
            )
            User.objects.filter(pk=key.pk).update(company=company)
    connection.set_schema_to_public()


def _add_locations(mall, n: int, start: int) -> None:
    with schema_context(mall.schema):
        parent = mall.unit.parent
        for i in range(start, start + n):
            save_location(
                location=None,
                data={
                    "kind": "unit",
                    "name": f"2-{i}",
                    "parent": parent,
                    "company": mall.company if i % 2 else None,
                },
            )
    connection.set_schema_to_public()


DIRECTORY = {
    # endpoint: (add rows, rows shown before, rows shown after)
    "people": (_add_people, 12 + 3, 12 + 33),
    "companies": (_add_companies, 2 + 3, 2 + 33),
    "locations": (_add_locations, 4 + 3, 4 + 33),
}


@pytest.mark.parametrize("endpoint", sorted(DIRECTORY))
def test_directory_lists_cost_the_same_for_few_and_many_rows(mall, endpoint):
    add, before, after = DIRECTORY[endpoint]
    admin = mall.client("admin")
    add(mall, 3, 0)
    few, page = count(admin, mall.host, f"/api/v1/{endpoint}/")
    assert len(page["results"]) == before
    add(mall, 30, 3)
    many, page = count(admin, mall.host, f"/api/v1/{endpoint}/")
    assert len(page["results"]) == after
    assert many == few
    assert many <= DIRECTORY_CEILING
