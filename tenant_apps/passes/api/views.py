"""Passes and gate API. Thin: services decide, selectors read, permissions.py says who."""

from __future__ import annotations

import io
from datetime import date

import django_filters as df
import segno
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel.api import Predicates
from kernel.errors import InvalidInput
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms
from tenant_apps.desk.models import Ticket

from .. import gate, selectors, services
from ..models import CheckMethod, GateCheck, Pass, PassKind, PassState, Reason
from ..validity import account_zone, local_now
from . import serializers as s


def _context(request) -> dict:
    return {"request": request, "tz": account_zone(), "now": timezone.now()}


class CsvIn(df.BaseInFilter, df.CharFilter):
    pass


class NumbersIn(df.BaseInFilter, df.NumberFilter):
    pass


class PassFilter(df.FilterSet):
    state = CsvIn(
        method="filter_state",
        help_text="requested, approved (issued, not expired), rejected, revoked, expired; comma-separated",
    )
    kind = df.ChoiceFilter(choices=PassKind.choices)
    company = NumbersIn(field_name="company_id")
    premises = df.NumberFilter(field_name="premises_id")
    request = df.NumberFilter(field_name="request_id", help_text="Pass request ticket id")
    linked_ticket = df.NumberFilter(field_name="linked_ticket_id")
    valid_on = df.DateFilter(method="filter_valid_on", help_text="Issued and valid on this date")
    q = df.CharFilter(method="filter_search", help_text="Holder name, document, plate or short code")

    class Meta:
        model = Pass
        fields: list[str] = []

    def filter_state(self, queryset, name, value):
        allowed = set(s.DISPLAY_STATES)
        unknown = [v for v in value if v not in allowed]
        if unknown:
            raise InvalidInput(
                fields={"state": [_("Choose any of: %(c)s.") % {"c": ", ".join(s.DISPLAY_STATES)}]}
            )
        return selectors.filter_state(queryset, value, local_now(timezone.now(), account_zone()))

    def filter_valid_on(self, queryset, name, value):
        return selectors.valid_on(queryset, value)

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)


class PassRequestView(APIView):
    """File a pass request: a desk ticket of type "pass" plus one pass per holder."""

    permission_classes = [Predicates]
    predicates = {"write": lambda u: u.is_active}

    @extend_schema(request=s.PassRequestCreateSerializer, responses={201: s.PassRequestSerializer})
    def post(self, request):
        data = s.PassRequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket, passes = services.request_passes(actor=request.user, channel="api", **data.validated_data)
        context = _context(request)
        fresh = list(selectors.passes_for(request.user).filter(request=ticket).order_by("pk")) or passes
        return Response(
            {
                "ticket": s.ticket_ref(
                    Ticket.objects.select_related("ticket_type", "status").get(pk=ticket.pk)
                ),
                "passes": s.PassSerializer(fresh, many=True, context=context).data,
            },
            status=status.HTTP_201_CREATED,
        )


