"""Shapes of the SLA API. Serializers only shape data; services decide."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps.calendars.models import BusinessCalendar
from tenant_apps.desk.models import TicketType
from tenant_apps.objects.models import Location
from tenant_apps.people.models import Company, ResponsibilityGroup, User

from ..models import EscalationAction, SlaPolicy, TargetKind, Threshold


class SlaTargetSerializer(serializers.Serializer):
    priority = serializers.IntegerField(help_text="1 low, 2 normal, 3 high, 4 urgent")
    response_minutes = serializers.IntegerField(allow_null=True, required=False, default=None)
    resolution_minutes = serializers.IntegerField(allow_null=True, required=False, default=None)


class SlaEscalationSerializer(serializers.Serializer):
    id = serializers.IntegerField(required=False, allow_null=True, help_text="Given: that escalation changes")
    threshold = serializers.ChoiceField(choices=Threshold.choices)
    target = serializers.ChoiceField(choices=TargetKind.choices)
    action = serializers.ChoiceField(choices=EscalationAction.choices)
    group = serializers.PrimaryKeyRelatedField(
        queryset=ResponsibilityGroup.objects.all(), allow_null=True, required=False, default=None
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(), allow_null=True, required=False, default=None
    )


class SlaPolicySerializer(serializers.ModelSerializer):
    calendar = serializers.PrimaryKeyRelatedField(
        queryset=BusinessCalendar.objects.all(),
        allow_null=True,
        required=False,
        help_text="null: the account's default calendar",
    )
    ticket_types = serializers.PrimaryKeyRelatedField(
        queryset=TicketType.objects.all(), many=True, required=False, help_text="Empty: any type"
    )
    companies = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(), many=True, required=False, help_text="Empty: any requester's company"
    )
    locations = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(),
        many=True,
        required=False,
        help_text="Empty: anywhere; else a ticket at one of them or under it",
    )
    targets = SlaTargetSerializer(many=True, required=False)
    escalations = SlaEscalationSerializer(many=True, required=False)

    class Meta:
        model = SlaPolicy
        fields = [
            "id",
            "name",
            "order",
            "is_active",
            "calendar",
            "warning_percent",
            "ticket_types",
            "companies",
            "locations",
            "targets",
            "escalations",
        ]

    def to_representation(self, policy) -> dict:
        return {
            "id": policy.pk,
            "name": policy.name,
            "order": policy.order,
            "is_active": policy.is_active,
            "calendar": policy.calendar_id,
            "warning_percent": policy.warning_percent,
            "ticket_types": sorted(t.pk for t in policy.ticket_types.all()),
            "companies": sorted(c.pk for c in policy.companies.all()),
            "locations": sorted(loc.pk for loc in policy.locations.all()),
            "targets": [
                {
                    "priority": t.priority,
                    "response_minutes": t.response_minutes,
                    "resolution_minutes": t.resolution_minutes,
                }
                for t in sorted(policy.targets.all(), key=lambda t: -t.priority)
            ],
            "escalations": [
                {
                    "id": e.pk,
                    "threshold": e.threshold,
                    "target": e.target,
                    "action": e.action,
                    "group": e.group_id,
                    "assignee": e.assignee_id,
                }
                for e in sorted(policy.escalations.all(), key=lambda e: e.pk)
            ],
        }

    def service_data(self) -> dict:
        """validated_data for sla.services.save_policy (references as instances or ids)."""
        out: dict = {}
        for key, value in self.validated_data.items():
            if key == "calendar":
                out["calendar_id"] = value.pk if value is not None else None
            elif key in ("ticket_types", "companies", "locations"):
                out[key] = [obj.pk for obj in value]
            elif key == "targets":
                out[key] = [dict(t) for t in value]
            elif key == "escalations":
                out[key] = [dict(e) for e in value]
            else:
                out[key] = value
        return out
