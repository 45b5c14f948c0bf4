"""What an employee may file: their key user narrows the company's types per employee; the filing
and the type list obey it; only the key user's own employees, only types the company may file."""

from __future__ import annotations

import pytest

from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)
from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def type_ids(mall, who) -> dict[str, int]:
    return {t["code"]: t["id"] for t in mall.api(who, "get", "/ticket-types/?fileable=1").json()}


def choice(mall, who, person, types):
    return mall.api(who, "put", f"/team/{mall.people[person].pk}/filing/", {"types": types})


def test_key_user_narrows_what_an_employee_may_files_and_filing_obeys(mall):
    company = type_ids(mall, "employee")
    assert {"leak", "dirt"} <= set(company)
    shown = mall.api("key_user", "get", f"/team/{mall.people['employee'].pk}/filing/").json()
    assert shown["restricted"] is False
    assert {t["code"] for t in shown["types"]} == set(company)
    assert all(t["allowed"] for t in shown["types"])

    narrowed = choice(mall, "key_user", "employee", [company["dirt"]])
    assert narrowed.status_code == 200, narrowed.content
    assert narrowed.json()["restricted"] is True
    assert {t["code"] for t in narrowed.json()["types"] if t["allowed"]} == {"dirt"}
    assert set(type_ids(mall, "employee")) == {"dirt"}
    refused = mall.api(
        "employee", "post", "/tickets/", {"type": "leak", "title": "A leak", "fields": {"severity": "drip"}}
    )
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert mall.api("employee", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).status_code == 201
    # a colleague and the key user are not narrowed by it
    assert set(type_ids(mall, "coworker")) == set(company)
    assert "leak" in type_ids(mall, "key_user")
    # an agent may still file a leak on the employee's behalf
    on_behalf = mall.api(
        "dispatcher",
        "post",
        "/tickets/",
        {
            "type": "leak",
            "title": "A leak",
            "fields": {"severity": "drip"},
            "requester": mall.people["employee"].pk,
        },
    )
    assert on_behalf.status_code == 201, on_behalf.content

    nothing = choice(mall, "key_user", "employee", [])
    assert nothing.status_code == 200 and type_ids(mall, "employee") == {}
    assert mall.api("employee", "post", "/tickets/", {"type": "dirt", "title": "Spill"}).status_code == 403
    back = choice(mall, "key_user", "employee", None)
    assert back.status_code == 200 and back.json()["restricted"] is False
    assert set(type_ids(mall, "employee")) == set(company)
    # choosing every type the company may file is the default again
    assert choice(mall, "key_user", "employee", list(company.values())).json()["restricted"] is False


def test_only_types_the_company_may_file_and_only_own_employees(mall):
    from tenant_apps.desk.models import TicketType

    with in_account(mall):
        staff_only = TicketType.objects.get(code="climate")
        staff_only.filing_roles = ["dispatcher"]
        staff_only.save(update_fields=["filing_roles"])
        staff_only = staff_only.pk
    dirt = type_ids(mall, "employee")["dirt"]
    bad = choice(mall, "key_user", "employee", [dirt, staff_only])
    assert bad.status_code == 400 and "types" in bad.json()["fields"]
    assert choice(mall, "key_user", "employee", ["dirt"]).status_code == 400
    assert choice(mall, "key_user", "employee", {"x": 1}).status_code == 400
    # another company's key user, the employee themselves, an agent: never
    assert choice(mall, "other_shop", "employee", [dirt]).status_code == 404
    assert choice(mall, "employee", "coworker", [dirt]).status_code == 403
    assert choice(mall, "dispatcher", "employee", [dirt]).status_code == 403
    # a key user does not narrow themselves or another key user
    assert choice(mall, "key_user", "key_user", [dirt]).status_code == 400
    assert set(type_ids(mall, "employee")) != {"dirt"}


def test_a_choice_in_another_account_never_narrows_anyone_here(mall):
    other = make_mall()
    before = type_ids(mall, "employee")
    # ids are per account: the same number names the other account's own employee there
    answer = other.api("key_user", "put", f"/team/{other.people['employee'].pk}/filing/", {"types": []})
    assert answer.status_code == 200, answer.content
    assert type_ids(other, "employee") == {}
    assert type_ids(mall, "employee") == before != {}
    with in_account(mall):
        from tenant_apps.people.models import User

        assert not User.objects.filter(filing_type_ids__isnull=False).exists()
