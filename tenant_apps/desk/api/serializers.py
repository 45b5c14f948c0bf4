"""Shapes of the desk API. Serializers only shape data; services decide."""

from __future__ import annotations

from rest_framework import serializers

from tenant_apps import permissions as perms

from .. import extensions
from ..models import (
    Attachment,
    ChecklistItem,
    ChecklistItemKind,
    ChecklistTemplate,
    Comment,
    FormField,
    RoutingRule,
    SavedView,
    Status,
    Ticket,
    TicketEvent,
    TicketType,
    Transition,
    Workflow,
)


class Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="__str__")


class PersonRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="full_name")


class TypeRef(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    prefix = serializers.CharField()


class StatusRef(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    color = serializers.CharField(help_text="#RRGGBB, or empty: the category's colour")


_datetime = serializers.DateTimeField()


def _when(value):
    return _datetime.to_representation(value) if value is not None else None


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": str(obj)} if obj is not None else None


def _person(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.full_name} if obj is not None else None


class ConfirmationSerializer(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=["awaiting", "confirmed", "auto_confirmed", "returned"],
        allow_null=True,
        help_text="awaiting: resolved, waiting for the requester; null: no confirmation in play",
    )
    due_at = serializers.DateTimeField(allow_null=True, help_text="When the work is confirmed automatically")
    confirmed_at = serializers.DateTimeField(allow_null=True)
    returned_reason = serializers.CharField(allow_blank=True, help_text="The last return's reason")


class RatingSerializer(serializers.Serializer):
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(allow_blank=True)
    rated_at = serializers.DateTimeField()
    rated_by = PersonRef(allow_null=True)


def _confirmation(t) -> dict:
    return {
        "state": t.confirmation_state or None,
        "due_at": _when(t.confirmation_due_at),
        "confirmed_at": _when(t.confirmed_at),
        "returned_reason": t.returned_reason,
    }


def rating_of(t) -> dict | None:
    if t.rated_at is None:
        return None
    by = {"id": t.rated_by_id, "name": t.rated_by_name} if t.rated_by_id or t.rated_by_name else None
    if by is not None and by["id"] is None:
        by = None  # a partner's rating: the author is named in the ticket's history
    return {"score": t.rating, "comment": t.rating_comment, "rated_at": _when(t.rated_at), "rated_by": by}


class TicketListSerializer(serializers.ModelSerializer):
    """A ticket row. The declared fields describe it (OpenAPI); `to_representation` builds the same
    shape directly, because a page of 50 rows through nested serializers costs more than the
    queries behind it."""

    key = serializers.CharField(read_only=True)
    type = TypeRef(source="ticket_type")
    status = StatusRef()
    requester = PersonRef(allow_null=True)
    company = Ref(allow_null=True)
    location = Ref(allow_null=True)
    equipment = Ref(allow_null=True)
    group = Ref(allow_null=True)
    assignee = PersonRef(allow_null=True)
    confirmation = ConfirmationSerializer()
    rating = RatingSerializer(allow_null=True, help_text="Agents and the requester's company see it")
    can_confirm = serializers.BooleanField(help_text="The current person may confirm the resolved work")
    can_return = serializers.BooleanField(help_text="The current person may return it for rework")
    can_rate = serializers.BooleanField(help_text="The current person may rate the confirmed work")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "key",
            "number",
            "title",
            "type",
            "status",
            "priority",
            "requester",
            "company",
            "location",
            "equipment",
            "group",
            "assignee",
            "channel",
            "fields",
            "planned_start",
            "planned_finish",
            "created_at",
            "updated_at",
            "confirmation",
            "rating",
            "can_confirm",
            "can_return",
            "can_rate",
        ]

    def get_fields(self):
        fields = super().get_fields()
        for extra in extensions.payload_fields():  # described for the schema; built below
            if extra.schema is not None:
                fields[extra.name] = extra.schema()
        return fields

    def to_representation(self, t) -> dict:
        tt, st = t.ticket_type, t.status
        request = self.context.get("request")
        user = request.user if request is not None else None
        answer = perms.can_confirm_resolution(user, t)
        row = {
            "id": t.pk,
            "key": t.key,
            "number": t.number,
            "title": t.title,
            "type": {"id": tt.pk, "code": tt.code, "name": tt.name, "prefix": tt.prefix},
            "status": {
                "id": st.pk,
                "key": st.key,
                "name": st.name,
                "category": st.category,
                "color": st.color,
            },
            "priority": t.priority,
            "requester": _person(t.requester),
            "company": _ref(t.company),
            "location": _ref(t.location),
            "equipment": _ref(t.equipment),
            "group": _ref(t.group),
            "assignee": _person(t.assignee),
            "channel": t.channel,
            "fields": t.fields,
            "planned_start": _when(t.planned_start),
            "planned_finish": _when(t.planned_finish),
            "created_at": _when(t.created_at),
            "updated_at": _when(t.updated_at),
            "confirmation": _confirmation(t),
            "rating": rating_of(t) if perms.can_see_rating(user, t) else None,
            "can_confirm": answer,
            "can_return": answer,
            "can_rate": perms.can_rate(user, t),
        }
        for extra in extensions.payload_fields():  # fields other apps add (extensions.py)
            row[extra.name] = extra.value(t, user)
        return row


class AvailableTransition(serializers.Serializer):
    to = serializers.CharField(source="target.key")
    to_name = serializers.CharField(source="target.name")
    to_category = serializers.CharField(
        source="target.category", help_text="The target's category: cancelled is a withdrawal"
    )
    name = serializers.CharField()
    comment_required = serializers.BooleanField()
    required_fields = serializers.ListField(child=serializers.CharField())


class TicketDetailSerializer(TicketListSerializer):
    watchers = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()

    class Meta(TicketListSerializer.Meta):
        fields = [
            *TicketListSerializer.Meta.fields,
            "description",
            "parent",
            "watchers",
            "resolved_at",
            "closed_at",
            "transitions",
        ]

    def to_representation(self, t) -> dict:
        row = super().to_representation(t)
        row.update(
            description=t.description,
            parent=t.parent_id,
            watchers=self.get_watchers(t),
            resolved_at=_when(t.resolved_at),
            closed_at=_when(t.closed_at),
            transitions=self.get_transitions(t),
        )
        return row

    def get_watchers(self, ticket) -> list[int]:
        known = getattr(ticket, "known_watcher_ids", None)  # set by file_ticket
        return known if known is not None else sorted(ticket.watchers.values_list("id", flat=True))

    def get_transitions(self, ticket) -> list[dict]:
        from ..services import available_transitions

        return AvailableTransition(
            available_transitions(self.context["request"].user, ticket), many=True
        ).data


class TicketCreateSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="Ticket type code (or id)")
    title = serializers.CharField(max_length=300, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.IntegerField(required=False, allow_null=True, default=None)
    fields = serializers.JSONField(required=False, default=dict)
    requester = serializers.IntegerField(required=False, allow_null=True, default=None)
    company = serializers.IntegerField(required=False, allow_null=True, default=None)
    location = serializers.IntegerField(required=False, allow_null=True, default=None)
    equipment = serializers.IntegerField(required=False, allow_null=True, default=None)
    parent = serializers.IntegerField(required=False, allow_null=True, default=None)
    planned_start = serializers.DateTimeField(required=False, allow_null=True, default=None)
    planned_finish = serializers.DateTimeField(required=False, allow_null=True, default=None)
    channel = serializers.CharField(required=False, default="api")
    watchers = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    attachments = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Ids of your own uploads (POST /uploads/) the new ticket takes over",
    )


class TicketUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.IntegerField(required=False)
    fields = serializers.JSONField(required=False)
    company = serializers.IntegerField(required=False, allow_null=True)
    location = serializers.IntegerField(required=False, allow_null=True)
    equipment = serializers.IntegerField(required=False, allow_null=True)
    group = serializers.IntegerField(required=False, allow_null=True)
    assignee = serializers.IntegerField(required=False, allow_null=True)
    parent = serializers.IntegerField(required=False, allow_null=True)
    planned_start = serializers.DateTimeField(required=False, allow_null=True)
    planned_finish = serializers.DateTimeField(required=False, allow_null=True)


class TransitionRequestSerializer(serializers.Serializer):
    to = serializers.CharField(help_text="Target status key")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    fields = serializers.JSONField(required=False, default=dict)


class CommentSerializer(serializers.ModelSerializer):
    author = PersonRef(read_only=True, allow_null=True)
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "internal", "created_at", "attachments"]
        read_only_fields = ["id", "author", "created_at", "attachments"]

    def get_attachments(self, comment) -> list[int]:
        return [a.pk for a in comment.attachments.all()]


class CommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    internal = serializers.BooleanField(default=False)


class EventSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "actor_name", "public", "data", "at"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "name",
            "content_type",
            "size",
            "internal",
            "comment",
            "uploaded_by",
            "created_at",
            "download_url",
        ]

    def get_download_url(self, attachment) -> str:
        return f"/api/v1/attachments/{attachment.pk}/download/"


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)


