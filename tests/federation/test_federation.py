"""Federation on one deployment, inside the test's transaction: the outbox is drained by calling
the drain service directly (the live tests run the same with a real Celery worker)."""

from __future__ import annotations

import datetime as dt
import time
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from federation import protocol, services
from federation.directory.models import Partnership
from federation.models import InboxMessage, OutboxMessage, TicketLink
from federation.selectors import health_for_account
from tenant_apps.desk import checklists
from tenant_apps.desk import services as desk
from tenant_apps.desk.models import Comment, Ticket, TicketType
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.worlds import make_mall

from .conftest import Pair, _in, envelope_doc, file_leak, make_pair, signed

pytestmark = pytest.mark.django_db


def drain(mall) -> int:
    """Drain every link of the account that has unsent messages; returns how many were sent."""
    sent = 0
    with _in(mall):
        links = set(OutboxMessage.objects.filter(sent_at__isnull=True).values_list("link_id", flat=True))
        for link_id in links:
            sent += services.drain_link(link_id=str(link_id))
    return sent


def settle(pair: Pair) -> None:
    for _ in range(10):
        if drain(pair.mall) + drain(pair.contractor) == 0:
            return


def forward(pair: Pair, ticket: Ticket, note: str = "Please send someone today") -> TicketLink:
    with pair.in_mall():
        return services.forward_ticket(
            actor=pair.mall.people["dispatcher"], ticket=ticket, partnership_id=pair.partnership.pk, note=note
        )


def their_ticket(pair: Pair, link: TicketLink) -> Ticket:
    with pair.in_contractor():
        return Ticket.objects.select_related("status", "company", "requester", "assignee").get(
            federation_links__pk=link.pk
        )


def staff_field_engineers(pair: Pair) -> None:
    with pair.in_contractor():
        ResponsibilityGroup.objects.get(code="field_engineers").members.add(
            pair.contractor.people["engineer"]
        )


