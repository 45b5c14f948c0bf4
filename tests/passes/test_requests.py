"""Pass requests through the API: filing, approval, direct issue, revoking, extending, QR codes,
visibility and the rules of input."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.desk.models import Ticket, TicketEvent
from tenant_apps.passes.models import Pass
from tests.passes.conftest import complete_approval, day, file_request, request_body
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def _events(mall, ticket_id: int, kind: str) -> list[dict]:
    with schema_context(mall.schema):
        return list(
            TicketEvent.objects.filter(ticket_id=ticket_id, kind=kind).order_by("id").values("data", "public")
        )


def test_a_request_files_a_routed_pass_ticket_with_one_pass_per_holder(mall):
    made = file_request(
        mall,
        holders=[
            {"name": "Ivan Petrov", "document": "Passport 4510 123456"},
            {"name": "Oleg Sidorov", "vehicle_plate": "а 123 вс 77"},
            {"vehicle_plate": "B777OP"},
        ],
        premises=mall.unit.pk,
        daily_from="22:00",
        daily_until="06:00",
    )
    ticket = made["ticket"]
    assert ticket["key"].startswith("PASS-") and ticket["status"] == "Pending approval"
    assert [p["holder_name"] for p in made["passes"]] == ["Ivan Petrov", "Oleg Sidorov", ""]
    assert made["passes"][1]["vehicle_plate"] == "А123ВС77"
    assert {p["state"] for p in made["passes"]} == {"requested"}
    assert all(p["company"]["id"] == mall.company.pk for p in made["passes"])  # the requester's company
    assert made["passes"][0]["daily_from"] == "22:00" and made["passes"][0]["daily_until"] == "06:00"
    codes = {p["short_code"] for p in made["passes"]}
    assert len(codes) == 3 and all(len(c) == 9 and c[4] == "-" for c in codes)
    assert made["passes"][0]["qr_url"] is None  # not issued yet
    detail = mall.api("key_user", "get", f"/tickets/{ticket['id']}/").json()
    assert detail["group"]["name"] == "Security / Guards"  # routed like any pass ticket
    assert detail["fields"]["pass_kind"] == "temporary"
    assert detail["fields"]["person_name"].startswith("Ivan Petrov, Oleg Sidorov")
    assert detail["location"]["id"] == mall.unit.pk


def test_bad_requests_get_field_messages_and_write_nothing(mall):
    with schema_context(mall.schema):
        before = (Ticket.objects.count(), Pass.objects.count())
    cases = [
        (request_body(kind="forever"), {"kind"}),
        (request_body(holders=[]), {"holders"}),
        (request_body(holders=[{"document": "only a document"}]), {"holders.0.name"}),
        (request_body(holders=[{"name": "x", "vehicle_plate": "P" * 30}]), {"holders.0.vehicle_plate"}),
        (request_body(valid_until=None), {"valid_until"}),  # temporary without an end
        (request_body(valid_from=day(5), valid_until=day(2)), {"valid_until"}),
        (request_body(valid_from=day(-9), valid_until=day(-2)), {"valid_until"}),  # already expired
        (request_body(daily_from="08:00"), {"daily_until"}),
        (request_body(daily_from="08:00", daily_until="08:00"), {"daily_until"}),
        (request_body(daily_from="25:00", daily_until="08:00"), {"daily_from"}),
        (request_body(premises=mall.building_b.pk + 1000), {"premises"}),
        (request_body(company=mall.other_company.pk), {"company"}),  # not the requester's company
        (request_body(required_documents="Passport"), {"required_documents"}),
    ]
    for body, fields in cases:
        response = mall.api("key_user", "post", "/pass-requests/", body)
        assert response.status_code == 400, (body, response.content)
        assert fields <= set(response.json()["fields"]), (body, response.json())
    with schema_context(mall.schema):
        assert (Ticket.objects.count(), Pass.objects.count()) == before


def test_premises_of_another_company_and_invisible_linked_tickets_are_refused(mall):
    with schema_context(mall.schema):
        from tenant_apps.objects.services import save_location

        other_unit = save_location(
            location=None,
            data={"kind": "unit", "name": "2-15", "parent": mall.unit.parent, "company": mall.other_company},
        )
    foreign = mall.api(
        "other_shop", "post", "/tickets/", {"type": "goods_in", "title": "Books", "fields": goods_fields()}
    ).json()["id"]
    response = mall.api(
        "key_user", "post", "/pass-requests/", request_body(premises=other_unit.pk, linked_ticket=foreign)
    )
    assert response.status_code == 400
    assert {"premises", "linked_ticket"} <= set(response.json()["fields"])


def goods_fields() -> dict:
    return {"when": f"{day(1)}T07:00:00+00:00", "goods": "12 boxes", "vehicle_plate": "A123BC77"}


def test_approval_issues_the_passes_and_a_rejection_after_rework_takes_them_back(mall):
    made = file_request(mall, holders=[{"name": "Ivan"}, {"name": "Anna"}])
    tid = made["ticket"]["id"]
    complete_approval(mall, tid, "approved_with_remarks")
    passes = mall.api("key_user", "get", "/passes/", {"request": tid}).json()["results"]
    assert {p["state"] for p in passes} == {"approved"} and len(passes) == 2
    assert all(p["qr_url"] for p in passes) and all(p["issued_at"] for p in passes)
    issued = _events(mall, tid, "pass_issued")
    assert len(issued) == 1 and issued[0]["public"]
    assert issued[0]["data"]["via"] == "approval" and len(issued[0]["data"]["passes"]) == 2
    # the secret QR token never enters the history (nor a key naming it)
    with schema_context(mall.schema):
        tokens = set(Pass.objects.filter(request_id=tid).values_list("qr_token", flat=True))
    history = str(issued[0]["data"])
    assert len(tokens) == 2 and not any(t in history for t in tokens) and "qr_token" not in history

    other = file_request(mall, holders=[{"name": "Oleg"}])
    oid = other["ticket"]["id"]
    complete_approval(mall, oid, "needs_rework")
    passes = mall.api("key_user", "get", "/passes/", {"request": oid}).json()["results"]
    assert {p["state"] for p in passes} == {"requested"}  # rework: nothing decided about them yet
    resubmitted = mall.api("key_user", "post", f"/tickets/{oid}/approvals/resubmit/", {"comment": "Fixed"})
    assert resubmitted.status_code == 200, resubmitted.content
    complete_approval(mall, oid, "rejected")
    passes = mall.api("key_user", "get", "/passes/", {"request": oid}).json()["results"]
    assert {p["state"] for p in passes} == {"rejected"}
    assert _events(mall, oid, "pass_changed")[-1]["data"]["action"] == "rejected"


def test_withdrawing_a_request_rejects_its_pending_passes(mall):
    made = file_request(mall)
    tid = made["ticket"]["id"]
    response = mall.api("key_user", "post", f"/tickets/{tid}/transition/", {"to": "withdrawn"})
    assert response.status_code == 200, response.content
    assert mall.api("key_user", "get", f"/passes/{made['passes'][0]['id']}/").json()["state"] == "rejected"


def test_a_pass_ticket_filed_as_a_plain_ticket_gets_its_pass_from_the_form(mall):
    response = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "pass",
            "title": "Pass for a courier",
            "fields": {
                "pass_kind": "temporary",
                "person_name": "Courier Kim",
                "valid_from": day(0),
                "valid_to": day(1),
            },
        },
    )
    assert response.status_code == 201, response.content
    passes = mall.api("key_user", "get", "/passes/", {"request": response.json()["id"]}).json()["results"]
    assert [(p["holder_name"], p["state"], p["valid_until"]) for p in passes] == [
        ("Courier Kim", "requested", day(1))
    ]
    # a form that makes no pass refuses the whole filing
    bad = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {
            "type": "pass",
            "title": "No end",
            "fields": {"pass_kind": "temporary", "person_name": "Kim", "valid_from": day(0)},
        },
    )
    assert bad.status_code == 400 and "fields.valid_to" in bad.json()["fields"]
    with schema_context(mall.schema):
        assert not Ticket.objects.filter(title="No end").exists()


def test_managers_and_security_issue_directly_requesters_cannot(mall):
    refused = mall.api("key_user", "post", "/pass-requests/", request_body(issue=True))
    assert refused.status_code == 403
    # the guard is in the Security group: issues at once, for a company
    made = mall.api(
        "guard",
        "post",
        "/pass-requests/",
        request_body(issue=True, company=mall.company.pk, kind="permanent", valid_until=None),
    )
    assert made.status_code == 201, made.content
    p = made.json()["passes"][0]
    assert p["state"] == "approved" and p["valid_until"] is None and p["company"]["id"] == mall.company.pk
    assert _events(mall, made.json()["ticket"]["id"], "pass_issued")[0]["data"]["via"] == "direct"
    # a pending request issued directly by a dispatcher
    pending = file_request(mall)
    tid = pending["ticket"]["id"]
    assert mall.api("engineer", "post", f"/pass-requests/{tid}/issue/").status_code == 403
    issued = mall.api("dispatcher", "post", f"/pass-requests/{tid}/issue/")
    assert issued.status_code == 200, issued.content
    assert {p["state"] for p in issued.json()["passes"]} == {"approved"}
    again = mall.api("dispatcher", "post", f"/pass-requests/{tid}/issue/")
    assert again.status_code == 409 and again.json()["code"] == "pass_state_conflict"


def test_revoke_needs_a_reason_and_is_recorded(mall):
    made = file_request(mall, issue=False)
    tid, pid = made["ticket"]["id"], made["passes"][0]["id"]
    complete_approval(mall, tid)
    assert mall.api("key_user", "post", f"/passes/{pid}/revoke/", {"reason": "mine"}).status_code == 403
    assert mall.api("engineer", "post", f"/passes/{pid}/revoke/", {"reason": "no"}).status_code == 403
    blank = mall.api("guard", "post", f"/passes/{pid}/revoke/", {"reason": "  "})
    assert blank.status_code == 400 and "reason" in blank.json()["fields"]
    revoked = mall.api("guard", "post", f"/passes/{pid}/revoke/", {"reason": "Lost the card"})
    assert revoked.status_code == 200, revoked.content
    body = revoked.json()
    assert body["state"] == "revoked" and body["revoke_reason"] == "Lost the card" and body["qr_url"] is None
    event = _events(mall, tid, "pass_changed")[-1]["data"]
    assert event["action"] == "revoked" and event["reason"] == "Lost the card"
    twice = mall.api("guard", "post", f"/passes/{pid}/revoke/", {"reason": "again"})
    assert twice.status_code == 409


def test_extend_moves_the_end_later_only(mall):
    made = file_request(mall, valid_until=day(3))
    tid, pid = made["ticket"]["id"], made["passes"][0]["id"]
    complete_approval(mall, tid)
    earlier = mall.api("dispatcher", "post", f"/passes/{pid}/extend/", {"valid_until": day(2)})
    assert earlier.status_code == 400 and "valid_until" in earlier.json()["fields"]
    assert mall.api("employee", "post", f"/passes/{pid}/extend/", {"valid_until": day(9)}).status_code == 403
    extended = mall.api("dispatcher", "post", f"/passes/{pid}/extend/", {"valid_until": day(9)})
    assert extended.status_code == 200 and extended.json()["valid_until"] == day(9)
    change = _events(mall, tid, "pass_changed")[-1]["data"]
    assert change["action"] == "extended" and change["changes"]["valid_until"] == [day(3), day(9)]
    permanent = file_request(mall, kind="permanent", valid_until=None)
    pid2 = permanent["passes"][0]["id"]
    response = mall.api("dispatcher", "post", f"/passes/{pid2}/extend/", {"valid_until": day(9)})
    assert response.status_code == 409


def test_qr_code_for_issued_passes_to_those_who_may_see_them(mall):
    made = file_request(mall, who="employee")
    tid, pid = made["ticket"]["id"], made["passes"][0]["id"]
    early = mall.api("employee", "get", f"/passes/{pid}/qr/")
    assert early.status_code == 409 and early.json()["code"] == "pass_state_conflict"
    complete_approval(mall, tid)
    svg = mall.api("employee", "get", f"/passes/{pid}/qr/", {"format": "svg"})
    assert svg.status_code == 200 and svg["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in svg.content and svg["Cache-Control"] == "private, no-store"
    png = mall.api("key_user", "get", f"/passes/{pid}/qr/", {"format": "png"})  # the company's key user
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    assert mall.api("guard", "get", f"/passes/{pid}/qr/").status_code == 200  # agents
    assert mall.api("coworker", "get", f"/passes/{pid}/qr/").status_code == 404  # not theirs
    assert mall.api("other_shop", "get", f"/passes/{pid}/qr/").status_code == 404  # another company
    # the QR encodes the pass's token: decoding is out of reach here, so compare with segno's own output
    import io

    import segno

    with schema_context(mall.schema):
        token = Pass.objects.get(pk=pid).qr_token
    expected = io.BytesIO()
    segno.make(token, error="m").save(expected, kind="svg", scale=4, border=4, xmldecl=False)
    assert svg.content == expected.getvalue()


def test_who_sees_which_passes_and_list_filters(mall):
    mine = file_request(mall, who="employee", holders=[{"name": "Employee's guest"}])
    coworkers = file_request(
        mall, who="coworker", holders=[{"name": "Coworker's guest", "vehicle_plate": "X 001 XX"}]
    )
    other = file_request(mall, who="other_shop", holders=[{"name": "Bookseller"}])

    def names(who, **params):
        rows = mall.api(who, "get", "/passes/", params).json()["results"]
        return sorted(r["holder_name"] for r in rows)

    assert names("employee") == ["Employee's guest"]
    assert names("key_user") == ["Coworker's guest", "Employee's guest"]  # the company's
    assert names("other_shop") == ["Bookseller"]
    assert names("guard") == ["Bookseller", "Coworker's guest", "Employee's guest"]
    assert mall.api("employee", "get", f"/passes/{coworkers['passes'][0]['id']}/").status_code == 404
    complete_approval(mall, other["ticket"]["id"])
    assert names("guard", state="approved") == ["Bookseller"]
    assert names("guard", state="requested,rejected") == ["Coworker's guest", "Employee's guest"]
    assert names("guard", company=str(mall.company.pk)) == ["Coworker's guest", "Employee's guest"]
    assert names("guard", q="x001") == ["Coworker's guest"]  # plate, spaces ignored
    assert names("guard", q="guest") == ["Coworker's guest", "Employee's guest"]
    assert names("guard", q=other["passes"][0]["short_code"].lower()) == ["Bookseller"]
    assert names("guard", valid_on=day(1)) == ["Bookseller"]
    assert names("guard", valid_on=day(30)) == []
    bad = mall.api("guard", "get", "/passes/", {"state": "lost"})
    assert bad.status_code == 400 and "state" in bad.json()["fields"]
    assert mine["passes"][0]["id"] != coworkers["passes"][0]["id"]


def test_demo_passes_cover_every_state_and_the_gate_log():
    from tenants_shared.accounts.demo import load_demo

    load_demo()
    with schema_context("a_zelenopark"):
        from tenant_apps.passes.models import GateCheck

        states = set(Pass.objects.values_list("state", flat=True))
        assert {"approved", "revoked", "requested"} <= states
        courier = Pass.objects.get(holder_name="Courier Ilya")  # issued, then moved into the past
        assert courier.state == "approved" and courier.valid_until.isoformat() < day(-5)
        reasons = set(GateCheck.objects.values_list("reason", flat=True))
        assert {"valid", "revoked", "expired", "not_found"} <= reasons
        checks = GateCheck.objects.count()
    load_demo()  # a second load adds nothing
    with schema_context("a_zelenopark"):
        assert GateCheck.objects.count() == checks
