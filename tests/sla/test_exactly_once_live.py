"""Two SLA checks at the same time (two beats, or a retried task beside the first): each warning or
breach fires once. Committed data, each check on its own database session."""

from __future__ import annotations

import threading
from datetime import timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.desk.models import EventKind, TicketEvent
from tenant_apps.sla import services
from tenant_apps.sla.models import SlaFired
from tests.sla.conftest import DEMO_TARGETS, file_leak
from tests.support.worlds import make_mall


def test_two_checks_at_once_fire_each_breach_once(live_db):
    mall = make_mall()  # committed: the two checks have sessions of their own
    with schema_context(mall.schema):
        services.save_policy(
            actor=mall.people["admin"], policy=None, data={"name": "Standard", "targets": DEMO_TARGETS}
        )
    tickets = [file_leak(mall, title=f"leak {i}") for i in range(4)]
    later = timezone.now() + timedelta(days=30)  # both timers of every ticket are late by then
    counts, barrier = [], threading.Barrier(2)

    def run():
        from django.db import connection as conn

        try:
            with schema_context(mall.schema):
                conn.tenant = mall.made.account
                barrier.wait()
                counts.append(services.check_due(now=later, limit=1))
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(counts) == 8  # a response and a resolution breach of each of the 4 tickets
    with schema_context(mall.schema):
        per_ticket = [
            sorted(
                TicketEvent.objects.filter(ticket_id=t.pk, kind=EventKind.SLA_BREACHED).values_list(
                    "data__target", flat=True
                )
            )
            for t in tickets
        ]
        fired = SlaFired.objects.filter(ticket_id__in=[t.pk for t in tickets]).count()
        assert services.check_due(now=later) == 0  # and a third check finds nothing left
    assert per_ticket == [["resolution", "response"]] * 4
    assert fired == 8
