"""The ticket-event spine's contract (docs/spine.md): typed payloads validated when recorded, the
stored JSON as before, reactions and readers in their declared order, the origin of a change, and a
comment made with a transition as a "commented" event of its own."""

from __future__ import annotations

import pytest
from django.db import transaction

from tenant_apps.desk import event_kinds, events
from tenant_apps.desk import services as desk
from tenant_apps.desk.event_kinds import InvalidEventPayload
from tenant_apps.desk.models import EventKind, Ticket, TicketEvent
from tenant_apps.desk.origin import Origin
from tests.support.context import in_account
from tests.support.worlds import file_leak

pytestmark = pytest.mark.django_db


def leak(mall, who="key_user"):
    response = mall.api(
        who,
        "post",
        "/tickets/",
        {
            "type": "leak",
            "title": "A tap is leaking",
            "fields": {"severity": "stream"},
            "location": mall.unit.pk,
        },
    )
    assert response.status_code == 201, response.content
    return response.json()


# ---------------------------------------------------------------------------- typed payloads
@pytest.mark.parametrize(
    "data, message",
    [
        ({"comment_id": 1, "internal": False}, "missing field(s) ['body']"),
        ({"comment_id": 1, "internal": False, "body": "x", "author": "y"}, "unknown field(s) ['author']"),
        ({"comment_id": 1, "internal": "no", "body": "x"}, "field 'internal' must be bool"),
        ({"comment_id": True, "internal": False, "body": "x"}, "field 'comment_id' must be int"),
        ({"comment_id": "1", "internal": False, "body": "x"}, "field 'comment_id' must be int"),
    ],
)
def test_a_wrong_or_missing_field_raises_when_recorded_and_nothing_is_written(mall, data, message):
    ticket = file_leak(mall)  # (back in the public schema after it)
    with in_account(mall):
        before = TicketEvent.objects.filter(ticket=ticket).count()
        with pytest.raises(InvalidEventPayload) as raised:
            with transaction.atomic():
                events.record(ticket, EventKind.COMMENTED, mall.people["key_user"], public=True, **data)
        assert message in str(raised.value)
        assert TicketEvent.objects.filter(ticket=ticket).count() == before


def test_an_unknown_kind_and_a_payload_given_twice_are_refused(mall):
    ticket = file_leak(mall)  # (back in the public schema after it)
    with in_account(mall):
        with pytest.raises(InvalidEventPayload, match="unknown event kind 'meter_read'"):
            with transaction.atomic():
                events.record(ticket, "meter_read", None, public=False)
        payload = event_kinds.Commented(comment_id=1, internal=False, body="x")
        with pytest.raises(InvalidEventPayload, match="in the payload, not beside it"):
            with transaction.atomic():
                events.record(ticket, payload, None, body="y")


def test_a_typed_payload_is_stored_as_its_fields_and_read_back_as_its_type(mall):
    ticket = file_leak(mall)  # (back in the public schema after it)
    with in_account(mall):
        person = mall.people["key_user"]
        with transaction.atomic():
            event = events.record(
                ticket, event_kinds.Commented(comment_id=7, internal=False, body="Thanks"), person
            )
        row = TicketEvent.objects.get(pk=event.pk)
        assert row.kind == "commented"
        assert row.data == {"comment_id": 7, "internal": False, "body": "Thanks"}  # no "transition"
        assert row.payload == event_kinds.Commented(comment_id=7, internal=False, body="Thanks")
        assert (row.actor_id, row.actor_name) == (person.pk, person.full_name)


def test_stored_data_keeps_its_shape_through_the_api(mall):
    """What history, live and federation read: the same keys as before the typed contract."""
    ticket = leak(mall)
    tid = ticket["id"]
    assert (
        mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"}).status_code == 200
    )
    history = mall.api("admin", "get", f"/tickets/{tid}/events/").json()
    created = next(e for e in history if e["kind"] == "created")
    assert set(created["data"]) == {"number", "status", "channel", "title"}
    moved = next(e for e in history if e["kind"] == "status_changed")
    # a manual transition without a comment: comment_id and comment are there, empty
    assert set(moved["data"]) == {
        "transition",
        "changes",
        "category",
        "from_category",
        "comment_id",
        "comment",
    }
    assert moved["data"]["comment_id"] is None and moved["data"]["comment"] is None
    assert moved["data"]["changes"] == {"status": [created["data"]["status"], "in_progress"]}


