"""Worlds: accounts created through `provision_account` exactly as sign-up does, and what lives in
them (the mall with people in every role, a mall and its contractor in a partnership), plus a few
actions through the product that several areas need (a leak filed, a pass request approved)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection
from django.test import Client

from tests.support.clients import PASSWORD, api_call, signed_in_client
from tests.support.context import in_account

__all__ = [
    "PASSWORD",
    "TERMS",
    "Mall",
    "Pair",
    "complete_approval",
    "day",
    "drain",
    "file_leak",
    "file_request",
    "forward",
    "make_mall",
    "make_operator",
    "make_pair",
    "post_leak",
    "provision",
    "request_body",
    "start_handoff",
    "type_ids",
    "unique_slug",
]


def unique_slug(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def provision(**overrides):
    """A new account through `provision_account` (the admin's password is PASSWORD; English, UTC)."""
    from tenants_shared.accounts.services import provision_account

    slug = overrides.pop("slug", None) or unique_slug()
    fields = dict(
        name=f"Account {slug}",
        slug=slug,
        kind="mall_operator",
        admin_name="Alice Admin",
        admin_email=f"admin@{slug}.example",
        admin_password=PASSWORD,
        language="en",
        time_zone="UTC",
        send_welcome=False,
    )
    fields.update(overrides)
    return provision_account(**fields)


# ---------------------------------------------------------------------------- the mall
@dataclass
class Mall:
    """An account of its kind's defaults with people in every role (`people[name]`), two tenant
    companies, Building B and a unit leased by `company`."""

    made: object
    host: str
    people: dict
    company: object
    other_company: object
    building_b: object
    unit: object
    extra: dict = field(default_factory=dict)

    @property
    def schema(self) -> str:
        return self.made.account.schema_name

    @property
    def account(self):
        return self.made.account

    def client(self, who: str) -> Client:
        return signed_in_client(self.host, self.people[who].email)

    def api(self, who: str, method: str, path: str, data=None, **extra):
        return api_call(self.client(who), self.host, method, path, data, **extra)


MALL_PEOPLE = {  # name: (role, which company: "shop", "other" or None)
    "dispatcher": ("dispatcher", None),
    "engineer": ("engineer", None),
    "engineer2": ("engineer", None),
    "plumber": ("engineer", None),
    "guard": ("guard", None),
    "approver": ("approver", None),
    "key_user": ("key_user", "shop"),
    "employee": ("employee", "shop"),
    "coworker": ("employee", "shop"),
    "other_shop": ("key_user", "other"),
    "visitor": ("visitor", None),
}


def make_mall(kind: str = "mall_operator") -> Mall:
    from tenant_apps.objects.services import save_location
    from tenant_apps.people.models import Company, ResponsibilityGroup, Role, User
    from tenant_apps.people.services import create_person

    made = provision(kind=kind)
    with in_account(made):
        shop = Company.objects.create(name="Coffee Point", kind="tenant")
        other = Company.objects.create(name="Book House", kind="tenant")
        companies = {"shop": shop, "other": other}
        site = save_location(location=None, data={"kind": "site", "name": "Mall"})
        building_b = save_location(
            location=None, data={"kind": "building", "name": "Building B", "parent": site}
        )
        floor = save_location(location=None, data={"kind": "floor", "name": "Floor 2", "parent": building_b})
        unit = save_location(
            location=None, data={"kind": "unit", "name": "2-14", "parent": floor, "company": shop}
        )
        people = {"admin": made.admin}
        for name, (role, company) in MALL_PEOPLE.items():
            person = create_person(
                email=f"{name}@{made.account.slug}.example",
                full_name=name.title(),
                password=PASSWORD,
                role=Role(role),
                validate=False,
            )
            if company is not None:
                User.objects.filter(pk=person.pk).update(company=companies[company])
                person.company = companies[company]
            people[name] = person
        groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
        if "plumbing" in groups:
            groups["plumbing"].members.add(people["plumber"])
            groups["engineering"].members.add(people["engineer"], people["engineer2"])
            groups["security"].members.add(people["guard"])
            groups["operations"].members.add(people["dispatcher"])
    return Mall(made, made.host, people, shop, other, building_b, unit)


def file_leak(mall: Mall, title: str = "Water under the escalator"):
    """The key user files a leak at their unit (desk services, for real)."""
    from tenant_apps.desk import services as desk
    from tenant_apps.desk.models import TicketType

    with in_account(mall):
        return desk.file_ticket(
            actor=mall.people["key_user"],
            ticket_type=TicketType.objects.get(code="leak"),
            title=title,
            description="Near the north escalator",
            fields={"severity": "stream"},
            location=mall.unit.pk,
        )


# ---------------------------------------------------------------------------- a partnership
TERMS = {
    "type_map": {"leak": "work_order", "breakdown": "work_order"},
    "status_to_provider": {"closed": "closed", "in_progress": "in_progress", "cancelled": "declined"},
    "status_to_requester": {"done": "resolved", "in_progress": "in_progress", "declined": "cancelled"},
    "attachments": True,
}


@dataclass
class Pair:
    mall: Mall
    contractor: Mall
    partnership: object

    def in_mall(self):
        return in_account(self.mall)

    def in_contractor(self):
        return in_account(self.contractor)


def make_pair(terms: dict | None = None, *, accept: bool = True) -> Pair:
    """A mall and a contractor account; the mall invites, the contractor accepts (unless not)."""
    from federation import services

    mall, contractor = make_mall(), make_mall("contractor")
    with in_account(mall):
        p = services.invite_partner(
            actor=mall.people["admin"],
            partner=contractor.made.account.slug,
            terms=terms or TERMS,
            note="Escalators",
        )
    if accept:
        with in_account(contractor):
            p = services.accept_partnership(actor=contractor.people["admin"], partnership=p, terms={})
    return Pair(mall, contractor, p)


# ---------------------------------------------------------------------------- pass requests
def day(offset: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()  # accounts here run on UTC


def request_body(**overrides) -> dict:
    body = {
        "kind": "temporary",
        "holders": [{"name": "Ivan Petrov", "document": "Passport 4510 123456"}],
        "valid_from": day(0),
        "valid_until": day(5),
        "purpose": "Fitting the new shop window",
        "required_documents": ["Passport"],
    }
    body.update(overrides)
    return body


def file_request(mall: Mall, who: str = "key_user", **overrides) -> dict:
    response = mall.api(who, "post", "/pass-requests/", request_body(**overrides))
    assert response.status_code == 201, response.content
    return response.json()


def complete_approval(mall: Mall, ticket_id: int, outcome: str = "approved") -> None:
    """Everyone owed a decision in the request's open approval round decides (tenant_apps.approvals,
    for real): "approved", "approved_with_remarks" (the first with a remark), "needs_rework" or
    "rejected" (the first decider ends the round)."""
    from tenant_apps.approvals.models import ApprovalStep
    from tenant_apps.approvals.services import decide
    from tenant_apps.desk.models import Ticket
    from tenant_apps.people.models import AGENT_ROLES

    with in_account(mall):
        ticket = Ticket.objects.get(pk=ticket_id)
        steps = ApprovalStep.objects.filter(round__ticket=ticket, round__outcome="", decision="")
        deciders = [
            step.approver or step.group.members.filter(role__in=AGENT_ROLES).order_by("id").first()
            for step in steps.select_related("approver", "group")
        ]
        assert deciders and all(deciders), "the request has no open round with someone to decide"
        for i, person in enumerate(deciders):
            decision = outcome if (i == 0 or outcome == "approved") else "approved"
            comment = "" if decision == "approved" else f"{decision} by {person.full_name}"
            decide(actor=person, ticket=ticket, decision=decision, comment=comment)
            if decision in ("needs_rework", "rejected"):
                break
    connection.set_schema_to_public()


def forward(pair: Pair, ticket, note: str = "Please send someone today"):
    """The mall's dispatcher forwards the ticket to the contractor (federation, for real)."""
    from federation import services

    with pair.in_mall():
        return services.forward_ticket(
            actor=pair.mall.people["dispatcher"], ticket=ticket, partnership_id=pair.partnership.pk, note=note
        )


def drain(mall: Mall) -> int:
    """Drain every link of the account that has unsent messages (what the drain task does);
    returns how many were sent."""
    from federation import services
    from federation.models import OutboxMessage

    sent = 0
    with in_account(mall):
        links = set(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("link_id", flat=True))
        for link_id in links:
            sent += services.drain_link(link_id=str(link_id))
    return sent


# ---------------------------------------------------------------------------- over the API
def type_ids(mall: Mall) -> dict[str, int]:
    """The account's ticket types, code -> id, as its admin lists them."""
    return {t["code"]: t["id"] for t in mall.api("admin", "get", "/ticket-types/").json()}


def post_leak(mall: Mall, who: str = "employee") -> dict:
    """A leak filed over the API at the mall's unit; the ticket as answered (201)."""
    response = mall.api(
        who,
        "post",
        "/tickets/",
        {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}, "location": mall.unit.pk},
    )
    assert response.status_code == 201, response.content
    return response.json()


# ---------------------------------------------------------------------------- platform operators
def make_operator(role: str):
    """A platform operator of that console role (public schema, with a TOTP device)."""
    from tenants_shared.console.services import create_operator

    connection.set_schema_to_public()
    return create_operator(
        email=f"{role}-{uuid.uuid4().hex[:8]}@ops.example",
        full_name=f"{role.title()} Operator",
        password=PASSWORD,
        role=role,
    )


def start_handoff(mall: Mall, role: str = "support", **kwargs):
    """An operator of `role` starts impersonating in the mall's account; (operator, handoff)."""
    from tenants_shared.console.services import start_impersonation

    made = make_operator(role)
    kwargs.setdefault("reason", "customer asked for help with routing")
    return made, start_impersonation(operator=made.user, account=mall.made.account, **kwargs)
