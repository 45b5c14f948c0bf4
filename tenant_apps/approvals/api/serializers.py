from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps.people.models import ResponsibilityGroup, User

from ..models import ApprovalPolicy, ApprovalRound, ApprovalStep, Decision
from ..services import NEEDS_COMMENT


class StepSerializer(serializers.ModelSerializer):
    approver = serializers.SerializerMethodField()
    group = serializers.SerializerMethodField()
    decided_by = serializers.SerializerMethodField()

    class Meta:
        model = ApprovalStep
        fields = ["id", "approver", "group", "decision", "comment", "decided_by", "decided_at", "due_at"]

    def _ref(self, obj) -> dict | None:
        return (
            {"id": obj.pk, "name": str(obj.full_name if hasattr(obj, "full_name") else obj.name)}
            if obj
            else None
        )

    def get_approver(self, step) -> dict | None:
        return self._ref(step.approver)

    def get_group(self, step) -> dict | None:
        return self._ref(step.group)

    def get_decided_by(self, step) -> dict | None:
        return self._ref(step.decided_by)


class RoundSerializer(serializers.ModelSerializer):
    steps = StepSerializer(many=True, read_only=True)
    policy = serializers.CharField(
        source="policy.name", default=None, read_only=True, allow_null=True, help_text="null: no policy"
    )

    class Meta:
        model = ApprovalRound
        fields = ["id", "number", "policy", "started_at", "completed_at", "outcome", "steps"]


class TicketApprovalSerializer(serializers.Serializer):
    """A ticket's approval record and what the asking person may do now."""

    rounds = RoundSerializer(many=True)
    can_decide = serializers.BooleanField()
    can_resubmit = serializers.BooleanField()


def decision_options() -> list[dict]:
    """The decisions an approver may take, in order, with whether `services.decide` demands a
    comment (so a screen asks for it without knowing the rule)."""
    return [
        {"decision": d.value, "label": str(d.label), "comment_required": d in NEEDS_COMMENT} for d in Decision
    ]


class DecisionOptionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    label = serializers.CharField(help_text="In the asking person's language.")
    comment_required = serializers.BooleanField(
        help_text="POST decide refuses this decision without a comment."
    )


class QueueItemSerializer(StepSerializer):
    ticket = serializers.SerializerMethodField()
    round = serializers.IntegerField(source="round.number")
    decisions = serializers.SerializerMethodField(
        help_text="What the approver may decide here, and which decisions need a comment."
    )

    class Meta(StepSerializer.Meta):
        fields = [*StepSerializer.Meta.fields, "ticket", "round", "decisions"]

    @extend_schema_field(DecisionOptionSerializer(many=True))
    def get_decisions(self, step) -> list[dict]:
        return decision_options()

    def get_ticket(self, step) -> dict:
        t = step.round.ticket
        return {
            "id": t.pk,
            "key": t.key,
            "title": t.title,
            "type": t.ticket_type.code,
            "status": t.status.key,
            "status_name": t.status.name,
            "priority": t.priority,
            "created_at": t.created_at,
        }


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ResubmitSerializer(serializers.Serializer):
    changes = serializers.DictField(
        required=False,
        default=dict,
        help_text="Edits to the request: title, description, location, equipment, planned dates, fields",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)


class PolicySerializer(serializers.ModelSerializer):
    ticket_type = serializers.IntegerField(source="ticket_type_id")
    approvers = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=User.objects.all())
    approver_groups = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=ResponsibilityGroup.objects.all()
    )
    approved_group = serializers.IntegerField(source="approved_group_id", required=False, allow_null=True)
    pending_status = serializers.CharField(source="pending_status.key")
    rework_status = serializers.CharField(source="rework_status.key")
    approved_status = serializers.CharField(source="approved_status.key")
    remarks_status = serializers.CharField(
        source="remarks_status.key", required=False, allow_null=True, allow_blank=True, default=None
    )
    rejected_status = serializers.CharField(source="rejected_status.key")
    conditions = serializers.JSONField(required=False)
    deadline_hours = serializers.IntegerField(required=False, allow_null=True)

    class Meta:
        model = ApprovalPolicy
        fields = [
            "id",
            "ticket_type",
            "name",
            "order",
            "is_active",
            "conditions",
            "approvers",
            "approver_groups",
            "deadline_hours",
            "pending_status",
            "rework_status",
            "approved_status",
            "remarks_status",
            "rejected_status",
            "approved_group",
        ]

    def service_data(self) -> dict:
        """validated_data flattened for approvals.services.save_policy."""
        data = dict(self.validated_data)
        out: dict = {}
        for key, value in data.items():
            key = {"ticket_type_id": "ticket_type", "approved_group_id": "approved_group"}.get(key, key)
            if key == "ticket_type":
                out["ticket_type"] = value.get("id") if isinstance(value, dict) else value
            elif key.endswith("_status"):
                out[key] = value.get("key") if isinstance(value, dict) else value
            elif key in ("approvers", "approver_groups"):
                out[key] = [obj.pk for obj in value]
            elif key == "approved_group":
                out["approved_group"] = value.get("id") if isinstance(value, dict) else value
            else:
                out[key] = value
        return out