def test_a_forwarded_ticket_is_worked_on_both_sides(pair):
    staff_field_engineers(pair)
    ticket = file_leak(pair.mall)
    with pair.in_mall():
        desk.add_comment(actor=pair.mall.people["key_user"], ticket=ticket, body="It is getting worse")
        desk.add_comment(
            actor=pair.mall.people["dispatcher"], ticket=ticket, body="ZZ internal", internal=True
        )
    link = forward(pair, ticket)
    settle(pair)

    # the contractor has its own ticket: its type, number, routing; the mall as client company
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert theirs.ticket_type.code == "work_order"
        assert theirs.company.name == pair.mall.made.account.name
        assert theirs.assignee == pair.contractor.people["engineer"]  # its own routing
        assert "Mall / Building B / Floor 2 / 2-14" in theirs.description
        assert theirs.fields["client_reference"] == f"LEAK-{ticket.number}"
        bodies = list(Comment.objects.filter(ticket=theirs).values_list("body", flat=True))
        assert any("It is getting worse" in b for b in bodies)
        assert not any("ZZ internal" in b for b in bodies)  # internal comments never cross
    # the mall sees the contractor's number and who works on it
    with pair.in_mall():
        mine = TicketLink.objects.get(pk=link.pk)
        assert mine.remote_ref == theirs.key
        assert mine.remote_assignee == pair.contractor.people["engineer"].full_name

    # both ways: comments, dates, checklist results, files, statuses through the mapping
    engineer = pair.contractor.people["engineer"]
    with pair.in_contractor():
        desk.add_comment(actor=engineer, ticket=theirs, body="On my way")
        desk.add_comment(actor=engineer, ticket=theirs, body="ZZ contractor internal", internal=True)
        start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=2)
        desk.update_ticket(actor=engineer, ticket=theirs, changes={"planned_start": start})
        from tenant_apps.desk.models import ChecklistTemplate

        ChecklistTemplate.objects.create(
            ticket_type=theirs.ticket_type, name="Safety", items=[{"label": "Power off", "kind": "check"}]
        )
    with pair.in_contractor():
        from tenant_apps.desk.models import ChecklistItem

        # items of a stage appear when the ticket enters it; add the item the way the template would
        item = ChecklistItem.objects.create(
            ticket=theirs, checklist="Safety", label="Power off", kind="check"
        )
        checklists.tick(actor=engineer, ticket=theirs, item_id=item.pk, value=True)
        desk.add_attachment(
            actor=engineer, ticket=theirs, upload=SimpleUploadedFile("report.txt", b"pipe replaced\n")
        )
        for to in ("assigned", "in_progress"):
            desk.transition_ticket(actor=engineer, ticket=theirs, to=to)
        desk.transition_ticket(actor=engineer, ticket=theirs, to="done", comment="Pipe replaced")
    settle(pair)
    with pair.in_mall():
        mine = Ticket.objects.get(pk=ticket.pk)
        bodies = list(Comment.objects.filter(ticket=mine).values_list("body", flat=True))
        assert any("On my way" in b for b in bodies) and any("Pipe replaced" in b for b in bodies)
        assert not any("ZZ contractor internal" in b for b in bodies)
        assert mine.planned_start == start
        assert mine.status.key == "resolved"  # "done" maps to the mall's "resolved"
        assert [a.name for a in mine.attachments.all()] == ["report.txt"]
        assert mine.attachments.get().file.read() == b"pipe replaced\n"
        link_row = TicketLink.objects.get(pk=link.pk)
        assert link_row.remote_checklist[0]["label"] == "Power off" and link_row.remote_checklist[0]["done"]
        # the mall's echo never went back: only the mall's own outbound messages are in its outbox
        kinds = list(
            OutboxMessage.objects.filter(link_id=link.pk).order_by("seq").values_list("kind", flat=True)
        )
        assert kinds == ["share"]
        # the mall confirms: the contractor's ticket closes through the mapping
        desk.transition_ticket(actor=pair.mall.people["dispatcher"], ticket=mine, to="closed")
    settle(pair)
    assert their_ticket(pair, link).status.key == "closed"
    with pair.in_contractor():  # nothing echoed back from the contractor either
        kinds = list(OutboxMessage.objects.filter(link_id=link.pk).values_list("kind", flat=True))
        assert "status" in kinds and kinds.count("status") == 3  # assigned, in_progress, done
        assert InboxMessage.objects.filter(link_id=link.pk, parked_at__isnull=False).count() == 0


def test_duplicates_are_no_ops_and_out_of_order_messages_wait(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    p = pair.partnership
    comment = envelope_doc(p, link=link.pk, seq=2, kind="comment", payload={"body": "second", "author": "X"})
    later = envelope_doc(p, link=link.pk, seq=3, kind="comment", payload={"body": "third", "author": "X"})
    assert services.receive(*signed(p, later)) == {"result": "accepted"}
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert not Comment.objects.filter(ticket=theirs, body__startswith="third").exists()  # waits for #2
    assert services.receive(*signed(p, comment)) == {"result": "accepted"}
    with pair.in_contractor():
        assert list(Comment.objects.filter(ticket=theirs).order_by("id").values_list("body", flat=True)) == [
            "second\n\n— X",
            "third\n\n— X",
        ]
    # the same message again (a retry whose answer was lost): recorded once, applied once
    assert services.receive(*signed(p, comment))["result"] == "duplicate"
    with pair.in_contractor():
        assert Comment.objects.filter(ticket=theirs).count() == 2
        assert TicketLink.objects.get(pk=link.pk).last_in_seq == 3
    # a different message claiming a sequence number already taken is refused
    clash = envelope_doc(p, link=link.pk, seq=3, kind="comment", payload={"body": "clash"})
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*signed(p, clash))
    assert refused.value.code == "seq_taken"


