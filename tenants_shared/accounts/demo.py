"""Demo data: three accounts from the seed cases, loaded once by `atrium up` (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction
from django_tenants.utils import schema_context

from tenant_apps.branding.demo import fill_demo_branding
from tenant_apps.calendars.demo import fill_demo_calendars
from tenant_apps.desk.demo import fill_demo_desk
from tenant_apps.notices.demo import fill_demo_notices
from tenant_apps.passes.demo import fill_demo_passes
from tenant_apps.people.models import Role, User
from tenant_apps.people.services import create_person
from tenant_apps.sla.demo import fill_demo_sla

from .models import Account, AccountKind
from .services import ensure_public_account, provision_account

DEMO_PASSWORD = "atrium-demo-2026"
OPERATOR_EMAIL = "operator@atrium.localhost"


@dataclass(frozen=True)
class DemoAccount:
    slug: str
    name: str
    kind: str
    language: str
    time_zone: str
    people: tuple[tuple[str, str, str], ...]  # (e-mail local part, full name, role)


STAFF = (
    ("dispatcher", "Daria Dispatcher", Role.DISPATCHER),
    ("engineer", "Egor Engineer", Role.ENGINEER),
    ("guard", "Gleb Guard", Role.GUARD),
    ("approver", "Anna Approver", Role.APPROVER),
)
SHOPS = (
    "Coffee Point",
    "Kids Planet",
    "Sport Master",
    "Book House",
    "Flower Room",
    "Tech Store",
    "Shoe Gallery",
    "Pharmacy 36.6",
    "Optics",
    "Perfume Bar",
    "Toy Land",
    "Tea House",
)

DEMO_ACCOUNTS = (
    DemoAccount(
        "zelenopark",
        "Zelenopark",
        AccountKind.MALL_OPERATOR,
        "ru",
        "Europe/Moscow",
        STAFF + tuple((f"shop{i + 1:02d}", f"{shop} manager", Role.KEY_USER) for i, shop in enumerate(SHOPS)),
    ),
    DemoAccount(
        "petrovsky",
        "Petrovsky",
        AccountKind.RETAIL_CHAIN,
        "ru",
        "Europe/Moscow",
        STAFF[:2]
        + (
            ("store01", "Store 1 manager", Role.EMPLOYEE),
            ("store02", "Store 2 manager", Role.EMPLOYEE),
            ("pharmacy01", "Pharmacy 1 manager", Role.EMPLOYEE),
        ),
    ),
    DemoAccount(
        "sever-service",
        "Sever Service",
        AccountKind.CONTRACTOR,
        "ru",
        "Europe/Moscow",
        (
            STAFF[0],
            ("engineer", "Egor Engineer", Role.ENGINEER),
            ("engineer2", "Ilya Installer", Role.ENGINEER),
        ),
    ),
)


def load_demo() -> list[str]:
    """Create the demo accounts that are missing and return printable login lines. The demo
    operator is the console's (tenants_shared/console/demo.py; `load_demo` loads both)."""
    ensure_public_account()
    lines = []
    for demo in DEMO_ACCOUNTS:
        account = Account.objects.filter(slug=demo.slug).first()
        admin_email = f"admin@{demo.slug}.demo"
        if account is None:
            account = provision_account(
                name=demo.name,
                slug=demo.slug,
                kind=demo.kind,
                admin_name=f"{demo.name} Admin",
                admin_email=admin_email,
                admin_password=DEMO_PASSWORD,
                language=demo.language,
                time_zone=demo.time_zone,
                send_welcome=False,
            ).account
        with schema_context(account.schema_name):
            connection.tenant = account
            for local, full_name, role in demo.people:
                email = f"{local}@{demo.slug}.demo"
                if not User.objects.filter(email=email).exists():
                    create_person(
                        email=email, full_name=full_name, password=DEMO_PASSWORD, role=role, validate=False
                    )
            with transaction.atomic():
                fill_demo_desk(demo.kind)
                fill_demo_notices(demo.kind)
            with transaction.atomic():
                fill_demo_passes()
            with transaction.atomic():
                fill_demo_branding()
            with transaction.atomic():
                fill_demo_calendars()
            with transaction.atomic():
                fill_demo_sla()
        connection.set_schema_to_public()
        lines.append(
            f"{demo.slug:<14} admin {admin_email} / {DEMO_PASSWORD}; also "
            + ", ".join(f"{local}@{demo.slug}.demo" for local, _n, _r in demo.people[:5])
            + (" ..." if len(demo.people) > 5 else "")
        )
    return lines
