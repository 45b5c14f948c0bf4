"""Business calendars API (docs/calendars.md): account admins write, agents read. Thin: the rules
are in services and selectors; bad input is a 400 with `fields` (kernel.errors)."""

from __future__ import annotations

from datetime import timedelta

from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel.api import Predicates
from kernel.errors import InvalidInput
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from tenant_apps import permissions as perms

from .. import clock, selectors, services
from ..models import BusinessCalendar, CalendarOverride, HolidaysCountry, OverrideKind

MAX_DAYS = 400


class IntervalSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM")
    end = serializers.CharField(help_text="HH:MM; 24:00 is the end of the day")


class WeekIntervalSerializer(IntervalSerializer):
    weekday = serializers.IntegerField(help_text="0 = Monday ... 6 = Sunday")


class CalendarSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField()
    time_zone = serializers.CharField(
        required=False, allow_blank=True, help_text='IANA zone; "" follows the account\'s time zone'
    )
    zone_from_account = serializers.BooleanField(read_only=True)
    is_default = serializers.BooleanField(required=False)
    is_24x7 = serializers.BooleanField(required=False)
    holidays_country = serializers.ChoiceField(HolidaysCountry.choices, required=False, allow_blank=True)
    week = WeekIntervalSerializer(many=True, required=False)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)


class OverrideSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    day = serializers.DateField()
    kind = serializers.ChoiceField(OverrideKind.choices)
    intervals = IntervalSerializer(many=True, required=False)
    note = serializers.CharField(required=False, allow_blank=True)


class DaySerializer(serializers.Serializer):
    day = serializers.DateField()
    working = serializers.BooleanField()
    intervals = IntervalSerializer(many=True)
    source = serializers.ChoiceField(["week", "holidays", "override"])
    note = serializers.CharField()


def calendar_data(calendar: BusinessCalendar) -> dict:
    rows = sorted(calendar.intervals.all(), key=lambda r: (r.weekday, r.start))
    return {
        "id": calendar.pk,
        "name": calendar.name,
        "time_zone": selectors.zone_name(calendar),
        "zone_from_account": not calendar.time_zone,
        "is_default": calendar.is_default,
        "is_24x7": calendar.is_24x7,
        "holidays_country": calendar.holidays_country,
        "week": [
            {"weekday": r.weekday, "start": clock.show(r.start), "end": clock.show(r.end, end=True)}
            for r in rows
        ],
        "created_at": calendar.created_at,
        "updated_at": calendar.updated_at,
    }


def override_data(row: CalendarOverride) -> dict:
    return {
        "id": row.pk,
        "day": row.day,
        "kind": row.kind,
        "intervals": [{"start": a, "end": b} for a, b in row.intervals or []],
        "note": row.note,
    }


def _intervals(pairs) -> list[dict]:
    return [{"start": clock.show(a), "end": clock.show(b, end=True)} for a, b in pairs]


def _valid(serializer_class, request, *, partial: bool) -> dict:
    body = serializer_class(data=request.data, partial=partial)
    body.is_valid(raise_exception=True)
    return {
        key: [dict(item) for item in value] if isinstance(value, list) else value
        for key, value in body.validated_data.items()
    }


def _date(raw: str | None):
    try:
        return parse_date(raw) if raw and len(raw) == 10 else None
    except ValueError:
        return None


class CalendarViewSet(viewsets.ViewSet):
    """`/calendars/`, `/calendars/{id}/`, `/calendars/{id}/overrides/[{oid}/]`, `/calendars/{id}/days/`."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_calendars, "write": perms.can_manage_calendars}
    serializer_class = CalendarSerializer
    lookup_value_regex = "[0-9]+"  # ids are integers (and the schema says so)

    @extend_schema(responses=CalendarSerializer(many=True))
    def list(self, request):
        return Response([calendar_data(c) for c in selectors.calendars()])

    @extend_schema(request=CalendarSerializer, responses={201: CalendarSerializer})
    def create(self, request):
        data = _valid(CalendarSerializer, request, partial=False)
        calendar = services.create_calendar(actor=request.user, data=data)
        return Response(calendar_data(selectors.calendar(calendar.pk)), status=status.HTTP_201_CREATED)

    @extend_schema(responses=CalendarSerializer)
    def retrieve(self, request, pk=None):
        return Response(calendar_data(selectors.calendar(pk)))

    def _update(self, request, pk, *, partial: bool):
        calendar = selectors.calendar(pk)
        data = _valid(CalendarSerializer, request, partial=partial)
        if not partial:
            data.setdefault("week", [])
        services.update_calendar(actor=request.user, calendar=calendar, data=data)
        return Response(calendar_data(selectors.calendar(calendar.pk)))

    @extend_schema(request=CalendarSerializer, responses=CalendarSerializer)
    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    @extend_schema(request=CalendarSerializer, responses=CalendarSerializer)
    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.delete_calendar(actor=request.user, calendar=selectors.calendar(pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    # ------------------------------------------------------------------ overrides
    @extend_schema(methods=["get"], responses=OverrideSerializer(many=True))
    @extend_schema(methods=["post"], request=OverrideSerializer, responses={201: OverrideSerializer})
    @action(detail=True, methods=["get", "post"], url_path="overrides", url_name="overrides")
    def overrides(self, request, pk=None):
        calendar = selectors.calendar(pk)
        if request.method == "GET":
            return Response([override_data(o) for o in calendar.overrides.order_by("day")])
        data = _valid(OverrideSerializer, request, partial=False)
        row = services.add_override(actor=request.user, calendar=calendar, data=data)
        return Response(override_data(row), status=status.HTTP_201_CREATED)

    @extend_schema(methods=["patch"], request=OverrideSerializer, responses=OverrideSerializer)
    @extend_schema(methods=["delete"], responses={204: None})
    @action(
        detail=True, methods=["patch", "delete"], url_path=r"overrides/(?P<oid>[0-9]+)", url_name="override"
    )
    def override(self, request, pk=None, oid=None):
        row = selectors.override(selectors.calendar(pk), oid)
        if request.method == "DELETE":
            services.delete_override(actor=request.user, override=row)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = _valid(OverrideSerializer, request, partial=True)
        row = services.update_override(actor=request.user, override=row, data=data)
        return Response(override_data(row))

    # ------------------------------------------------------------------ days
    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter(
                "to", OpenApiTypes.DATE, required=True, description="inclusive; at most 400 days"
            ),
        ],
        responses=DaySerializer(many=True),
    )
    @action(detail=True, methods=["get"], url_path="days", url_name="days")
    def days(self, request, pk=None):
        calendar = selectors.calendar(pk)
        errors: dict[str, list[str]] = {}
        bounds = {}
        for name in ("from", "to"):
            bounds[name] = _date(request.query_params.get(name))
            if bounds[name] is None:
                errors[name] = [_("Give a date as YYYY-MM-DD.")]
        if not errors and bounds["to"] < bounds["from"]:
            errors["to"] = [_("The end comes before the start.")]
        if not errors and bounds["to"] - bounds["from"] >= timedelta(days=MAX_DAYS):
            errors["to"] = [_("Ask for at most 400 days at once.")]
        if errors:
            raise InvalidInput(fields=errors)
        out = [
            {
                "day": d.day,
                "working": d.working,
                "intervals": _intervals(d.intervals),
                "source": d.source,
                "note": d.note,
            }
            for d in selectors.days(calendar, bounds["from"], bounds["to"])
        ]
        return Response(out)
