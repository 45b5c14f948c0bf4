"""What the "sla" reaction adds to a ticket change, in queries (the desk's budgets in
tests/desk/test_query_counts.py hold for accounts without SLA policies: none is added there)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenant_apps.desk import services as desk
from tenant_apps.sla.models import TicketSla
from tests.sla.conftest import file_leak, make_policy
from tests.support.clients import api_call
from tests.support.context import in_account

pytestmark = pytest.mark.django_db


def _queries_of_a_priority_change(mall, ticket, priority) -> list[str]:
    with in_account(mall), CaptureQueriesContext(connection) as seen:
        desk.update_ticket(actor=mall.people["dispatcher"], ticket=ticket, changes={"priority": priority})
    return [q["sql"] for q in seen.captured_queries]


def test_no_policy_in_the_account_costs_nothing(mall, calendars):
    ticket = file_leak(mall)
    sqls = _queries_of_a_priority_change(mall, ticket, 4)
    assert not [q for q in sqls if "sla_" in q]


def test_a_change_costs_the_history_read_and_one_upsert(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)
    sqls = _queries_of_a_priority_change(mall, ticket, 4)
    sla = [q for q in sqls if "sla_ticketsla" in q or ("desk_ticketevent" in q and q.startswith("SELECT"))]
    assert len(sla) == 2, sla  # the ticket's history (one SELECT), its timers (one INSERT .. ON CONFLICT)


def test_the_list_reads_the_sla_in_its_rows_query(mall, calendars):
    make_policy(mall)
    for i in range(3):
        file_leak(mall, title=f"leak {i}")
    client = mall.client("dispatcher")
    api_call(client, mall.host, "get", "/tickets/")  # warm: the person, the configuration
    with CaptureQueriesContext(connection) as seen:
        answer = api_call(client, mall.host, "get", "/tickets/?page_size=50")
    rows = answer.json()["results"]
    assert len(rows) >= 3 and all(r["sla"]["policy"]["name"] == "Standard" for r in rows)
    sla_reads = [
        q["sql"] for q in seen.captured_queries if "sla_" in q["sql"] and "desk_ticket" not in q["sql"]
    ]
    assert sla_reads == []  # joined into the rows' query: no query per row, none on its own
    tokens = [q["sql"] for q in seen.captured_queries if "desk_configversion" in q["sql"]]
    assert len(tokens) <= 1


def _without_the_reaction(monkeypatch):
    from tenant_apps.desk import events

    real = events._reactions["sla"]
    monkeypatch.setitem(events._reactions, "sla", events.Reaction("sla", real.kinds, lambda event: None))
    events._by_kind.clear()
    return real


def test_what_the_reaction_adds_to_a_change_in_queries(mall, calendars, monkeypatch):
    """The figure the desk's query budgets would grow by: with a policy, the version read of the
    configuration (none inside a configcache.scope()), the history and the upsert; without any
    policy, the version read only."""
    from tenant_apps.desk import events

    ticket = file_leak(mall)
    with_none = len(_queries_of_a_priority_change(mall, ticket, 4))
    make_policy(mall)
    ticket = file_leak(mall)
    with_policy = len(_queries_of_a_priority_change(mall, ticket, 4))
    _without_the_reaction(monkeypatch)
    try:
        ticket = file_leak(mall)
        bare = len(_queries_of_a_priority_change(mall, ticket, 4))
    finally:
        monkeypatch.undo()
        events._by_kind.clear()
    assert with_policy - bare == 3
    assert with_none - bare <= 1


def test_a_run_of_agent_replies_in_one_change_recomputes_once(mall, calendars):
    make_policy(mall)
    ticket = file_leak(mall)

    def upserts(bodies: list[str]) -> int:
        with in_account(mall), CaptureQueriesContext(connection) as seen:
            desk.add_comments(actor=mall.people["dispatcher"], ticket=ticket, bodies=bodies)
        return len([q for q in seen.captured_queries if "sla_ticketsla" in q["sql"]])

    one = upserts(["On our way"])
    assert one >= 1
    # five replies at once (a partner's run, applied as one change): the first one meets the
    # response target, the other four can meet nothing: the timers are written once, not five times
    assert upserts([f"update {n}" for n in range(5)]) == one
    with in_account(mall):
        assert TicketSla.objects.get(ticket=ticket).response_met_at is not None
