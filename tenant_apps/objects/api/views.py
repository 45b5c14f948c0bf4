"""Locations and equipment. Everyone signed in reads (filing needs them); managers edit."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers, viewsets

from atrium.api import Predicates
from atrium.errors import InvalidInput
from tenant_apps import permissions as perms

from .. import services
from ..models import Equipment, Location


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
    predicates = {"read": perms.can_view_directory, "write": perms.can_edit_objects}
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
        serializer.instance = services.save_location(location=None, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.save_location(
            location=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.delete_location(location=instance)


class EquipmentViewSet(viewsets.ModelViewSet):
    serializer_class = EquipmentSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_directory, "write": perms.can_edit_objects}
    filterset_fields = ["kind", "location", "is_active"]
    queryset = Equipment.objects.order_by("id")

    def perform_create(self, serializer):
        serializer.instance = services.save_equipment(equipment=None, data=dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = services.save_equipment(
            equipment=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        services.delete_equipment(equipment=instance)
