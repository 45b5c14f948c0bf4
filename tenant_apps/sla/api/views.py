"""SLA API: policies with their targets and escalations. Agents read, the account admin writes."""

from __future__ import annotations

from kernel.api import Predicates
from rest_framework import viewsets

from tenant_apps import permissions as perms

from .. import selectors, services
from . import serializers as s


class PolicyViewSet(viewsets.ModelViewSet):
    """SLA policies in precedence order (the lowest `order` that matches a ticket applies)."""

    serializer_class = s.SlaPolicySerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_sla, "write": perms.can_configure_sla}
    pagination_class = None

    def get_queryset(self):
        return selectors.policies().order_by("order", "id")

    def perform_create(self, serializer):
        serializer.instance = services.save_policy(
            actor=self.request.user, policy=None, data=serializer.service_data()
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_policy(
            actor=self.request.user, policy=serializer.instance, data=serializer.service_data()
        )

    def perform_destroy(self, instance):
        services.delete_policy(actor=self.request.user, policy=instance)
