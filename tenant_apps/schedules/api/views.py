"""Planned maintenance API: schedules (account admins and managers), the plan, and the completion
record of an occurrence. Thin: the rules are in services and selectors."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from kernel.api import Predicates
from kernel.errors import InvalidInput
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenant_apps import permissions as perms

from .. import selectors, services
from ..models import Occurrence, Schedule

MAX_PLAN_DAYS = 400


class ScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Schedule
        fields = [
            "id",
            "name",
            "is_active",
            "ticket_type",
            "title",
            "description",
            "fields",
            "priority",
            "location",
            "equipment",
            "checklist",
            "group",
            "requester",
            "first_at",
            "period_unit",
            "interval",
            "rrule",
            "ends_on",
            "lead_days",
            "holidays",
            "mode",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"requester": {"required": False}}  # the author unless given


class OccurrenceSerializer(serializers.ModelSerializer):
    ticket_number = serializers.IntegerField(source="ticket.number", read_only=True, default=None)

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "schedule",
            "due_at",
            "planned_at",
            "state",
            "ticket",
            "ticket_number",
            "error",
            "attempts",
            "retry_after",
            "filed_at",
            "completed_at",
            "completed_by",
            "completion_note",
        ]
        read_only_fields = fields


class CompletionSerializer(serializers.Serializer):
    completed_at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


PlanItem = inline_serializer(
    "PlanItem",
    {
        "schedule": serializers.IntegerField(),
        "schedule_name": serializers.CharField(),
        "occurrence": serializers.IntegerField(allow_null=True),
        "due_at": serializers.DateTimeField(),
        "planned_at": serializers.DateTimeField(),
        "moved": serializers.BooleanField(),
        "state": serializers.ChoiceField(["planned", "skipped", "pending", "created", "failed"]),
        "ticket": inline_serializer(
            "PlanTicket",
            {"id": serializers.IntegerField(), "number": serializers.IntegerField()},
            allow_null=True,
        ),
        "location": inline_serializer(
            "PlanRef", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
        ),
        "equipment": inline_serializer(
            "PlanRef2", {"id": serializers.IntegerField(), "name": serializers.CharField()}, allow_null=True
        ),
        "completed_at": serializers.DateTimeField(allow_null=True),
        "error": serializers.CharField(),
    },
    many=True,
)


def _moment(raw: str | None, name: str, default: datetime) -> datetime:
    if not raw:
        return default
    value = parse_datetime(raw)
    if value is None:
        day = parse_date(raw) if len(raw) == 10 else None
        if day is None:
            raise InvalidInput(fields={name: [_("Give a date (YYYY-MM-DD) or a date and time.")]})
        value = datetime.combine(day, datetime.min.time())
    if timezone.is_naive(value):
        value = value.replace(tzinfo=services.account_zone())
    return value


def _int(raw: str | None, name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(fields={name: [_("Give a number.")]}) from None


class ScheduleViewSet(viewsets.ModelViewSet):
    serializer_class = ScheduleSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_plan_maintenance, "write": perms.can_plan_maintenance}
    filterset_fields = ["is_active", "ticket_type", "location", "equipment"]

    def get_queryset(self):
        return Schedule.objects.order_by("name", "id")

    def perform_create(self, serializer):
        serializer.instance = services.create_schedule(
            actor=self.request.user, data=serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_schedule(
            actor=self.request.user, schedule=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.delete_schedule(actor=self.request.user, schedule=instance)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.STR, description="Start (date or date-time); default now."),
            OpenApiParameter("to", OpenApiTypes.STR, description="End, exclusive; default four weeks on."),
            OpenApiParameter("location", OpenApiTypes.INT),
            OpenApiParameter("equipment", OpenApiTypes.INT),
        ],
        responses=PlanItem,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def plan(self, request):
        """Calendar data: the occurrences planned between `from` and `to`, filed or not."""
        params = request.query_params
        start = _moment(params.get("from"), "from", timezone.now())
        end = _moment(params.get("to"), "to", start + timedelta(weeks=4))
        if end <= start:
            raise InvalidInput(fields={"to": [_("The end comes before the start.")]})
        if end - start > timedelta(days=MAX_PLAN_DAYS):
            raise InvalidInput(fields={"to": [_("Ask for at most 400 days at once.")]})
        items = selectors.plan(
            start=start,
            end=end,
            location=_int(params.get("location"), "location"),
            equipment=_int(params.get("equipment"), "equipment"),
        )
        return Response(items)


class OccurrenceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`?schedule=<id>` one schedule's occurrences; `POST .../{id}/complete/` records the work done;
    `POST .../{id}/retry/` files a failed one again on the next tick."""

    serializer_class = OccurrenceSerializer
    permission_classes = [Predicates]
    predicates = {
        "read": perms.can_plan_maintenance,
        "complete": perms.is_agent,
        "retry": perms.can_plan_maintenance,
    }
    filterset_fields = ["schedule", "state"]

    def get_queryset(self):
        return Occurrence.objects.select_related("ticket").order_by("-planned_at", "-id")

    @extend_schema(request=CompletionSerializer, responses=OccurrenceSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        occurrence = Occurrence.objects.filter(pk=_int(pk, "id")).first()
        if occurrence is None:
            from kernel.errors import NotFound

            raise NotFound()
        body = CompletionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        occurrence = services.complete_occurrence(
            actor=request.user,
            occurrence=occurrence,
            completed_at=body.validated_data.get("completed_at"),
            note=body.validated_data.get("note", ""),
        )
        return Response(OccurrenceSerializer(occurrence).data)

    @extend_schema(request=None, responses=OccurrenceSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        occurrence = Occurrence.objects.filter(pk=_int(pk, "id")).first()
        if occurrence is None:
            from kernel.errors import NotFound

            raise NotFound()
        return Response(
            OccurrenceSerializer(services.retry_occurrence(actor=request.user, occurrence=occurrence)).data
        )
