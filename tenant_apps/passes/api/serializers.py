"""Shapes of the passes and gate API. Serializers only shape data; services decide."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import CheckMethod, GateCheck, Pass, PassKind, Reason
from ..services import format_short_code
from ..validity import display_state

DISPLAY_STATES = ["requested", "approved", "rejected", "revoked", "expired"]


@extend_schema_field(
    {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$", "example": "22:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day as the desk shows it, "22:00" (seconds accepted on input, never answered)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class PassQrSerializer(serializers.Serializer):
    short_code = serializers.CharField(help_text="The code a guard can type instead (ABCD-EFGH)")
    svg = serializers.CharField(help_text="The code as an SVG image")
    png = serializers.CharField(help_text="The code as a PNG image (`&scale=` pixels per module)")


class PassHolderSerializer(serializers.Serializer):
    name = serializers.CharField(required=False, allow_blank=True, default="")
    document = serializers.CharField(required=False, allow_blank=True, default="")
    vehicle_plate = serializers.CharField(required=False, allow_blank=True, default="")


class PassRequestCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PassKind.choices)
    holders = PassHolderSerializer(
        many=True, help_text="People and/or vehicles: name, document, vehicle_plate"
    )
    company = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Defaults to the requester's company"
    )
    premises = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Location id"
    )
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Required for temporary passes"
    )
    daily_from = HourMinuteField(
        required=False, allow_null=True, default=None, help_text="Daily hours in the account's time zone"
    )
    daily_until = HourMinuteField(
        required=False,
        allow_null=True,
        default=None,
        help_text="May be earlier than daily_from: the window crosses midnight (22:00-06:00)",
    )
    purpose = serializers.CharField(required=False, allow_blank=True, default="")
    linked_ticket = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Works permit / goods ticket id"
    )
    required_documents = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False, default=list
    )
    title = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    requester = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="Agents: file for this person"
    )
    fields = serializers.JSONField(
        required=False, default=dict, help_text="Extra custom fields of the pass request form"
    )
    issue = serializers.BooleanField(
        required=False, default=False, help_text="Managers and Security: issue at once, approved"
    )

    def validate_holders(self, value):
        return [dict(h) for h in value]


class PassTicketRef(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField(help_text="Status name")
    category = serializers.CharField()


class PassNamedRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


def ticket_ref(ticket) -> dict | None:
    if ticket is None:
        return None
    return {
        "id": ticket.pk,
        "key": ticket.key,
        "title": ticket.title,
        "status": ticket.status.name,
        "category": ticket.category,
    }


def _named(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


class PassSerializer(serializers.ModelSerializer):
    """A pass. Built directly in `to_representation`; the declared fields describe it (OpenAPI).
    The state shown is derived: an issued pass past its last moment shows as "expired"."""

    state = serializers.ChoiceField(choices=DISPLAY_STATES)
    company = PassNamedRef(allow_null=True)
    premises = PassNamedRef(allow_null=True)
    request = PassTicketRef()
    linked_ticket = PassTicketRef(allow_null=True)
    short_code = serializers.CharField()
    qr_url = serializers.CharField(allow_null=True)
    daily_from = HourMinuteField(allow_null=True)
    daily_until = HourMinuteField(allow_null=True)

    class Meta:
        model = Pass
        fields = [
            "id",
            "kind",
            "state",
            "holder_name",
            "document",
            "vehicle_plate",
            "company",
            "premises",
            "valid_from",
            "valid_until",
            "daily_from",
            "daily_until",
            "purpose",
            "required_documents",
            "short_code",
            "qr_url",
            "request",
            "linked_ticket",
            "issued_at",
            "revoked_at",
            "revoke_reason",
            "created_at",
        ]

    def to_representation(self, p) -> dict:
        tz, now = self.context["tz"], self.context.get("now") or timezone.now()
        state = display_state(p, now, tz)
        when = serializers.DateTimeField().to_representation
        return {
            "id": p.pk,
            "kind": p.kind,
            "state": state,
            "holder_name": p.holder_name,
            "document": p.document,
            "vehicle_plate": p.vehicle_plate,
            "company": _named(p.company),
            "premises": _named(p.premises),
            "valid_from": p.valid_from.isoformat(),
            "valid_until": p.valid_until.isoformat() if p.valid_until else None,
            "daily_from": p.daily_from.strftime("%H:%M") if p.daily_from else None,
            "daily_until": p.daily_until.strftime("%H:%M") if p.daily_until else None,
            "purpose": p.purpose,
            "required_documents": list(p.required_documents or []),
            "short_code": format_short_code(p.short_code),
            "qr_url": f"/api/v1/passes/{p.pk}/qr/" if p.state == "approved" else None,
            "request": ticket_ref(p.request),
            "linked_ticket": ticket_ref(p.linked_ticket),
            "issued_at": when(p.issued_at) if p.issued_at else None,
            "revoked_at": when(p.revoked_at) if p.revoked_at else None,
            "revoke_reason": p.revoke_reason,
            "created_at": when(p.created_at),
        }


class PassRequestSerializer(serializers.Serializer):
    ticket = PassTicketRef()
    passes = PassSerializer(many=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True)


class ExtendSerializer(serializers.Serializer):
    valid_until = serializers.DateField()


# ---------------------------------------------------------------------------- the gate
class GateCheckRequestSerializer(serializers.Serializer):
    code = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="QR token, short code, or ticket key (GIN-42)"
    )


class GateReasonSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=Reason.choices)
    message = serializers.CharField()


class GatePassSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PassKind.choices)
    state = serializers.CharField()
    holder_name = serializers.CharField()
    document = serializers.CharField()
    vehicle_plate = serializers.CharField()
    company = PassNamedRef(allow_null=True)
    premises = PassNamedRef(allow_null=True)
    short_code = serializers.CharField()
    purpose = serializers.CharField()
    revoke_reason = serializers.CharField()
    reason = serializers.ChoiceField(choices=Reason.choices, help_text="This pass's own verdict")


class GateWindowSerializer(serializers.Serializer):
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    daily_from = serializers.CharField(allow_null=True)
    daily_until = serializers.CharField(allow_null=True)
    starts_at = serializers.DateTimeField(allow_null=True, help_text="First moment, account's time zone")
    ends_at = serializers.DateTimeField(allow_null=True, help_text="End (exclusive), account's time zone")
    time_zone = serializers.CharField()


class GateChecklistItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    kind = serializers.CharField()
    required = serializers.BooleanField()
    done = serializers.BooleanField()


class GateVerdictSerializer(serializers.Serializer):
    check_id = serializers.IntegerField()
    valid = serializers.BooleanField()
    reason = GateReasonSerializer()
    method = serializers.ChoiceField(choices=CheckMethod.choices)
    # "pass" is a Python keyword: declared in __init__ below
    passes = GatePassSerializer(many=True)
    window = GateWindowSerializer(allow_null=True)
    ticket = PassTicketRef(allow_null=True, help_text="The pass request (or the ticket typed)")
    linked_ticket = PassTicketRef(allow_null=True, help_text="Works permit / goods ticket of the pass")
    required_documents = serializers.ListField(child=serializers.CharField())
    checklist = GateChecklistItemSerializer(
        many=True,
        help_text="For a ticket number typed at the gate: its checklist (e.g. 'Goods brought in'), "
        "ticked with POST /tickets/{id}/checklist/{item}/",
    )
    checklist_ticket = serializers.IntegerField(
        allow_null=True, help_text="The id of the ticket the checklist belongs to (the ticket typed)"
    )
    checked_at = serializers.DateTimeField()

    def get_fields(self):
        fields = super().get_fields()
        fields["pass"] = GatePassSerializer(allow_null=True)
        return fields


class GateCheckSerializer(serializers.ModelSerializer):
    checked_by = serializers.SerializerMethodField()
    pass_id = serializers.IntegerField(source="pass_obj_id", allow_null=True)
    short_code = serializers.SerializerMethodField()
    ticket = serializers.SerializerMethodField()

    class Meta:
        model = GateCheck
        fields = [
            "id",
            "checked_at",
            "checked_by",
            "code",
            "method",
            "valid",
            "reason",
            "pass_id",
            "short_code",
            "ticket",
        ]

    def get_checked_by(self, check) -> dict | None:
        if check.checked_by_id is None:
            return None
        return {"id": check.checked_by_id, "name": check.checked_by_name}

    def get_short_code(self, check) -> str | None:
        return format_short_code(check.pass_obj.short_code) if check.pass_obj_id else None

    def get_ticket(self, check) -> str | None:
        t = check.ticket
        return t.key if t is not None else None


class GateTodayTypeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class GateTodayItemSerializer(serializers.Serializer):
    """An approved ticket the gate expects today (a goods move-in, works)."""

    id = serializers.IntegerField()
    key = serializers.CharField(help_text="Type it at the gate (POST /gate/check/) to judge it")
    title = serializers.CharField()
    type = GateTodayTypeSerializer()
    status = serializers.CharField(help_text="Status name")
    outcome = serializers.CharField(help_text="approved | approved_with_remarks")
    starts_at = serializers.DateTimeField(allow_null=True, help_text="Account's time zone")
    ends_at = serializers.DateTimeField(allow_null=True, help_text="End (exclusive), account's time zone")
    company = PassNamedRef(allow_null=True)
    location = PassNamedRef(allow_null=True)
    vehicle_plate = serializers.CharField(help_text="From the form, '' when none")