class PassRequestIssueView(APIView):
    """Issue a request's pending passes directly (managers and Security), without approval."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_manage_passes}

    @extend_schema(request=None, responses={200: s.PassRequestSerializer})
    def post(self, request, pk: int):
        ticket = Ticket.objects.select_related("ticket_type", "status").filter(pk=pk).first()
        if ticket is None or not perms.can_view_ticket(request.user, ticket):
            raise NotFound()
        services.issue_request(actor=request.user, ticket=ticket)
        passes = selectors.passes_for(request.user).filter(request=ticket).order_by("pk")
        return Response(
            {
                "ticket": s.ticket_ref(Ticket.objects.select_related("ticket_type", "status").get(pk=pk)),
                "passes": s.PassSerializer(passes, many=True, context=_context(request)).data,
            }
        )


class SvgRenderer(renderers.BaseRenderer):
    media_type = "image/svg+xml"
    format = "svg"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class PngRenderer(SvgRenderer):
    media_type = "image/png"
    format = "png"


class PassViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Passes the person may see: agents all, a key user their company's, others their own."""

    permission_classes = [Predicates]
    predicates = {
        "read": lambda u: u.is_active,
        "revoke": perms.can_manage_passes,
        "extend": perms.can_manage_passes,
    }
    serializer_class = s.PassSerializer
    filterset_class = PassFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Pass.objects.none()
        return selectors.passes_for(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), **_context(self.request)}

    def get_object(self):
        found = selectors.pass_for(self.request.user, self.kwargs["pk"])
        if found is None:
            raise NotFound()
        return found

    def _fresh(self, p: Pass) -> dict:
        return s.PassSerializer(
            selectors.passes_for(self.request.user).get(pk=p.pk), context=_context(self.request)
        ).data

    @extend_schema(request=s.RevokeSerializer, responses={200: s.PassSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        found = self.get_object()
        data = s.RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.revoke_pass(actor=request.user, pass_obj=found, **data.validated_data)
        return Response(self._fresh(found))

    @extend_schema(request=s.ExtendSerializer, responses={200: s.PassSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        found = self.get_object()
        data = s.ExtendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.extend_pass(actor=request.user, pass_obj=found, **data.validated_data)
        return Response(self._fresh(found))

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=["svg", "png", "json"], description="Default svg"
            ),
            OpenApiParameter(
                "scale", OpenApiTypes.INT, description="PNG pixels per module (1-40, default 8)"
            ),
        ],
        responses={
            (200, "image/svg+xml"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            (200, "application/json"): s.PassQrSerializer,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        renderer_classes=[SvgRenderer, PngRenderer, renderers.JSONRenderer],
        pagination_class=None,
        filter_backends=[],
    )
    def qr(self, request, pk=None):
        """The pass's QR code (it encodes the pass's secret token), for an issued pass only. With
        `Accept: application/json` (or `?format=json`): the short code and links to both images
        (the token itself never appears in JSON: docs/passes.md)."""
        found = self.get_object()
        if found.state != PassState.APPROVED:
            raise services.PassStateConflict(_("Only an issued pass has a QR code."))
        if request.accepted_renderer.format == "json":
            url = f"/api/v1/passes/{found.pk}/qr/"
            body = {
                "short_code": services.format_short_code(found.short_code),
                "svg": f"{url}?format=svg",
                "png": f"{url}?format=png",
            }
            answer = Response(s.PassQrSerializer(body).data)
            answer["Cache-Control"] = "private, no-store"
            return answer
        code = segno.make(found.qr_token, error="m")
        out = io.BytesIO()
        if request.accepted_renderer.format == "png":
            try:
                scale = min(max(int(request.query_params.get("scale", 8)), 1), 40)
            except ValueError:
                scale = 8
            code.save(out, kind="png", scale=scale, border=4)
        else:
            code.save(out, kind="svg", scale=4, border=4, xmldecl=False)
        response = Response(out.getvalue())
        response["Cache-Control"] = "private, no-store"
        response["Content-Disposition"] = (
            f'inline; filename="pass-{found.short_code}.{request.accepted_renderer.format}"'
        )
        return response

    def handle_exception(self, exc):
        if self.action == "qr":  # errors of the image endpoint are JSON like every other error
            self.request.accepted_renderer = renderers.JSONRenderer()
            self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)


# ---------------------------------------------------------------------------- the gate
class GateCheckView(APIView):
    """Check a scanned QR code, a typed short code or a ticket key; every check is logged."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_check_at_gate}

    @extend_schema(request=s.GateCheckRequestSerializer, responses={200: s.GateVerdictSerializer})
    def post(self, request):
        data = s.GateCheckRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(gate.check_code(actor=request.user, code=data.validated_data["code"]))


class GateTodayView(APIView):
    """Approved move-ins and works whose time touches a day (today in the account's zone, or
    `?date=`): what the gate expects. A plain list, at most 100, earliest first."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_check_at_gate}

    @extend_schema(
        parameters=[
            OpenApiParameter("date", OpenApiTypes.DATE, description="Account-local day; default today")
        ],
        responses={200: s.GateTodayItemSerializer(many=True)},
    )
    def get(self, request):
        raw = request.query_params.get("date")
        if raw:
            try:
                day = date.fromisoformat(raw)
            except ValueError:
                day = None
            if day is None or not (
                date(1900, 1, 1) <= day <= date(9000, 12, 31)
            ):  # day arithmetic stays in range
                raise InvalidInput(fields={"date": [_("Enter a date as YYYY-MM-DD.")]})
        else:
            day = local_now(timezone.now(), account_zone()).date()
        return Response(
            s.GateTodayItemSerializer(selectors.approved_for_day(request.user, day), many=True).data
        )


class GateCheckFilter(df.FilterSet):
    pass_id = df.NumberFilter(field_name="pass_obj_id", label="pass")
    verdict = df.ChoiceFilter(
        method="filter_verdict",
        choices=[("valid", "valid"), ("invalid", "invalid")],
        help_text="valid or invalid",
    )
    reason = df.MultipleChoiceFilter(choices=Reason.choices)
    method = df.ChoiceFilter(choices=CheckMethod.choices)
    date = df.DateFilter(method="filter_date", help_text="A date in the account's time zone")
    checked_by = df.NumberFilter(field_name="checked_by_id")

    class Meta:
        model = GateCheck
        fields: list[str] = []

    def filter_verdict(self, queryset, name, value):
        return queryset.filter(valid=value == "valid")

    def filter_date(self, queryset, name, value):
        return selectors.checks_on(queryset, value)


# "pass" is a Python keyword: the filter is declared as pass_id and published as ?pass=
GateCheckFilter.base_filters["pass"] = GateCheckFilter.base_filters.pop("pass_id")


class GateCheckListView(ListAPIView):
    """The gate log, newest first (cursor pagination). `?pass=<id>` one pass's checks."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_check_at_gate}
    serializer_class = s.GateCheckSerializer
    filterset_class = GateCheckFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return GateCheck.objects.none()
        return selectors.gate_checks_for(self.request.user)