# ---------------------------------------------------------------------------- comments with transitions
def test_a_comment_made_with_a_transition_is_a_commented_event_shown_once(mall):
    tid = leak(mall)["id"]
    mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "in_progress"})
    done = mall.api("plumber", "post", f"/tickets/{tid}/transition/", {"to": "resolved", "comment": "Gasket"})
    assert done.status_code == 200, done.content
    history = mall.api("key_user", "get", f"/tickets/{tid}/events/").json()
    comments = mall.api("key_user", "get", f"/tickets/{tid}/comments/").json()
    bodies = [c["body"] for c in (comments["results"] if isinstance(comments, dict) else comments)]
    assert bodies == ["Gasket"]  # one comment
    commented = [e for e in history if e["kind"] == "commented"]
    assert len(commented) == 1
    resolved = next(
        e for e in history if e["kind"] == "status_changed" and e["data"]["category"] == "resolved"
    )
    assert commented[0]["data"] == {
        "comment_id": resolved["data"]["comment_id"],
        "internal": False,
        "body": "Gasket",
        "transition": resolved["data"]["transition"],
    }
    assert resolved["data"]["comment"] == "Gasket"
    # right after the status change, by the same person
    assert history.index(commented[0]) == history.index(resolved) + 1
    assert commented[0]["actor"] == resolved["actor"] == mall.people["plumber"].pk


# ---------------------------------------------------------------------------- reactions and readers
def test_reactions_and_readers_run_in_the_one_declared_order():
    assert events.REACTIONS == ("checklists", "approvals", "passes", "schedules", "federation.outbox", "sla")
    assert events.READERS == ("live", "notifications", "metrics")
    # every in-transaction reaction of the project is registered, in that order
    assert [r.name for r in events.reactions()] == list(events.REACTIONS)
    assert [r.name for r in events.readers()][:2] == ["live", "notifications"]
    kinds = {r.name: r.kinds for r in events.reactions()}
    assert kinds["checklists"] == {EventKind.CREATED, EventKind.STATUS_CHANGED}
    assert kinds["passes"] == {EventKind.CREATED, EventKind.APPROVAL_COMPLETED, EventKind.STATUS_CHANGED}


def test_a_reaction_or_reader_without_a_declared_place_or_with_an_unknown_kind_fails_at_import():
    with pytest.raises(RuntimeError, match="no place in events.REACTIONS"):
        events.reaction("audit", kinds={EventKind.CREATED})(lambda event: None)
    with pytest.raises(RuntimeError, match="no place in events.READERS"):
        events.reader("audit")(lambda schema, event_ids: None)
    with pytest.raises(InvalidEventPayload, match="unknown event kind"):
        events.reader("metrics", kinds={"sla_breched"})(lambda schema, event_ids: None)


def test_a_failing_reader_neither_undoes_the_change_nor_silences_the_readers_after_it(
    mall, monkeypatch, django_capture_on_commit_callbacks
):
    heard: list[list[int]] = []

    def failing(schema, event_ids):
        raise RuntimeError("metrics store is down")

    # the reader before the last fails; the last still hears every event
    monkeypatch.setitem(events._readers, "notifications", events.Reader("notifications", None, failing))
    monkeypatch.setitem(
        events._readers, "metrics", events.Reader("metrics", None, lambda schema, pks: heard.append(pks))
    )
    with django_capture_on_commit_callbacks(execute=True):
        ticket = file_leak(mall)
    with in_account(mall):
        assert Ticket.objects.filter(pk=ticket.pk).exists()
        recorded = list(TicketEvent.objects.filter(ticket=ticket).order_by("pk").values_list("pk", flat=True))
        assert sorted(pk for batch in heard for pk in batch) == recorded


