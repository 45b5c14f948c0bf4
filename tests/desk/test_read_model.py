"""One ticket read model (desk/filters.py): for every filter of the list API, the queryset the API
runs, the API's answer and the pure `matches(snapshot, query)` the live consumer runs agree on the
same tickets. Both sides are computed, then compared; each case selects some tickets but not all,
so a side that ignores a filter fails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.support.context import in_account
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


T0 = timezone.make_aware(dt.datetime(2026, 3, 1, 9, 0))


def _world(mall):
    """Eight tickets that differ in every filtered field."""
    from tenant_apps.approvals.models import ApprovalRound
    from tenant_apps.desk import services
    from tenant_apps.desk.models import OPEN_CATEGORIES, Status, Ticket, TicketType
    from tenant_apps.objects.models import Equipment
    from tenant_apps.people.models import ResponsibilityGroup

    p = mall.people
    groups = {g.code: g for g in ResponsibilityGroup.objects.all()}
    pump = Equipment.objects.create(kind="pump", name="Pump 1")
    types = {t.code: t for t in TicketType.objects.all()}

    def file(code, who="key_user", **values):
        fields = values.pop("fields", {})
        form = {"leak": {"severity": "drip"}, "climate": {"feeling": "too_hot"}}.get(code, {})
        return services.file_ticket(
            actor=p[who], ticket_type=types[code], title=f"{code} ticket", fields={**form, **fields}
        )

    def status(key, workflow_of):
        return Status.objects.get(key=key, workflow=types[workflow_of].workflow)

    def set_(ticket, **values):
        if "status" in values:
            values["category"] = values["status"].category
            values["is_open"] = values["status"].category in OPEN_CATEGORIES
        Ticket.objects.filter(pk=ticket.pk).update(**values)

    tickets = []
    a = file("leak", fields={"severity": "flood"})
    set_(
        a,
        priority=4,
        group=groups["plumbing"],
        assignee=p["plumber"],
        location=mall.unit,
        created_at=T0,
        updated_at=T0 + dt.timedelta(days=1),
        planned_finish=T0 + dt.timedelta(days=2),
    )
    tickets.append(a)
    b = file("leak")
    set_(
        b,
        status=status("in_progress", "leak"),
        group=groups["operations"],
        assignee=p["dispatcher"],
        equipment=pump,
        created_at=T0 + dt.timedelta(days=1),
        updated_at=T0 + dt.timedelta(days=3),
        planned_finish=T0 + dt.timedelta(days=5),
    )
    tickets.append(b)
    c = file("dirt", who="dispatcher")
    set_(
        c,
        status=status("resolved", "dirt"),
        confirmation_state="awaiting",
        requester=p["dispatcher"],
        company=None,
        assignee=None,
        group=None,
        channel="email",
        created_at=T0 + dt.timedelta(days=2),
        updated_at=T0 + dt.timedelta(days=2),
    )
    tickets.append(c)
    d = file("climate", fields={"temperature": 31})
    set_(
        d,
        status=status("closed", "climate"),
        confirmation_state="confirmed",
        company=mall.other_company,
        location=mall.building_b,
        parent=a,
        priority=1,
        created_at=T0 + dt.timedelta(days=3),
        updated_at=T0 + dt.timedelta(days=4),
    )
    tickets.append(d)
    e = file("works_permit", fields=_works_fields())
    set_(e, status=status("approved", "works_permit"), confirmation_state="returned", channel="telegram")
    tickets.append(e)
    f = file("goods_in", fields=_goods_fields())
    tickets.append(f)
    g = file("breakdown")
    set_(g, status=status("waiting", "breakdown"), group=groups["engineering"], assignee=p["engineer"])
    tickets.append(g)
    h = file("dirt", who="dispatcher")
    set_(h, status=status("cancelled", "dirt"), requester=None, company=None, channel="qr")
    tickets.append(h)
    # approval rounds: whatever filing started, one ticket ends with an open round, two with none
    ApprovalRound.objects.filter(ticket__in=[e, f]).delete()
    ApprovalRound.objects.create(ticket=e, number=1, outcome="")
    ApprovalRound.objects.create(ticket=f, number=1, outcome="approved", completed_at=T0)
    Ticket.objects.filter(pk=g.pk).update(fields={"tags": ["door", "urgent"]})  # a list field
    return {t.key: t.pk for t in Ticket.objects.select_related("ticket_type")}


def _works_fields():
    return {
        "works_kind": "repair",
        "start": "2026-03-02T09:00:00Z",
        "finish": "2026-03-02T18:00:00Z",
        "contractor": "Fix-It",
    }


def _goods_fields():
    return {"when": "2026-03-02T09:00:00Z", "goods": "Boxes"}


def cases(mall, ids):
    from tenant_apps.people.models import ResponsibilityGroup

    groups = {g.code: g.pk for g in ResponsibilityGroup.objects.all()}
    p = mall.people
    after = lambda days: (T0 + dt.timedelta(days=days)).isoformat()  # noqa: E731
    return [
        {"type": "leak"},
        {"type": "leak,dirt"},
        {"type": ["leak", "climate"]},
        {"status": "in_progress"},
        {"status": ["new", "resolved"]},
        {"category": ["new"]},
        {"category": ["resolved", "closed"]},
        {"priority": "4"},
        {"priority": "1,4"},
        {"is_open": "true"},
        {"is_open": False},
        {"group": str(groups["plumbing"])},
        {"group": "mine"},  # the dispatcher is in operations
        {"assignee": "me"},
        {"assignee": "none"},
        {"assignee": str(p["engineer"].pk)},
        {"requester": "me"},
        {"requester": str(p["key_user"].pk)},
        {"requester": "none"},
        {"company": str(mall.company.pk)},
        {"company": f"{mall.company.pk},{mall.other_company.pk}"},
        {"location": str(mall.building_b.pk)},  # the subtree: the building and the unit under it
        {"location": str(mall.unit.pk)},
        {"equipment": str(_pump())},
        {"channel": "email,qr"},
        {"parent": str(ids["leak"])},
        {"created_after": after(1)},
        {"created_before": after(2)},
        {"updated_after": after(3)},
        {"planned_finish_before": after(3)},
        {"planned_finish_after": after(3)},
        {"confirmation": "awaiting"},
        {"confirmation": ["confirmed", "returned"]},
        {"awaiting_approval": "true"},
        {"awaiting_approval": "false"},
        {"f.severity": "flood"},
        {"f.temperature": "31"},
        {"f.tags": "door"},
        {"is_open": True, "type": "leak", "group": "mine"},
        {"category": ["new", "open", "waiting"], "company": str(mall.company.pk)},
    ]


def _pump():
    from tenant_apps.objects.models import Equipment

    return Equipment.objects.get(name="Pump 1").pk


def test_every_filter_gives_the_same_tickets_in_the_queryset_the_api_and_matches(mall):
    from tenant_apps.desk.filters import FILTER_NAMES, LIVE_FILTERS, matches, parse, snapshot_of
    from tenant_apps.desk.models import Ticket, TicketEvent
    from tenant_apps.live.publisher import event_payload

    with in_account(mall):
        by_key = _world(mall)
        ids = {"leak": Ticket.objects.filter(fields__severity="flood").get().pk}
        table = cases(mall, ids)
        dispatcher = mall.people["dispatcher"]
        tickets = list(Ticket.objects.select_related("ticket_type", "status", "location"))
        snapshots = {t.pk: snapshot_of(t) for t in tickets}
        payloads = {}  # what the live consumer gets: the ticket of the ticket's latest event
        for t in tickets:
            event = (
                TicketEvent.objects.filter(ticket=t)
                .order_by("-id")
                .select_related("ticket__ticket_type", "ticket__status")[0]
            )
            payloads[t.pk] = event_payload(event)["ticket"]
        everything = set(snapshots)
        assert len(everything) == len(by_key) == 8
        tried = set()
        computed = []
        for filters in table:
            query = parse(filters, user=dispatcher)
            from_db = set(query.apply(Ticket.objects.all()).values_list("pk", flat=True))
            pure = {pk for pk, snap in snapshots.items() if matches(snap, query)}
            assert from_db == pure, filters
            assert 0 < len(from_db) < len(everything), (filters, from_db)  # the case can tell
            if query.live_answerable:
                live = {pk for pk, ticket in payloads.items() if matches(ticket, query)}
                assert live == from_db, ("live payload", filters)
            tried |= {name.split(".")[0] + "." if name.startswith("f.") else name for name in filters}
            computed.append((filters, from_db))
    # every filter the API declares is in the table (search: below), and the live ones are all
    assert tried >= (FILTER_NAMES - {"q"}) | {"f."}, FILTER_NAMES - tried
    assert LIVE_FILTERS < FILTER_NAMES
    # the list API answers the same tickets (its own parsing of the query string)
    for filters, from_db in computed:
        answer = mall.api("dispatcher", "get", "/tickets/", {**_query_string(filters), "page_size": 200})
        assert answer.status_code == 200, (filters, answer.content)
        assert {row["id"] for row in answer.json()["results"]} == from_db, filters


def _query_string(filters: dict) -> dict:
    """The filters as a client would put them in the URL: a multiple-choice filter repeated, the
    others comma-separated; booleans as true/false."""
    out = {}
    for name, value in filters.items():
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, list) and name not in ("category", "confirmation"):
            value = ",".join(value)
        out[name] = value
    return out


def test_search_is_answered_by_the_database_for_the_api_and_live_alike(mall):
    from tenant_apps.desk import selectors
    from tenant_apps.desk.filters import DB_ONLY, matches, parse, snapshot_of
    from tenant_apps.desk.models import Ticket

    with in_account(mall):
        _world(mall)
        Ticket.objects.filter(ticket_type__code="climate").update(title="Escalator smells of burning")
        from django.contrib.postgres.search import SearchVector

        Ticket.objects.update(search=SearchVector("title", config="english"))
        dispatcher = mall.people["dispatcher"]
        query = parse({"q": "escalator"}, user=dispatcher)
        assert DB_ONLY == {"q"} and not query.live_answerable
        wanted = set(query.apply(Ticket.objects.all()).values_list("pk", flat=True))
        assert len(wanted) == 1
        live = {t.pk for t in Ticket.objects.all() if selectors.ticket_matches(dispatcher, query, t.pk)}
        assert live == wanted
        with pytest.raises(ValueError):
            matches(snapshot_of(Ticket.objects.get(pk=next(iter(wanted)))), query)
    answer = mall.api("dispatcher", "get", "/tickets/", {"q": "escalator"})
    assert {row["id"] for row in answer.json()["results"]} == wanted


def test_bad_values_are_refused_alike_by_the_api_and_the_spec(mall):
    from kernel.errors import InvalidInput

    from tenant_apps.desk.filters import parse

    with in_account(mall):
        dispatcher = mall.people["dispatcher"]
        for filters in ({"assignee": "someone"}, {"group": "ours"}, {"category": "nope"}, {"priority": "x"}):
            with pytest.raises(InvalidInput):
                parse(filters, user=dispatcher)
            assert mall.api("dispatcher", "get", "/tickets/", filters).status_code == 400, filters


def test_a_saved_view_with_a_list_value_keeps_every_value(mall):
    """Stored filters are parsed by the same spec: a list is every value (it used to be the last)."""
    with in_account(mall):
        by_key = _world(mall)
    view = mall.api(
        "dispatcher", "post", "/saved-views/", {"name": "Wet or dirty", "filters": {"type": ["leak", "dirt"]}}
    ).json()
    rows = mall.api("dispatcher", "get", "/tickets/", {"view": view["id"], "page_size": 200}).json()[
        "results"
    ]
    assert sorted(row["key"] for row in rows) == sorted(k for k in by_key if k.startswith(("LEAK-", "CLN-")))
