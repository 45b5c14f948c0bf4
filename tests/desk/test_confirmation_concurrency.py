"""Two auto-confirmation runs at the same time (two beats, or a retried task beside the first):
each due ticket is confirmed once. Committed data, each run on its own database session."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.desk import confirmation
from tenant_apps.desk.models import EventKind, Ticket, TicketEvent
from tests.desk.test_confirmation import resolved_leak
from tests.support.worlds import make_mall


def test_two_auto_confirmation_runs_at_once_confirm_each_ticket_once(live_db):
    mall = make_mall()  # committed: the two runs have sessions of their own
    tickets = [resolved_leak(mall) for _ in range(4)]
    with schema_context(mall.schema):
        Ticket.objects.filter(pk__in=[t["id"] for t in tickets]).update(
            confirmation_due_at=timezone.now() - timedelta(minutes=1)
        )
    counts, barrier = [], threading.Barrier(2)

    def run():
        from django.db import connection as conn

        try:
            with schema_context(mall.schema):
                conn.tenant = mall.made.account
                barrier.wait()
                counts.append(confirmation.auto_confirm_due())
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 4
    with schema_context(mall.schema):
        per_ticket = [
            TicketEvent.objects.filter(ticket_id=t["id"], kind=EventKind.CONFIRMED).count() for t in tickets
        ]
    assert per_ticket == [1, 1, 1, 1]