class WatchersSerializer(serializers.Serializer):
    add = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    remove = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)


# ---------------------------------------------------------------------------- configuration
class FormFieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = FormField
        fields = [
            "key",
            "label",
            "kind",
            "required",
            "choices",
            "min_value",
            "max_value",
            "max_length",
            "help_text",
        ]


class TicketTypeSerializer(serializers.ModelSerializer):
    form_fields = FormFieldSerializer(many=True, required=False)
    workflow = serializers.PrimaryKeyRelatedField(queryset=Workflow.objects.all())

    class Meta:
        model = TicketType
        fields = [
            "id",
            "code",
            "name",
            "prefix",
            "description",
            "workflow",
            "default_priority",
            "filing_roles",
            "auto_confirm_days",
            "is_active",
            "order",
            "form_fields",
        ]


class StatusSerializer(serializers.ModelSerializer):
    class Meta:
        model = Status
        fields = ["key", "name", "category", "color", "is_initial"]


class TransitionSerializer(serializers.ModelSerializer):
    source = serializers.CharField(source="source.key")
    target = serializers.CharField(source="target.key")
    allowed_groups = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Transition
        fields = [
            "source",
            "target",
            "name",
            "allowed_roles",
            "allowed_groups",
            "comment_required",
            "required_fields",
            "set_group",
            "set_assignee",
            "clear_assignee",
        ]


class WorkflowSerializer(serializers.ModelSerializer):
    statuses = StatusSerializer(many=True, read_only=True)
    transitions = TransitionSerializer(many=True, read_only=True)

    class Meta:
        model = Workflow
        fields = ["id", "code", "name", "statuses", "transitions", "confirm_status", "return_status"]


class WorkflowWriteSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=50, allow_blank=True)
    name = serializers.CharField(max_length=150, allow_blank=True, required=False, default="")
    statuses = serializers.ListField(child=serializers.DictField())
    transitions = serializers.ListField(child=serializers.DictField(), required=False, default=list)
    confirm_status = serializers.CharField(
        max_length=50,
        allow_blank=True,
        required=False,
        help_text="Closed status a requester's confirmation leads to (blank with return_status: none)",
    )
    return_status = serializers.CharField(
        max_length=50, allow_blank=True, required=False, help_text="Open status a return for rework leads to"
    )


class ReturnRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(
        allow_blank=True, trim_whitespace=False, help_text="Required: what is wrong"
    )


class RatingRequestSerializer(serializers.Serializer):
    score = serializers.IntegerField(help_text="1 to 5")
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class DeskSettingsSerializer(serializers.Serializer):
    auto_confirm_days = serializers.IntegerField(
        help_text="Days resolved work waits for its requester before it is confirmed automatically (0: never)"
    )


class SatisfactionRowSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text="Person, group or type id; null: none")
    label = serializers.CharField()
    ratings = serializers.IntegerField()
    average = serializers.FloatField(allow_null=True)
    resolved = serializers.IntegerField(help_text="Resolutions in the period")
    returned = serializers.IntegerField(help_text="Returns for rework in the period")
    returned_share = serializers.FloatField(allow_null=True, help_text="returned / resolved")