def _refusal(pair, ticket_link, case: str):
    p = pair.partnership
    doc = envelope_doc(p, link=ticket_link, seq=2, kind="comment", payload={"body": "ZZ injected"})
    if case == "bad_signature":
        return signed(p, doc, key="not-the-key")
    if case == "stale":
        return signed(p, doc, ts=int(time.time()) - 3600)
    if case == "tampered":
        body, headers = signed(p, doc)
        return body.replace(b"ZZ injected", b"ZZ tampered"), headers
    if case == "unknown_partnership":
        body, headers = signed(p, doc)
        headers[protocol.HEADER_PARTNERSHIP] = str(uuid.uuid4())
        return body, headers
    if case == "type_not_allowed":
        share = envelope_doc(
            p, link=uuid.uuid4(), seq=1, kind="share", payload={"type": "goods_in", "title": "ZZ injected"}
        )
        return signed(p, share)
    if case == "unsigned":
        body, headers = signed(p, doc)
        del headers[protocol.HEADER_SIGNATURE]
        return body, headers
    if case == "wrong_direction":
        recall = envelope_doc(p, link=ticket_link, seq=2, kind="recall", payload={}, side="provider")
        return signed(p, recall)
    raise AssertionError(case)


@pytest.mark.parametrize(
    "case, code",
    [
        ("bad_signature", "bad_signature"),
        ("stale", "stale"),
        ("tampered", "bad_signature"),
        ("unknown_partnership", "unknown_partnership"),
        ("type_not_allowed", "type_not_allowed"),
        ("unsigned", "unsigned"),
        ("wrong_direction", "not_allowed"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_recorded(pair, case, code):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    with pair.in_contractor():
        before = InboxMessage.objects.count(), Comment.objects.count(), Ticket.objects.count()
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*_refusal(pair, link.pk, case))
    assert refused.value.code == code and 400 <= refused.value.status < 500
    with pair.in_contractor():
        assert (InboxMessage.objects.count(), Comment.objects.count(), Ticket.objects.count()) == before
        assert not Comment.objects.filter(body__contains="ZZ").exists()


def test_a_suspended_partnership_holds_messages_until_it_resumes(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    with pair.in_contractor():
        services.suspend_partnership(actor=pair.contractor.people["admin"], partnership=pair.partnership)
    # a partner sending anyway is refused while suspended
    p = Partnership.objects.get(pk=pair.partnership.pk)
    doc = envelope_doc(p, link=link.pk, seq=2, kind="comment", payload={"body": "x"})
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*signed(p, doc))
    assert refused.value.code == "partnership_suspended"
    with pair.in_mall():
        desk.add_comment(actor=pair.mall.people["dispatcher"], ticket=ticket, body="Any news?")
    settle(pair)
    with pair.in_mall():
        waiting = OutboxMessage.objects.get(link_id=link.pk, kind="comment")
        assert waiting.sent_at is None and waiting.parked_at is None
        services.resume_partnership(actor=pair.mall.people["admin"], partnership=pair.partnership)
    settle(pair)
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert Comment.objects.filter(ticket=theirs, body="Any news?\n\n— Dispatcher").exists()


def test_a_message_that_fails_is_parked_and_replayed_after_the_fix(pair, django_user_model):
    with pair.in_contractor():
        TicketType.objects.filter(code="work_order").update(is_active=False)  # the cause
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    with pair.in_contractor():
        parked = InboxMessage.objects.get(link_id=link.pk)
        assert parked.parked_at is not None and "work_order" in parked.error
        assert not TicketLink.objects.filter(pk=link.pk).exists()
    # admins see it through the API
    listed = pair.contractor.api("admin", "get", "/federation/parked/").json()
    assert [m["id"] for m in listed] == [str(parked.message_id)]
    assert pair.contractor.api("dispatcher", "get", "/federation/parked/").status_code == 403
    # a later message waits behind the parked one
    with pair.in_mall():
        desk.add_comment(actor=pair.mall.people["dispatcher"], ticket=ticket, body="Hello?")
    settle(pair)
    with pair.in_contractor():
        assert InboxMessage.objects.filter(link_id=link.pk, applied_at__isnull=True).count() == 2
    # operators see it on the account's console page
    health = health_for_account(pair.contractor.made.account)
    assert health["inbox parked"] == 1 and health["inbox waiting for a predecessor"] == 1
    assert health["partnerships"] == "active: 1"
    with pair.in_contractor():
        TicketType.objects.filter(code="work_order").update(is_active=True)  # the fix
    response = pair.contractor.api(
        "admin", "post", "/federation/parked/replay/", {"direction": "in", "id": str(parked.message_id)}
    )
    assert response.status_code == 200 and response.json()["result"] == "applied", response.content
    theirs = their_ticket(pair, link)
    with pair.in_contractor():
        assert InboxMessage.objects.filter(link_id=link.pk, applied_at__isnull=True).count() == 0
        assert Comment.objects.filter(ticket=theirs, body__startswith="Hello?").exists()
    after = health_for_account(pair.contractor.made.account)
    assert (
        after["inbox parked"] == 0 and after["inbox waiting for a predecessor"] == 0 and after["links"] == 1
    )


def test_recall_and_decline(pair):
    first, second = file_leak(pair.mall, "First"), file_leak(pair.mall, "Second")
    recalled, declined = forward(pair, first), forward(pair, second)
    settle(pair)
    response = pair.mall.api(
        "dispatcher", "post", f"/tickets/{first.pk}/federation/recall/", {"reason": "Fixed it"}
    )
    assert response.status_code == 200 and response.json()[0]["state"] == "recalled"
    theirs = their_ticket(pair, declined)
    refused = pair.contractor.api(
        "dispatcher", "post", f"/tickets/{theirs.pk}/federation/decline/", {"reason": ""}
    )
    assert refused.status_code == 400 and "reason" in refused.json()["fields"]
    response = pair.contractor.api(
        "dispatcher", "post", f"/tickets/{theirs.pk}/federation/decline/", {"reason": "Not our equipment"}
    )
    assert response.status_code == 200, response.content
    settle(pair)
    assert their_ticket(pair, recalled).status.category == "cancelled"
    with pair.in_contractor():
        assert TicketLink.objects.get(pk=recalled.pk).state == "recalled"
    with pair.in_mall():
        row = TicketLink.objects.get(pk=declined.pk)
        assert (row.state, row.reason) == ("declined", "Not our equipment")
        assert Ticket.objects.get(pk=second.pk).status.key == "cancelled"  # "declined" maps to "cancelled"


def test_ending_a_partnership_orphans_links_and_keeps_tickets(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    response = pair.contractor.api(
        "admin", "post", f"/federation/partnerships/{pair.partnership.pk}/end/", {}
    )
    assert response.status_code == 200 and response.json()["state"] == "ended"
    settle(pair)
    for side in (pair.in_mall, pair.in_contractor):
        with side():
            assert TicketLink.objects.get(pk=link.pk).state == "orphaned"
    assert their_ticket(pair, link).pk  # kept
    with pair.in_mall():
        assert Ticket.objects.filter(pk=ticket.pk).exists()
        desk.add_comment(actor=pair.mall.people["dispatcher"], ticket=ticket, body="After the end")
        assert not OutboxMessage.objects.filter(kind="comment").exists()  # nothing crosses any more
    refused = pair.mall.api(
        "dispatcher",
        "post",
        f"/tickets/{file_leak(pair.mall).pk}/forward/",
        {"partnership": str(pair.partnership.pk)},
    )
    assert refused.status_code == 409


def test_only_admins_make_partnerships_and_only_dispatchers_forward(pair):
    other = make_mall("contractor")
    body = {"partner": other.made.account.slug, "type_map": {"leak": "work_order"}}
    assert pair.mall.api("dispatcher", "post", "/federation/partnerships/", body).status_code == 403
    bad = pair.mall.api("admin", "post", "/federation/partnerships/", {**body, "type_map": {"nope": "x"}})
    assert bad.status_code == 400 and "type_map" in bad.json()["fields"]
    unknown = pair.mall.api(
        "admin", "post", "/federation/partnerships/", {**body, "partner": "no-such-account"}
    )
    assert unknown.status_code == 400 and "partner" in unknown.json()["fields"]
    made = pair.mall.api("admin", "post", "/federation/partnerships/", body)
    assert made.status_code == 201 and made.json()["state"] == "invited"
    # the invited side sees it and accepts; the inviting side cannot accept its own invitation
    pid = made.json()["id"]
    assert pair.mall.api("admin", "post", f"/federation/partnerships/{pid}/accept/", {}).status_code == 409
    assert [p["id"] for p in other.api("admin", "get", "/federation/partnerships/").json()] == [pid]
    accepted = other.api("admin", "post", f"/federation/partnerships/{pid}/accept/", {})
    assert accepted.status_code == 200 and accepted.json()["state"] == "active"
    ticket = file_leak(pair.mall)
    forward_body = {"partnership": str(pair.partnership.pk)}
    assert (
        pair.mall.api("engineer", "post", f"/tickets/{ticket.pk}/forward/", forward_body).status_code == 403
    )
    done = pair.mall.api("dispatcher", "post", f"/tickets/{ticket.pk}/forward/", forward_body)
    assert done.status_code == 201 and done.json()[0]["state"] == "active"
    again = pair.mall.api("dispatcher", "post", f"/tickets/{ticket.pk}/forward/", forward_body)
    assert again.status_code == 409


def test_a_third_account_sees_nothing_and_cannot_inject(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    outsider = make_pair()  # C with its own partnership
    c = outsider.mall
    assert pair.partnership.pk not in [
        p["id"] for p in c.api("admin", "get", "/federation/partnerships/").json()
    ]
    assert c.api("admin", "get", f"/federation/partnerships/{pair.partnership.pk}/").status_code == 404
    assert (
        c.api("admin", "post", f"/federation/partnerships/{pair.partnership.pk}/end/", {}).status_code == 404
    )
    # C signs with its own partnership's key but names the mall's partnership: refused
    doc = envelope_doc(pair.partnership, link=link.pk, seq=2, kind="comment", payload={"body": "ZZ from C"})
    with pytest.raises(protocol.Refused):
        services.receive(*signed(pair.partnership, doc, key=outsider.partnership.key))
    # ... or its own partnership with the mall's link id: it can only ever reach its own partner,
    # where no such link exists (the message waits there for a share that never comes)
    doc = envelope_doc(
        outsider.partnership, link=link.pk, seq=2, kind="comment", payload={"body": "ZZ from C"}
    )
    assert services.receive(*signed(outsider.partnership, doc))["result"] == "accepted"
    with outsider.in_contractor():
        assert InboxMessage.objects.get(link_id=link.pk).applied_at is None
    for side in (pair.in_mall, pair.in_contractor):
        with side():
            assert not InboxMessage.objects.filter(payload__body__contains="ZZ").exists()
            assert not Comment.objects.filter(body__contains="ZZ").exists()
    # as the provider, C's contractor cannot send into the mall's links either
    doc = envelope_doc(
        outsider.partnership, link=link.pk, seq=2, kind="comment", payload={"body": "ZZ"}, side="provider"
    )
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*signed(outsider.partnership, doc))
    assert refused.value.code == "unknown_link"


def test_rotated_keys_overlap_then_expire(pair):
    ticket = file_leak(pair.mall)
    link = forward(pair, ticket)
    settle(pair)
    old = Partnership.objects.get(pk=pair.partnership.pk)
    rotated = services.rotate_key(partnership=old)
    doc = envelope_doc(old, link=link.pk, seq=2, kind="comment", payload={"body": "old key"})
    assert services.receive(*signed(old, doc))["result"] == "accepted"  # during the overlap
    Partnership.objects.filter(pk=old.pk).update(previous_key_until=timezone.now() - dt.timedelta(seconds=1))
    doc = envelope_doc(old, link=link.pk, seq=3, kind="comment", payload={"body": "old key, late"})
    with pytest.raises(protocol.Refused) as refused:
        services.receive(*signed(old, doc))
    assert refused.value.code == "unknown_key"
    doc = envelope_doc(rotated, link=link.pk, seq=3, kind="comment", payload={"body": "new key"})
    assert services.receive(*signed(rotated, doc))["result"] == "accepted"
