"""Demo desk content for the demo accounts: companies, places, teams and realistic tickets, all
created through the same services users go through (so routing, events and search are real)."""

from __future__ import annotations

import random

from django.db import connection

from tenant_apps.objects.services import save_equipment, save_location
from tenant_apps.people.models import Company, CompanyKind, ResponsibilityGroup, Role, User
from tenant_apps.people.services import save_company

from .default_names import default_name
from .models import Ticket, TicketType
from .services import add_comment, file_ticket, transition_ticket

MALL_TICKETS = [
    ("leak", "A tap is leaking in unit {unit}", {"severity": "stream"}),
    ("leak", "Water on the floor near the fountain", {"severity": "flood"}),
    ("breakdown", "Door closer broken at the service entrance", {}),
    ("breakdown", "Lights flicker in the corridor by unit {unit}", {}),
    ("climate", "Too hot in the shop all afternoon", {"feeling": "too_hot", "temperature": 29}),
    ("climate", "Холодно в торговом зале", {"feeling": "too_cold", "temperature": 16}),
    ("dirt", "Spilled coffee in front of unit {unit}", {}),
    ("no_water", "Нет горячей воды в санузле", {"hot_or_cold": "hot"}),
    (
        "goods_in",
        "Goods move-in: new collection",
        {
            "when": "2026-12-01T07:00:00+03:00",
            "goods": "12 boxes of clothes",
            "vehicle_plate": "А123ВС77",
            "loaders": 2,
        },
    ),
    (
        "works_permit",
        "Replace the shop window",
        {
            "works_kind": "repair",
            "start": "2026-12-03T22:00:00+03:00",
            "finish": "2026-12-04T06:00:00+03:00",
            "contractor": "Glass Pro",
            "hot_works": False,
        },
    ),
    ("marketing_event", "Christmas tasting", {"event_date": "2026-12-20", "place": "Atrium, ground floor"}),
    (
        "pass",
        "Temporary pass for a fitter",
        {
            "pass_kind": "temporary",
            "person_name": "Ivan Petrov",
            "valid_from": "2026-12-01",
            "valid_to": "2026-12-05",
        },
    ),
]


def _mall(people: dict[str, User]) -> None:
    rng = random.Random(7)
    site = save_location(location=None, data={"kind": "site", "name": "Zelenopark"})
    units = []
    shops = list(User.objects.filter(role=Role.KEY_USER).order_by("email"))
    for b in ("A", "B"):
        building = save_location(
            location=None, data={"kind": "building", "name": f"Building {b}", "parent": site}
        )
        for f in (1, 2):
            floor = save_location(
                location=None, data={"kind": "floor", "name": f"{b}{f}", "parent": building}
            )
            for u in range(1, 4):
                units.append(
                    save_location(
                        location=None, data={"kind": "unit", "name": f"{b}{f}-{u:02d}", "parent": floor}
                    )
                )
    for index, key_user in enumerate(shops):
        name = key_user.full_name.removesuffix(" manager")
        company = save_company(
            actor=None,  # the platform loads the demo: nobody of the account made it
            company=None,
            data={
                "kind": CompanyKind.TENANT,
                "name": name,
                "legal_name": f"LLC {name}",
                "external_id": f"1C-{index + 1:04d}",
                "contacts": [{"name": key_user.full_name, "email": key_user.email}],
            },
        )
        key_user.company = company
        key_user.save(update_fields=["company"])
        unit = units[index % len(units)]
        save_location(location=unit, data={"company": company})
    save_equipment(
        equipment=None,
        data={
            "kind": "escalator",
            "name": "Escalator E1",
            "model": "KONE TravelMaster",
            "serial_number": "KX-2231",
            "location": site,
        },
    )
    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    groups["engineering"].members.add(people["engineer"])
    groups["plumbing"].members.add(people["engineer"])
    groups["security"].members.add(people["guard"])
    groups["operations"].members.add(people["dispatcher"])
    groups["cleaning"].members.add(people["dispatcher"])
    types = {t.code: t for t in TicketType.objects.all()}
    for i, (code, title, fields) in enumerate(MALL_TICKETS * 3):
        requester = shops[i % len(shops)]
        unit = premises_of(requester) or units[0]
        ticket = file_ticket(
            actor=requester,
            ticket_type=types[code],
            title=title.format(unit=unit.name),
            fields=fields,
            location=unit,
            channel=rng.choice(["web", "web", "api", "qr"]),
        )
        _progress(ticket, people, rng)
    _approval_stories(people, shops, types)
    _confirmation_stories(people, shops[0], types)


