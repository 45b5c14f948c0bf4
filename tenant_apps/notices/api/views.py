"""Announcements API. Thin: selectors read, services decide."""

from __future__ import annotations

import django_filters as df
from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel import files
from kernel.api import Predicates
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import selectors, services
from ..models import Announcement, State
from . import serializers as s


class AnnouncementFilter(df.FilterSet):
    state = df.MultipleChoiceFilter(choices=State.choices, help_text="Repeatable: draft, published, archived")
    unconfirmed = df.BooleanFilter(
        method="filter_unconfirmed",
        help_text="true: published and still waiting for a confirmation (your company's, for tenants)",
    )
    q = df.CharFilter(method="filter_q", help_text="Words in the title or text")

    class Meta:
        model = Announcement
        fields: list[str] = []

    def filter_unconfirmed(self, queryset, name, value):
        if value is None:
            return queryset
        pending = selectors.unconfirmed(self.request.user, queryset)
        return pending if value else queryset.exclude(pk__in=pending.values("pk"))

    def filter_q(self, queryset, name, value):
        return selectors.search(queryset, value)


class AnnouncementViewSet(viewsets.GenericViewSet):
    """Announcements to tenants. Staff who manage them write drafts, publish, archive and read the
    receipts; other agents read the published ones; a company's key users and employees read and
    confirm those addressed to their company."""

    permission_classes = [Predicates]
    predicates = {
        "read": perms.can_use_announcements,
        "write": perms.can_manage_announcements,
        "receipts": perms.can_manage_announcements,
        "confirm": perms.is_announcement_reader,
    }
    filterset_class = AnnouncementFilter
    serializer_class = s.AnnouncementDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Announcement.objects.none()
        return selectors.announcements_for(self.request.user)

    def get_object(self):
        announcement = selectors.announcement_for(self.request.user, self.kwargs["pk"])
        if announcement is None:
            raise NotFound()
        return announcement

    def _detail(self, announcement, code=status.HTTP_200_OK) -> Response:
        fresh = selectors.announcement_for(self.request.user, announcement.pk)
        data = s.AnnouncementDetailSerializer(fresh, context={"request": self.request}).data
        return Response(data, status=code)

    @extend_schema(responses={200: s.AnnouncementListSerializer(many=True)})
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.AnnouncementListSerializer(page, many=True).data)

    @extend_schema(responses={200: s.AnnouncementDetailSerializer})
    def retrieve(self, request, pk=None):
        announcement = self.get_object()
        services.mark_read(person=request.user, announcement=announcement)
        return Response(s.AnnouncementDetailSerializer(announcement, context={"request": request}).data)

    @extend_schema(request=s.AnnouncementWriteSerializer, responses={201: s.AnnouncementDetailSerializer})
    def create(self, request):
        data = s.AnnouncementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        saved = services.save_announcement(
            actor=request.user, announcement=None, data=dict(data.validated_data)
        )
        return self._detail(saved, status.HTTP_201_CREATED)

    @extend_schema(request=s.AnnouncementWriteSerializer, responses={200: s.AnnouncementDetailSerializer})
    def update(self, request, pk=None, partial=False):
        announcement = self.get_object()
        data = s.AnnouncementWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        services.save_announcement(
            actor=request.user, announcement=announcement, data=dict(data.validated_data)
        )
        return self._detail(announcement)

    @extend_schema(request=s.AnnouncementWriteSerializer, responses={200: s.AnnouncementDetailSerializer})
    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        services.delete_announcement(actor=request.user, announcement=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: s.AnnouncementDetailSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        announcement = services.publish_announcement(actor=request.user, announcement=self.get_object())
        return self._detail(announcement)

    @extend_schema(request=None, responses={200: s.AnnouncementDetailSerializer})
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        announcement = services.archive_announcement(actor=request.user, announcement=self.get_object())
        return self._detail(announcement)

    @extend_schema(request=None, responses={200: s.AnnouncementDetailSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm for your company. Once per company: confirming again changes nothing."""
        announcement = self.get_object()
        services.confirm_announcement(actor=request.user, announcement=announcement)
        return self._detail(announcement)

    @extend_schema(responses={200: s.AnnouncementReceiptsSerializer})
    @action(detail=True, methods=["get"])
    def receipts(self, request, pk=None):
        """Addressed companies: who confirmed and when, and who of each company has opened it."""
        receipts = selectors.receipts_of(self.get_object())
        confirmed = sum(1 for r in receipts if r.confirmed_at is not None)
        return Response(
            s.AnnouncementReceiptsSerializer(
                {"total": len(receipts), "confirmed": confirmed, "receipts": receipts}
            ).data
        )

    @extend_schema(methods=["GET"], responses={200: s.NoticeAttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"],
        request=s.NoticeAttachmentUploadSerializer,
        responses={201: s.NoticeAttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,  # an announcement's files are answered whole
        filter_backends=[],
    )
    def attachments(self, request, pk=None):
        announcement = self.get_object()
        if request.method == "POST":
            data = s.NoticeAttachmentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attachment = services.add_attachment(
                actor=request.user, announcement=announcement, upload=data.validated_data["file"]
            )
            return Response(s.NoticeAttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)
        return Response(s.NoticeAttachmentSerializer(selectors.attachments_of(announcement), many=True).data)

    @extend_schema(
        request=None,
        responses={204: None},
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"attachments/(?P<attachment_id>[0-9]+)",
        url_name="attachment",
    )
    def remove_attachment(self, request, pk=None, attachment_id=None):
        """Remove a file from a draft."""
        announcement = self.get_object()
        attachment = selectors.attachments_of(announcement).filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound()
        services.delete_attachment(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class NoticeAttachmentDownloadView(APIView):
    """Announcement files are served only through this check, never from a guessable public URL."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_use_announcements}

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        attachment = selectors.attachment_for_download(request.user, pk)
        if attachment is None:
            raise NotFound()
        return files.serve(attachment)
