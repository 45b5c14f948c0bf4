"""Locations and equipment. Everyone signed in reads (filing needs them); managers edit."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel.api import Predicates
from kernel.errors import InvalidInput
from rest_framework import serializers, viewsets
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import labels as qr_labels
from .. import selectors, services
from ..models import Equipment, Location

LABEL_PARAMETERS = [
    OpenApiParameter("ids", OpenApiTypes.STR, description="Ids separated by commas (1,2,3), in print order."),
    OpenApiParameter(
        "subtree", OpenApiTypes.INT, description="A location id: it and everything under it (instead of ids)."
    ),
]


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class LocationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Location
        fields = ["id", "parent", "kind", "name", "code", "path", "company", "area_m2", "is_active"]
        read_only_fields = ["path"]


class EquipmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Equipment
        fields = [
            "id",
            "kind",
            "name",
            "model",
            "serial_number",
            "inventory_number",
            "location",
            "notes",
            "is_active",
        ]


class LocationViewSet(viewsets.ModelViewSet):
    """`?parent=<id>` children, `?parent=root` roots, `?under=<id>` the whole subtree."""

    serializer_class = LocationSerializer
    permission_classes = [Predicates]
    predicates = {
        "read": perms.can_view_directory,
        "write": perms.can_edit_objects,
    }
    filterset_fields = ["kind", "company", "is_active"]

    def get_queryset(self):
        queryset = Location.objects.order_by("path")
        parent, under = self.request.query_params.get("parent"), self.request.query_params.get("under")
        if parent == "root":
            queryset = queryset.filter(parent__isnull=True)
        elif parent:
            queryset = queryset.filter(parent_id=self._int(parent, "parent"))
        if under:
            node = Location.objects.filter(pk=self._int(under, "under")).first()
            queryset = queryset.filter(path__startswith=node.path) if node else queryset.none()
        return queryset

    @staticmethod
    def _int(value, name):
        try:
            return int(value)
        except ValueError:
            raise InvalidInput(fields={name: [_("Use a location id.")]}) from None

    def perform_create(self, serializer):
        serializer.instance = services.save_location(
            actor=self.request.user, location=None, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_location(
            actor=self.request.user, location=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.delete_location(actor=self.request.user, location=instance)


class EquipmentViewSet(viewsets.ModelViewSet):
    serializer_class = EquipmentSerializer
    permission_classes = [Predicates]
    predicates = {
        "read": perms.can_view_directory,
        "write": perms.can_edit_objects,
    }
    filterset_fields = ["kind", "location", "is_active"]
    queryset = Equipment.objects.order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.save_equipment(
            actor=self.request.user, equipment=None, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_equipment(
            actor=self.request.user, equipment=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.delete_equipment(actor=self.request.user, equipment=instance)


class LabelsView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": perms.can_edit_objects}  # the managers who keep the tree print its labels
    pick = staticmethod(selectors.locations_for_labels)
    make = staticmethod(qr_labels.location_labels)
    filename = "locations.pdf"

    def title(self) -> str:
        return _("Location labels")

    def get(self, request):
        items = self.pick(request.query_params)
        return _pdf(qr_labels.render(self.make(items), title=self.title()), self.filename)


@extend_schema(
    parameters=LABEL_PARAMETERS,
    responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    summary="QR labels (A4 PDF) for locations",
    description="A grid of labels, each with the location's name, code and a QR code that opens the "
    "portal's report page for it (`/portal/report?location=<id>`). Any id outside this account is a 404.",
)
class LocationLabelsView(LabelsView):
    pass


@extend_schema(
    parameters=LABEL_PARAMETERS,
    responses={(200, "application/pdf"): OpenApiTypes.BINARY},
    summary="QR labels (A4 PDF) for equipment",
    description="`subtree` is a location id: the equipment anywhere under it. Each QR code opens "
    "`/portal/report?equipment=<id>`. Any id outside this account is a 404.",
)
class EquipmentLabelsView(LabelsView):
    pick = staticmethod(selectors.equipment_for_labels)
    make = staticmethod(qr_labels.equipment_labels)
    filename = "equipment.pdf"

    def title(self) -> str:
        return _("Equipment labels")