def test_a_reader_gets_the_events_of_one_change_in_one_call_and_only_its_kinds(
    mall, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[tuple[str, list[int]]] = []
    monkeypatch.setitem(
        events._readers,
        "metrics",
        events.Reader(
            "metrics", frozenset({EventKind.COMMENTED}), lambda schema, pks: calls.append((schema, pks))
        ),
    )
    ticket = file_leak(mall)
    with in_account(mall):
        with django_capture_on_commit_callbacks(execute=True):
            comments = desk.add_comments(
                actor=mall.people["dispatcher"], ticket=ticket, bodies=["one", "two", "three"]
            )
        commented = list(
            TicketEvent.objects.filter(ticket=ticket, kind=EventKind.COMMENTED)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        assert len(comments) == 3 and len(commented) == 3
        # one call for the change's three comments, in recording order; no other kind reached it
        assert calls == [(mall.schema, commented)]
        with django_capture_on_commit_callbacks(execute=True):
            desk.update_ticket(
                actor=mall.people["dispatcher"], ticket=ticket, changes={"title": "Leak, second floor"}
            )
        assert calls == [(mall.schema, commented)]  # a `changed` event is not a kind it reads


def test_a_reader_gets_only_the_events_its_filter_wants_and_a_change_with_none_queues_nothing(
    mall, monkeypatch, django_capture_on_commit_callbacks
):
    calls: list[list[int]] = []
    monkeypatch.setitem(
        events._readers,
        "metrics",
        events.Reader(
            "metrics",
            frozenset({EventKind.COMMENTED}),
            lambda schema, pks: calls.append(pks),
            when=lambda event: "urgent" in event.data["body"],
        ),
    )
    ticket = file_leak(mall)
    with in_account(mall):
        dispatcher = mall.people["dispatcher"]
        with django_capture_on_commit_callbacks(execute=True):
            desk.add_comments(actor=dispatcher, ticket=ticket, bodies=["calm", "urgent: water", "calm again"])
        urgent = TicketEvent.objects.get(ticket=ticket, kind=EventKind.COMMENTED, data__body="urgent: water")
        assert calls == [[urgent.pk]]
        with django_capture_on_commit_callbacks(execute=True):
            desk.add_comments(actor=dispatcher, ticket=ticket, bodies=["nothing to see"])
        assert calls == [[urgent.pk]]  # a change with nothing it wants: not called at all


def test_a_reaction_refusing_rolls_the_whole_change_back(mall, monkeypatch):
    from kernel.errors import InvalidInput

    def refuse(event):
        raise InvalidInput(fields={"title": ["No."]})

    monkeypatch.setitem(events._reactions, "passes", events.Reaction("passes", None, refuse))
    monkeypatch.setattr(events, "_by_kind", {})
    with pytest.raises(InvalidInput):
        file_leak(mall)
    with in_account(mall):
        assert not Ticket.objects.exists()  # the first ticket of this account: none was written


# ---------------------------------------------------------------------------- origin
def test_a_system_actor_skips_the_persons_checks_because_it_is_one(mall):
    ticket = file_leak(mall)  # (back in the public schema after it)
    with in_account(mall):
        requester = mall.people["key_user"]
        # the requester may not write an internal note...
        with pytest.raises(desk.PermissionDenied):
            desk.add_comment(actor=requester, ticket=ticket, body="note", internal=True)
        # ...a system actor acting for them writes it, and its event names the person
        comment = desk.add_comment(
            actor=Origin.system_actor("federation", person=requester),
            ticket=ticket,
            body="note",
            internal=True,
        )
        event = TicketEvent.objects.get(kind=EventKind.COMMENTED, data__comment_id=comment.pk)
        assert (event.actor_id, event.public) == (requester.pk, False)


def test_a_system_actor_moves_a_ticket_and_its_event_names_it(mall):
    from tenant_apps.desk.models import Status

    ticket = file_leak(mall)  # (back in the public schema after it)
    with in_account(mall):
        target = Status.objects.filter(workflow_id=ticket.ticket_type.workflow_id, category="waiting").first()
        with transaction.atomic():
            with pytest.raises(ValueError, match="only a system actor"):
                desk.move_as_system(
                    ticket=desk.lock_ticket(ticket), target=target, origin=Origin.of(ticket.requester)
                )
            desk.move_as_system(
                ticket=desk.lock_ticket(ticket),
                target=target,
                origin=Origin.system_actor("schedule", label="Planned maintenance"),
                note="Waiting for the window",
            )
        event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.STATUS_CHANGED).last()
        assert event.data["process"] == "schedule" and event.data["transition"] == "Waiting for the window"
        assert (event.actor_id, event.actor_name) == (None, "Planned maintenance")
        assert event.origin.system == "schedule"


def test_an_unknown_system_actor_is_refused():
    with pytest.raises(ValueError, match="unknown system actor 'robot'"):
        Origin.system_actor("robot")
    with pytest.raises(ValueError, match="needs the person"):
        Origin()