class SatisfactionSerializer(serializers.Serializer):
    results = SatisfactionRowSerializer(many=True)


class RoutingRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoutingRule
        fields = ["id", "name", "order", "is_active", "conditions", "actions", "stop_processing"]


class RoutingTestSerializer(serializers.Serializer):
    """A draft ticket for the routing tester: the create payload's routing-relevant part."""

    type = serializers.CharField(help_text="Ticket type code (or id)")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.IntegerField(required=False, allow_null=True, default=None)
    fields = serializers.JSONField(required=False, default=dict)
    requester = serializers.IntegerField(required=False, allow_null=True, default=None)
    company = serializers.IntegerField(required=False, allow_null=True, default=None)
    location = serializers.IntegerField(required=False, allow_null=True, default=None)
    equipment = serializers.IntegerField(required=False, allow_null=True, default=None)
    channel = serializers.CharField(required=False, default="web")
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it would be filed (default: now)"
    )


class RoutingStepSerializer(serializers.Serializer):
    rule = serializers.CharField()
    id = serializers.IntegerField()
    set = serializers.DictField(help_text="What this rule set: group, priority, assignee, watchers, forward…")


class NamedRef(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RoutingResultSerializer(serializers.Serializer):
    group = NamedRef(allow_null=True)
    assignee = NamedRef(allow_null=True)
    priority = serializers.IntegerField()
    watchers = serializers.ListField(child=serializers.IntegerField())


class RoutingTestAnswerSerializer(serializers.Serializer):
    matched = serializers.BooleanField()
    rule = NamedRef(allow_null=True, help_text="The first rule that applies")
    applied = RoutingStepSerializer(
        many=True, help_text="Every rule that would apply, in order (the history's `rules`)"
    )
    result = RoutingResultSerializer()
    explanation = serializers.CharField()


class SavedViewSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedView
        fields = ["id", "owner", "name", "filters", "ordering", "shared", "created_at"]
        read_only_fields = ["id", "owner", "created_at"]


class BulkUpdateSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    changes = serializers.DictField()


class BulkRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class BulkJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    state = serializers.ChoiceField(choices=["queued", "running", "done"])
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    updated = serializers.ListField(child=serializers.IntegerField())
    refused = BulkRefusalSerializer(many=True)
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


class BulkAcceptedSerializer(serializers.Serializer):
    queued = serializers.IntegerField()
    job = BulkJobSerializer()


class ChecklistItemSerializer(serializers.ModelSerializer):
    done_by = serializers.SerializerMethodField()

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "checklist",
            "position",
            "label",
            "kind",
            "required",
            "required_for",
            "value",
            "done",
            "done_by",
            "done_at",
            "comment",
            "photo",
        ]

    def get_done_by(self, item) -> dict | None:
        return {"id": item.done_by_id, "name": item.done_by.full_name} if item.done_by_id else None


class ChecklistTickSerializer(serializers.Serializer):
    value = serializers.JSONField(
        allow_null=True, help_text="true/false (tick, yes/no), a number, a text; null clears the item"
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    photo = serializers.FileField(required=False, allow_null=True, default=None)


class ChecklistTemplateItemSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=ChecklistItemKind.choices, default=ChecklistItemKind.CHECK)
    required = serializers.BooleanField(default=False)


class ChecklistTemplateSerializer(serializers.ModelSerializer):
    ticket_type = serializers.IntegerField(source="ticket_type_id")
    stage = serializers.CharField(source="stage.key", required=False, allow_null=True, default=None)
    required_for = serializers.ListField(child=serializers.CharField(), required=False)
    items = ChecklistTemplateItemSerializer(many=True)

    class Meta:
        model = ChecklistTemplate
        fields = ["id", "ticket_type", "name", "stage", "required_for", "items", "order"]

    def service_data(self) -> dict:
        data = dict(self.validated_data)
        if "ticket_type_id" in data:
            data["ticket_type"] = data.pop("ticket_type_id")
        if "stage" in data:
            stage = data["stage"]
            data["stage"] = stage.get("key") if isinstance(stage, dict) else stage
        if "items" in data:
            data["items"] = [dict(i) for i in data["items"]]
        return data
