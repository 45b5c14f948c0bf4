"""What the SLA app adds to the desk's ticket payload and list (tenant_apps/desk/extensions.py):
the `sla` field (its one-to-one row joined by the list's query), the `sla_state` and
`sla_breaching_within` filters and the `sla_due` ordering."""

from __future__ import annotations

import django_filters as df
from rest_framework import serializers

from tenant_apps.desk import extensions

from . import selectors, timer


class SlaClockSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(allow_null=True, help_text="null while paused before it was due")
    met_at = serializers.DateTimeField(allow_null=True)
    state = serializers.ChoiceField(choices=list(timer.STATES))
    remaining_seconds = serializers.IntegerField(
        help_text="Running: seconds until due_at (negative: late); paused or stopped: working seconds left"
    )


class SlaPolicyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TicketSlaSerializer(serializers.Serializer):
    policy = SlaPolicyRefSerializer()
    paused = serializers.BooleanField()
    next_due_at = serializers.DateTimeField(allow_null=True)
    response = SlaClockSerializer(allow_null=True)
    resolution = SlaClockSerializer(allow_null=True)


extensions.payload_field(
    extensions.PayloadField(
        name="sla",
        joins=("sla", "sla__policy"),
        value=selectors.of_ticket,
        schema=lambda: TicketSlaSerializer(allow_null=True, read_only=True),
    )
)
MAX_WITHIN_MINUTES = 366 * 24 * 60

extensions.list_filter(
    extensions.ListFilter(
        name="sla_state",
        declaration=df.ChoiceFilter(
            method="by_query",
            choices=[(s, s) for s in timer.STATES],
            help_text="The ticket's SLA as a whole: breached, warning, running, paused or met",
        ),
        apply=lambda queryset, value: selectors.with_state(queryset, value),
    )
)
extensions.list_filter(
    extensions.ListFilter(
        name="sla_breaching_within",
        declaration=df.NumberFilter(
            method="by_query",
            min_value=0,
            max_value=MAX_WITHIN_MINUTES,  # beyond it a due moment leaves the calendar (was a 500)
            help_text="Minutes (at most a year): a running SLA timer is due within them from now "
            "(not breached yet)",
        ),
        apply=lambda queryset, value: selectors.breaching_within(queryset, value),
    )
)
extensions.ordering(extensions.Ordering(name="sla_due", annotate=selectors.with_sla_due))
