"""Announcements fixtures: the desk's mall (people in every role, two tenants, Building B with a
leased unit) plus what audiences need: a second leased unit on the same floor, a contractor, an
inactive tenant and an engineer in the marketing group."""

from __future__ import annotations

import pytest

from tenant_apps.objects.models import Location
from tenant_apps.objects.services import save_location
from tenant_apps.people.models import Company, ResponsibilityGroup, Role, User
from tenant_apps.people.services import create_person
from tests.support.context import in_account
from tests.support.worlds import PASSWORD, Mall, make_mall

PNG = (  # a valid 1x1 PNG as Pillow writes it: uploads re-encode images, and this one stays the same
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\xdac\xf8\xff\xff?\x03\x00\x08\xfc\x02\xfex\xc4\xb2\xb0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def attach_key_user(company: Company, email: str) -> User:
    """A key user who accepted their invitation: what makes a tenant's card active."""
    person = create_person(
        email=email, full_name=company.name, password=PASSWORD, role=Role.KEY_USER, validate=False
    )
    User.objects.filter(pk=person.pk).update(company=company)
    return person


def make_notices_mall() -> Mall:
    mall = make_mall()
    with in_account(mall):
        floor = Location.objects.get(pk=mall.unit.parent_id)
        neighbour = Company.objects.create(name="Flower Room", kind="tenant")
        save_location(
            location=None, data={"kind": "unit", "name": "2-15", "parent": floor, "company": neighbour}
        )
        site = Location.objects.get(parent__isnull=True)
        building_a = save_location(
            location=None, data={"kind": "building", "name": "Building A", "parent": site}
        )
        far = Company.objects.create(name="Kids Planet", kind="tenant")
        attach_key_user(far, f"kids@{mall.made.account.slug}.example")  # a card is active with a key user
        save_location(
            location=None, data={"kind": "unit", "name": "1-01", "parent": building_a, "company": far}
        )
        contractor = Company.objects.create(name="Glass Pro", kind="contractor")
        closed = Company.objects.create(name="Gone Shoes", kind="tenant")  # no key user: inactive
        florist = create_person(
            email=f"florist@{mall.made.account.slug}.example",
            full_name="Florist",
            password=PASSWORD,
            role=Role.KEY_USER,
            validate=False,
            language="ru",
        )
        User.objects.filter(pk=florist.pk).update(company=neighbour)
        marketer = create_person(
            email=f"marketer@{mall.made.account.slug}.example",
            full_name="Marketer",
            password=PASSWORD,
            role=Role.ENGINEER,
            validate=False,
        )
        ResponsibilityGroup.objects.get(code="marketing").members.add(marketer)
        mall.people["florist"] = florist
        mall.people["marketer"] = marketer
        mall.extra = {
            "floor": floor,
            "building_a": building_a,
            "neighbour": neighbour,
            "far": far,
            "contractor": contractor,
            "closed": closed,
        }
    return mall


@pytest.fixture
def mall(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return make_notices_mall()


def announce(mall: Mall, who: str = "dispatcher", publish: bool = True, **data) -> dict:
    body = {
        "title": "Water off on Friday",
        "body": "From 9 to 11 there is no water.",
        "audience": "all_tenants",
    }
    body.update(data)
    created = mall.api(who, "post", "/announcements/", body)
    assert created.status_code == 201, created.content
    if not publish:
        return created.json()
    published = mall.api(who, "post", f"/announcements/{created.json()['id']}/publish/")
    assert published.status_code == 200, published.content
    return published.json()


def receipt_names(mall: Mall, aid: int) -> set[str]:
    response = mall.api("dispatcher", "get", f"/announcements/{aid}/receipts/")
    assert response.status_code == 200, response.content
    return {r["company"]["name"] for r in response.json()["receipts"]}