def _confirmation_stories(people: dict[str, User], shop: User, types: dict[str, TicketType]) -> None:
    """The first shop's resolved work, as its portal shows it: two repairs waiting for the shop's
    confirmation, one confirmed and rated, one returned for rework."""
    from . import confirmation

    unit = premises_of(shop)
    stories = [
        ("leak", "Dripping pipe under the sink in {unit}", {"severity": "drip"}, "await"),
        ("breakdown", "Shutter of unit {unit} sticks halfway", {}, "await"),
        ("breakdown", "Socket sparks behind the counter", {}, "rate"),
        ("climate", "Air conditioner noisy at night", {"feeling": "too_hot", "temperature": 27}, "return"),
    ]
    for code, title, fields, ending in stories:
        ticket = file_ticket(
            actor=shop,
            ticket_type=types[code],
            title=title.format(unit=unit.name if unit else "the shop"),
            fields=fields,
            location=unit,
        )
        transition_ticket(actor=people["admin"], ticket=ticket, to="in_progress")
        transition_ticket(
            actor=people["admin"], ticket=ticket, to="resolved", comment="Fixed, please check and confirm."
        )
        ticket.refresh_from_db()
        if ending == "rate":
            confirmation.confirm_resolution(actor=shop, ticket=ticket)
            confirmation.rate_ticket(actor=shop, ticket=ticket, score=5, comment="Quick and tidy, thank you!")
        elif ending == "return":
            confirmation.return_for_rework(actor=shop, ticket=ticket, reason="Still rattles after 22:00.")


def _approval_stories(people: dict[str, User], shops: list[User], types: dict[str, TicketType]) -> None:
    """What the approval process looks like on a working day: a move-in approved and checked in
    at the gate, works approved with remarks, a move-out returned for rework and resubmitted, an
    event rejected; the rest of the requests above wait in the approvers' queues."""
    from tenant_apps.approvals.services import decide, resubmit

    from .checklists import tick

    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    groups["marketing"].members.add(people["dispatcher"])
    if "approver" in people:  # the demo approver decides goods moves and events (README's login)
        groups["operations"].members.add(people["approver"])
        groups["marketing"].members.add(people["approver"])
    shop = shops[0]
    place = premises_of(shop)

    def filed(code, title, fields):
        return file_ticket(actor=shop, ticket_type=types[code], title=title, fields=fields, location=place)

    goods = {"when": "2026-12-02T07:30:00+03:00", "goods": "Shelving, 6 pallets", "vehicle_plate": "В456ОР77"}
    move_in = filed("goods_in", "Move-in: shelving for the new section", goods)
    decide(actor=people["dispatcher"], ticket=move_in, decision="approved")
    move_in.refresh_from_db()
    brought = move_in.checklist.get(label=default_name("Goods brought in", connection.tenant.language))
    tick(actor=people["guard"], ticket=move_in, item_id=brought.pk, value=True, comment="Gate 2, 07:40")
    transition_ticket(actor=people["guard"], ticket=move_in, to="completed")

    works = filed(
        "works_permit",
        "Electrical works: new lighting over the counter",
        {
            "works_kind": "electrical",
            "start": "2026-12-04T23:00:00+03:00",
            "finish": "2026-12-05T05:00:00+03:00",
            "contractor": "Svet Montazh",
            "hot_works": False,
        },
    )
    decide(
        actor=people["engineer"],
        ticket=works,
        decision="approved_with_remarks",
        comment="Only after 23:00; switch off line 3 with the duty electrician.",
    )
    decide(actor=people["guard"], ticket=works, decision="approved")

    move_out = filed(
        "goods_out", "Move-out: old counters", {"when": "2026-12-06T08:00:00+03:00", "goods": "2 counters"}
    )
    decide(
        actor=people["dispatcher"],
        ticket=move_out,
        decision="needs_rework",
        comment="Give the truck's plate.",
    )
    move_out.refresh_from_db()
    resubmit(
        actor=shop, ticket=move_out, changes={"fields": {"vehicle_plate": "Е001КХ77"}}, comment="Plate added."
    )
    decide(actor=people["dispatcher"], ticket=move_out, decision="approved")

    event = filed("marketing_event", "Kids' drawing contest", {"event_date": "2026-12-13", "place": "Atrium"})
    decide(
        actor=people["dispatcher"],
        ticket=event,
        decision="rejected",
        comment="The atrium is booked that weekend.",
    )


