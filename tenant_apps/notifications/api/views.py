"""Notifications API: a person's own notifications only. Thin: selectors read, services write."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from kernel.api import Predicates
from kernel.errors import InvalidInput
from kernel.pagination import CursorPagination
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import preferences, selectors, services
from . import serializers as s


def _unread_param(request) -> bool | None:
    raw = request.query_params.get("unread")
    if raw is None or raw == "":
        return None
    value = raw.strip().lower()
    if value in ("true", "1", "yes"):
        return True
    if value in ("false", "0", "no"):
        return False
    raise InvalidInput(fields={"unread": [_("Use true or false.")]})


class NotificationListView(APIView):
    """Your notifications, newest first (cursor pagination); `unread_count` counts all your unread ones."""

    pagination_class = CursorPagination

    @extend_schema(
        parameters=[
            OpenApiParameter("unread", bool, description="true: only unread; false: only read"),
            OpenApiParameter("cursor", str, description="The `next` or `previous` link's cursor"),
            OpenApiParameter("page_size", int, description="At most 200 (default 50)"),
        ],
        responses={
            200: inline_serializer(
                "NotificationPage",
                {
                    "next": serializers.CharField(allow_null=True),
                    "previous": serializers.CharField(allow_null=True),
                    "results": s.NotificationSerializer(many=True),
                    "unread_count": serializers.IntegerField(),
                },
            )
        },
    )
    def get(self, request):
        queryset = selectors.notifications_for(request.user, unread=_unread_param(request))
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        response = paginator.get_paginated_response(s.NotificationSerializer(page, many=True).data)
        response.data["unread_count"] = selectors.unread_count(request.user)
        return response


class NotificationReadView(APIView):
    """Mark one of your notifications read (again: no change). Someone else's answers 404."""

    @extend_schema(request=None, responses={200: s.NotificationSerializer})
    def post(self, request, pk: int):
        note = services.mark_read(actor=request.user, notification_id=pk)
        return Response(s.NotificationSerializer(note).data)


class NotificationReadAllView(APIView):
    """Mark all your notifications read."""

    @extend_schema(request=None, responses={200: s.ReadAllSerializer})
    def post(self, request):
        marked = services.mark_all_read(actor=request.user)
        return Response({"marked": marked, "unread_count": selectors.unread_count(request.user)})


# ---------------------------------------------------------------------------- rules and preferences
class NotificationRulesView(APIView):
    """The account's notification rules: which kinds reach people by which channel, and which
    e-mails wait for the digest (account admins). PUT changes the kinds and channels it names."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_account_admin, "write": perms.is_account_admin}

    @extend_schema(responses={200: s.RulesSerializer})
    def get(self, request):
        return Response({"rules": preferences.rules_table()})

    @extend_schema(request=s.RulesInputSerializer, responses={200: s.RulesSerializer})
    def put(self, request):
        rules = preferences.save_rules(actor=request.user, rules=request.data.get("rules"))
        return Response({"rules": rules})


class MyNotificationPreferencesView(APIView):
    """Your own notification preferences: channels per kind, quiet hours (mail waits until they
    end, in the account's time zone), digest frequency."""

    @extend_schema(responses={200: s.PreferencesSerializer})
    def get(self, request):
        return Response(preferences.preferences_of(request.user))

    @extend_schema(request=s.PreferencesInputSerializer, responses={200: s.PreferencesSerializer})
    def put(self, request):
        return Response(preferences.save_preferences(actor=request.user, data=request.data))
