"""A routing rule that forwards newly filed matching tickets to a partner account."""

from __future__ import annotations

import uuid

import pytest

from federation import services
from federation.models import TicketLink
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Ticket, TicketEvent, TicketType

from .conftest import file_leak
from .test_federation import settle

pytestmark = pytest.mark.django_db


def _rule(pair, forward, types=("leak",), name="Leaks go to the contractor"):
    return pair.mall.api(
        "admin",
        "post",
        "/routing-rules/",
        {"name": name, "order": 5, "conditions": {"types": list(types)}, "actions": {"forward": forward}},
    )


def test_a_rule_forwards_a_new_matching_ticket_and_says_so(pair):
    made = _rule(pair, {"partnership": str(pair.partnership.pk), "note": "Escalator faults are yours"})
    assert made.status_code == 201, made.content
    ticket = file_leak(pair.mall)
    with pair.in_mall():
        link = TicketLink.objects.get(ticket_id=ticket.pk)
        assert (link.state, link.note) == ("active", "Escalator faults are yours")
        routed = TicketEvent.objects.get(ticket_id=ticket.pk, kind="routed")
        rule = next(r for r in routed.data["rules"] if r["rule"] == "Leaks go to the contractor")
        assert rule["set"]["forward"]["partnership"] == str(pair.partnership.pk)
        forwarded = TicketEvent.objects.get(ticket_id=ticket.pk, kind="forwarded")
        assert forwarded.actor_id is None and forwarded.actor_name == "Routing"
        assert forwarded.data["rule"] == "Leaks go to the contractor"
        assert forwarded.data["partner"] == pair.contractor.made.account.name
        # a type the rule does not name stays here
        other = desk.file_ticket(
            actor=pair.mall.people["key_user"],
            ticket_type=TicketType.objects.get(code="dirt"),
            title="Dusty floor",
        )
        assert not TicketLink.objects.filter(ticket_id=other.pk).exists()
    settle(pair)
    with pair.in_contractor():
        theirs = Ticket.objects.get(federation_links__pk=link.pk)
        assert theirs.ticket_type.code == "work_order"
        assert "Escalator faults are yours" in theirs.description
        # the contractor's copy came from a partner: its own rules would not forward it again
        assert theirs.channel == "federation"


@pytest.mark.parametrize(
    "case",
    ["unknown", "not_a_uuid", "no_types", "type_not_taken", "suspended", "provider_side", "bad_shape"],
)
def test_a_forward_action_is_validated(pair, case):
    pid = str(pair.partnership.pk)
    forward, types, api = {"partnership": pid}, ("leak",), pair.mall.api
    if case == "unknown":
        forward = {"partnership": str(uuid.uuid4())}
    elif case == "not_a_uuid":
        forward = {"partnership": "escalators"}
    elif case == "no_types":
        types = ()
    elif case == "type_not_taken":
        types = ("leak", "goods_in")
    elif case == "suspended":
        with pair.in_mall():
            services.suspend_partnership(actor=pair.mall.people["admin"], partnership=pair.partnership)
    elif case == "provider_side":
        api, types = pair.contractor.api, ("work_order",)
    elif case == "bad_shape":
        forward = ["escalators"]
    response = api(
        "admin",
        "post",
        "/routing-rules/",
        {"name": "Forward", "conditions": {"types": list(types)}, "actions": {"forward": forward}},
    )
    assert response.status_code == 400, response.content
    assert "actions.forward" in response.json()["fields"]


def test_a_partnership_suspended_after_the_rule_leaves_the_ticket_here_with_the_reason(pair):
    assert _rule(pair, {"partnership": str(pair.partnership.pk)}).status_code == 201
    with pair.in_mall():
        services.suspend_partnership(actor=pair.mall.people["admin"], partnership=pair.partnership)
    ticket = file_leak(pair.mall)  # filing still works
    with pair.in_mall():
        assert not TicketLink.objects.filter(ticket_id=ticket.pk).exists()
        skipped = TicketEvent.objects.get(ticket_id=ticket.pk, kind="federation")
        assert skipped.data["action"] == "forward_skipped"
        assert skipped.data["rule"] == "Leaks go to the contractor"
        assert "not active" in skipped.data["reason"]
