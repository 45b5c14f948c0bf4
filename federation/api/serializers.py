"""Federation API shapes (documented in the OpenAPI schema; services validate)."""

from __future__ import annotations

from rest_framework import serializers

from ..directory.models import PartnershipState, Side
from ..models import LinkRole, LinkState


def _map():
    return serializers.DictField(child=serializers.CharField(allow_blank=True), required=False)


class PartnerSerializer(serializers.Serializer):
    name = serializers.CharField()
    address = serializers.CharField()


class PartnershipSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=PartnershipState.choices)
    side = serializers.ChoiceField(choices=Side.choices)
    partner = PartnerSerializer()
    type_map = serializers.DictField(child=serializers.CharField())
    status_to_provider = serializers.DictField(child=serializers.CharField())
    status_to_requester = serializers.DictField(child=serializers.CharField())
    attachments = serializers.BooleanField()
    note = serializers.CharField()
    reason = serializers.CharField()
    invited_at = serializers.DateTimeField()
    accepted_at = serializers.DateTimeField(allow_null=True)
    suspended_at = serializers.DateTimeField(allow_null=True)
    ended_at = serializers.DateTimeField(allow_null=True)
    key_id = serializers.CharField()
    state_delivered = serializers.BooleanField(
        help_text="Across deployments: whether the partner has taken this side's latest state."
    )
    delivery_error = serializers.CharField()


class InviteSerializer(serializers.Serializer):
    partner = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="The partner account's address on this deployment (slug or host).",
    )
    remote_url = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Another deployment: its base URL (with `code`, instead of `partner`).",
    )
    code = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Another deployment: the invitation code the partner's admin made there.",
    )
    type_map = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        help_text="Your ticket type code -> the partner's type code (the partner may fill it in on accept).",
    )
    status_to_provider = _map()
    status_to_requester = _map()
    attachments = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AcceptSerializer(serializers.Serializer):
    type_map = _map()
    status_to_provider = _map()
    status_to_requester = _map()


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ForwardSerializer(serializers.Serializer):
    partnership = serializers.UUIDField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


class ForwardTargetSerializer(serializers.Serializer):
    partnership = serializers.UUIDField()
    partner = serializers.CharField(help_text="The partner's name")


class ForwardSubticketSerializer(ForwardSerializer):
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=50,
        help_text="Type code of the sub-ticket; by default the parent's, when the partner takes it.",
    )
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)


class SubticketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()


class MessageSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["in", "out"])
    id = serializers.UUIDField()
    link = serializers.UUIDField()
    seq = serializers.IntegerField()
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    applied_at = serializers.DateTimeField(allow_null=True)
    attempts = serializers.IntegerField()
    error = serializers.CharField()
    parked_at = serializers.DateTimeField(allow_null=True)


class LinkSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    partnership = serializers.UUIDField()
    partner = serializers.CharField()
    role = serializers.ChoiceField(choices=LinkRole.choices)
    state = serializers.ChoiceField(choices=LinkState.choices)
    remote_ref = serializers.CharField()
    remote_status = serializers.CharField()
    remote_assignee = serializers.CharField()
    remote_checklist = serializers.ListField(child=serializers.DictField())
    note = serializers.CharField()
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    messages = MessageSerializer(many=True)


class ReplaySerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["in", "out"])
    id = serializers.UUIDField()


class ReplayResultSerializer(serializers.Serializer):
    direction = serializers.CharField()
    id = serializers.UUIDField()
    result = serializers.CharField()
    error = serializers.CharField(required=False)


class InvitationCodeSerializer(serializers.Serializer):
    id = serializers.CharField()
    state = serializers.ChoiceField(choices=["open", "used", "expired", "revoked"])
    note = serializers.CharField()
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    used_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    partnership = serializers.UUIDField(allow_null=True)
    code = serializers.CharField(required=False, help_text="Only in the answer that makes the code.")


class NewInvitationCodeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)
    valid_hours = serializers.IntegerField(required=False, min_value=1, max_value=720)


class ForwardedSubticketSerializer(serializers.Serializer):
    subticket = SubticketRefSerializer()
    links = LinkSerializer(many=True)
