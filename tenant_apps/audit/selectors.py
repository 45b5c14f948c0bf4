"""Reads of the current account's audit log."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import AuditEntry


def audit_entries() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.all()
