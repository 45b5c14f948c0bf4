"""Demo passes for a mall account: issued ones, a revoked one, an expired one and a few gate
checks, made through the same services people use (the desk demo's pass tickets already carry
passes of their own, from their forms)."""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from tenant_apps.desk.models import Ticket, TicketType
from tenant_apps.people.models import Role, User

from . import gate, services
from .models import GateCheck, Pass
from .validity import account_zone, local_now


def fill_demo_passes() -> None:
    """Call inside a mall account's schema (connection.tenant set), after the demo desk."""
    if GateCheck.objects.exists() or not TicketType.objects.filter(code=services.PASS_TYPE).exists():
        return  # filled already, or an account kind without pass requests
    slug_people = {u.email.split("@")[0]: u for u in User.objects.filter(email__contains="@")}
    admin = User.objects.filter(role=Role.ACCOUNT_ADMIN).order_by("pk").first()
    guard = slug_people.get("guard") or admin
    dispatcher = slug_people.get("dispatcher") or admin
    shops = list(User.objects.filter(role=Role.KEY_USER, company__isnull=False).order_by("email")[:3])
    if admin is None or not shops:
        return
    today = local_now(timezone.now(), account_zone()).date()
    goods = Ticket.objects.filter(ticket_type__code="goods_in").order_by("pk").first()

    _, permanent = services.request_passes(
        actor=admin,
        requester=shops[0],
        kind="permanent",
        holders=[{"name": "Maria Sokolova", "document": "Passport 4512 000111"}],
        valid_from=today,
        purpose="Shop assistant",
        required_documents=["Passport"],
        issue=True,
    )
    _, night = services.request_passes(
        actor=dispatcher,
        requester=shops[1 % len(shops)],
        kind="temporary",
        holders=[{"name": "Oleg Voronin", "document": "DL 77 00 123456", "vehicle_plate": "А123ВС77"}],
        valid_from=today,
        valid_until=today + timedelta(days=14),
        daily_from=time(22, 0),
        daily_until=time(6, 0),
        purpose="Night deliveries through the loading dock",
        linked_ticket=goods,
        required_documents=["Driving licence", "Waybill"],
        issue=True,
    )
    _, revoked = services.request_passes(
        actor=admin,
        requester=shops[2 % len(shops)],
        kind="temporary",
        holders=[{"name": "Pavel Kuznetsov"}],
        valid_from=today,
        valid_until=today + timedelta(days=30),
        purpose="Fit-out works",
        issue=True,
    )
    services.revoke_pass(actor=guard, pass_obj=revoked[0], reason="No longer works for the contractor")
    _, expired = services.request_passes(
        actor=admin,
        requester=shops[0],
        kind="temporary",
        holders=[{"name": "Courier Ilya", "vehicle_plate": "В456ОР199"}],
        valid_from=today,
        valid_until=today,
        purpose="One-off delivery",
        issue=True,
    )
    # the demo needs a pass from the past: moved back after issuing (the API refuses past dates)
    Pass.objects.filter(pk=expired[0].pk).update(
        valid_from=today - timedelta(days=10), valid_until=today - timedelta(days=9)
    )
    for code in (
        permanent[0].qr_token,
        services.format_short_code(night[0].short_code),
        revoked[0].qr_token,
        expired[0].short_code.lower(),
        "ABCD-2345",
    ):
        gate.check_code(actor=guard, code=code)
