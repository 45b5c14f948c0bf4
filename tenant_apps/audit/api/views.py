"""GET /api/v1/audit/: the account's own audit log, for its admins."""

from __future__ import annotations

from kernel.api import Predicates
from rest_framework import generics, serializers

from tenant_apps import permissions as perms

from .. import selectors
from ..models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = ["id", "at", "actor_kind", "actor", "action", "reason", "details"]
        read_only_fields = fields


class AuditListView(generics.ListAPIView):
    """What platform operators did in this account (impersonation sessions), newest first."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_read_audit_log}
    serializer_class = AuditEntrySerializer

    def get_queryset(self):
        return selectors.audit_entries()
