"""Desk fixtures: a mall account (defaults of its kind) with people in every role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context

from tenant_apps.objects.services import save_location
from tenant_apps.people.models import Company, ResponsibilityGroup, Role, User
from tenant_apps.people.services import create_person
from tests.conftest import PASSWORD, provision


@dataclass
class Mall:
    made: object
    host: str
    people: dict
    company: Company
    other_company: Company
    building_b: object
    unit: object

    @property
    def schema(self) -> str:
        return self.made.account.schema_name

    def client(self, who: str) -> Client:
        client = Client()
        response = client.post(
            "/api/v1/auth/session/",
            {"email": self.people[who].email, "password": PASSWORD},
            content_type="application/json",
            HTTP_HOST=self.host,
        )
        assert response.status_code == 200, response.content
        return client

    def api(self, who: str, method: str, path: str, data=None, **extra):
        client = self.client(who)
        kwargs = {"HTTP_HOST": self.host, **extra}
        if data is not None and method in ("post", "patch", "put"):
            kwargs.setdefault("content_type", "application/json")
        call = getattr(client, method)
        return (
            call(f"/api/v1{path}", data, **kwargs) if data is not None else call(f"/api/v1{path}", **kwargs)
        )


def make_mall(kind: str = "mall_operator") -> Mall:
    made = provision(kind=kind)
    with schema_context(made.account.schema_name):
        connection.tenant = made.account
        shop = Company.objects.create(name="Coffee Point", kind="tenant")
        other = Company.objects.create(name="Book House", kind="tenant")
        site = save_location(location=None, data={"kind": "site", "name": "Mall"})
        building_b = save_location(
            location=None, data={"kind": "building", "name": "Building B", "parent": site}
        )
        floor = save_location(location=None, data={"kind": "floor", "name": "Floor 2", "parent": building_b})
        unit = save_location(
            location=None, data={"kind": "unit", "name": "2-14", "parent": floor, "company": shop}
        )
        people = {"admin": made.admin}
        specs = {
            "dispatcher": (Role.DISPATCHER, None),
            "engineer": (Role.ENGINEER, None),
            "engineer2": (Role.ENGINEER, None),
            "plumber": (Role.ENGINEER, None),
            "guard": (Role.GUARD, None),
            "approver": (Role.APPROVER, None),
            "key_user": (Role.KEY_USER, shop),
            "employee": (Role.EMPLOYEE, shop),
            "coworker": (Role.EMPLOYEE, shop),
            "other_shop": (Role.KEY_USER, other),
            "visitor": (Role.VISITOR, None),
        }
        for name, (role, company) in specs.items():
            person = create_person(
                email=f"{name}@{made.account.slug}.example",
                full_name=name.title(),
                password=PASSWORD,
                role=role,
                validate=False,
            )
            if company is not None:
                User.objects.filter(pk=person.pk).update(company=company)
                person.company = company
            people[name] = person
        groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
        if "plumbing" in groups:
            groups["plumbing"].members.add(people["plumber"])
            groups["engineering"].members.add(people["engineer"], people["engineer2"])
            groups["security"].members.add(people["guard"])
            groups["operations"].members.add(people["dispatcher"])
    connection.set_schema_to_public()
    return Mall(made, made.host, people, shop, other, building_b, unit)


@pytest.fixture
def mall(db):
    return make_mall()