def premises_of(user: User):
    return user.company.premises.first() if user.company_id else None


def _progress(ticket: Ticket, people: dict[str, User], rng: random.Random) -> None:
    """Move some tickets along, with the conversation a real desk has."""
    step = rng.random()
    if step < 0.3:
        return
    staff = people["admin"]
    keys = [t.target.key for t in ticket.status.outgoing.select_related("target")]
    first = next((k for k in ("in_progress", "in_review", "assigned") if k in keys), None)
    if first is None:
        return
    transition_ticket(actor=staff, ticket=ticket, to=first)
    add_comment(actor=staff, ticket=ticket, body="We are on it.", internal=False)
    if step > 0.6:
        add_comment(
            actor=staff, ticket=ticket, body="Check the warranty before ordering parts.", internal=True
        )
    ticket.refresh_from_db()
    done = next(
        (t for t in ticket.status.outgoing.select_related("target") if t.target.category == "resolved"), None
    )
    if step > 0.7 and done is not None:
        transition_ticket(actor=staff, ticket=ticket, to=done.target.key, comment="Done, please check.")


def _chain(people: dict[str, User]) -> None:
    stores = []
    for name in ("Store 1, Lenina 5", "Store 2, Mira 12", "Pharmacy 1, Sadovaya 3"):
        company = Company.objects.create(kind=CompanyKind.STORE, name=name)
        stores.append(
            (company, save_location(location=None, data={"kind": "store", "name": name, "company": company}))
        )
    for person, (company, _loc) in zip(
        User.objects.filter(role=Role.EMPLOYEE).order_by("email"), stores, strict=False
    ):
        person.company = company
        person.save(update_fields=["company"])
    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    groups["facilities"].members.add(people["engineer"])
    groups["it"].members.add(people["engineer"])
    types = {t.code: t for t in TicketType.objects.all()}
    samples = [
        ("maintenance", "Fridge is not cooling", {"equipment_kind": "refrigeration"}),
        ("it", "Кассовый терминал не печатает чеки", {"system": "pos"}),
        ("purchase", "Shelves for the new section", {"items": "4 shelves, 120 cm", "budget": 48000}),
    ]
    rng = random.Random(11)
    for person in User.objects.filter(role=Role.EMPLOYEE):
        for code, title, fields in samples:
            ticket = file_ticket(
                actor=person,
                ticket_type=types[code],
                title=title,
                fields=fields,
                location=premises_of(person),
            )
            _progress(ticket, people, rng)


def _contractor(people: dict[str, User]) -> None:
    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    groups["field_engineers"].members.add(people["engineer"], people["engineer2"])
    groups["dispatch"].members.add(people["dispatcher"])
    client = Company.objects.create(kind=CompanyKind.TENANT, name="Zelenopark (client)")
    work_order = TicketType.objects.get(code="work_order")
    for title in ("Escalator E1: annual maintenance", "Escalator E1: handrail squeaks"):
        file_ticket(
            actor=people["dispatcher"],
            ticket_type=work_order,
            title=title,
            company=client,
            fields={"client_reference": "ZP-" + title[-5:]},
        )


FILLERS = {"mall_operator": _mall, "retail_chain": _chain, "contractor": _contractor}


def fill_demo_desk(kind: str) -> None:
    """Call inside the account's schema (with connection.tenant set) once, after its people exist."""
    if Ticket.objects.exists() or kind not in FILLERS or not TicketType.objects.exists():
        return  # filled already, or an account from before its kind had a default desk
    slug = connection.tenant.slug
    people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith=f"@{slug}.demo")}
    FILLERS[kind](people)
