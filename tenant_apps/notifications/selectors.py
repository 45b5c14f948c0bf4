"""Reads of notifications: always one person's own."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Notification


def notifications_for(person, *, unread: bool | None = None) -> QuerySet[Notification]:
    queryset = Notification.objects.filter(recipient=person)
    if unread is True:
        queryset = queryset.filter(read_at__isnull=True)
    elif unread is False:
        queryset = queryset.filter(read_at__isnull=False)
    return queryset


def unread_count(person) -> int:
    return Notification.objects.filter(recipient=person, read_at__isnull=True).count()
