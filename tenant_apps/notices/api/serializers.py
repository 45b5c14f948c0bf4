"""Shapes of the announcements API. Serializers only shape data; services decide."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tenant_apps import permissions as perms

from ..models import Announcement, Audience, NoticeAttachment, Receipt


class AnnouncementRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AnnouncementCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text="Addressed companies")
    confirmed = serializers.IntegerField(help_text="Companies that confirmed")


class AnnouncementMyConfirmationSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.CharField(allow_null=True, help_text="Name of the colleague who confirmed")


def _person(user) -> dict | None:
    return {"id": user.pk, "name": user.full_name} if user is not None else None


class NoticeAttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = NoticeAttachment
        fields = ["id", "name", "content_type", "size", "created_at", "download_url"]

    def get_download_url(self, attachment) -> str:
        return f"/api/v1/announcement-attachments/{attachment.pk}/download/"


class AnnouncementListSerializer(serializers.ModelSerializer):
    """A list row. `receipts` (counts) is for the staff who manage announcements, `my_confirmation`
    for the addressed company's people; each is null for everyone else."""

    published_by = serializers.SerializerMethodField()
    receipts = serializers.SerializerMethodField()
    my_confirmation = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "title",
            "audience",
            "state",
            "requires_confirmation",
            "created_at",
            "updated_at",
            "published_at",
            "published_by",
            "archived_at",
            "receipts",
            "my_confirmation",
        ]

    @extend_schema_field(AnnouncementRefSerializer(allow_null=True))
    def get_published_by(self, announcement) -> dict | None:
        return _person(announcement.published_by)

    @extend_schema_field(AnnouncementCountsSerializer(allow_null=True))
    def get_receipts(self, announcement) -> dict | None:
        if not hasattr(announcement, "receipts_total"):
            return None
        return {"total": announcement.receipts_total, "confirmed": announcement.receipts_confirmed}

    @extend_schema_field(AnnouncementMyConfirmationSerializer(allow_null=True))
    def get_my_confirmation(self, announcement) -> dict | None:
        if not hasattr(announcement, "my_confirmed_at"):
            return None
        when = announcement.my_confirmed_at
        return {
            "confirmed": when is not None,
            "confirmed_at": serializers.DateTimeField().to_representation(when) if when else None,
            "confirmed_by": announcement.my_confirmed_by or None,
        }


class AnnouncementDetailSerializer(AnnouncementListSerializer):
    """The whole announcement. The selected companies and premises are shown to staff only: a tenant
    does not learn who else received it."""

    companies = serializers.SerializerMethodField()
    premises = serializers.SerializerMethodField()
    attachments = NoticeAttachmentSerializer(many=True, read_only=True)

    class Meta(AnnouncementListSerializer.Meta):
        fields = AnnouncementListSerializer.Meta.fields + ["body", "companies", "premises", "attachments"]

    def _for_staff(self) -> bool:
        request = self.context.get("request")
        return bool(request and perms.is_agent(request.user))

    @extend_schema_field(AnnouncementRefSerializer(many=True))
    def get_companies(self, announcement) -> list[dict]:
        if not self._for_staff():
            return []
        return [{"id": c.pk, "name": c.name} for c in announcement.companies.all()]

    @extend_schema_field(AnnouncementRefSerializer(many=True))
    def get_premises(self, announcement) -> list[dict]:
        if not self._for_staff():
            return []
        return [{"id": p.pk, "name": p.name} for p in announcement.premises.all()]


class AnnouncementWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, allow_blank=True)
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    audience = serializers.ChoiceField(choices=Audience.choices)
    companies = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Company ids (audience `companies`)"
    )
    premises = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Location ids (audience `premises`); a floor or building includes every unit under it",
    )
    requires_confirmation = serializers.BooleanField(required=False)


class AnnouncementReaderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    read_at = serializers.DateTimeField()


class AnnouncementReceiptSerializer(serializers.ModelSerializer):
    company = serializers.SerializerMethodField()
    confirmed = serializers.SerializerMethodField()
    confirmed_by = serializers.SerializerMethodField()
    read_by = serializers.SerializerMethodField()

    class Meta:
        model = Receipt
        fields = ["id", "company", "confirmed", "confirmed_at", "confirmed_by", "read_by"]

    @extend_schema_field(AnnouncementRefSerializer)
    def get_company(self, receipt) -> dict:
        return {"id": receipt.company_id, "name": receipt.company_name}

    def get_confirmed(self, receipt) -> bool:
        return receipt.confirmed_at is not None

    @extend_schema_field(AnnouncementRefSerializer(allow_null=True))
    def get_confirmed_by(self, receipt) -> dict | None:
        if receipt.confirmed_at is None:
            return None
        return {"id": receipt.confirmed_by_id, "name": receipt.confirmed_by_name}

    @extend_schema_field(AnnouncementReaderSerializer(many=True))
    def get_read_by(self, receipt) -> list[dict]:
        when = serializers.DateTimeField()
        return [
            {"id": m.person_id, "name": m.person.full_name, "read_at": when.to_representation(m.read_at)}
            for m in getattr(receipt, "readers", [])
        ]


class AnnouncementReceiptsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    receipts = AnnouncementReceiptSerializer(many=True)


class NoticeAttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
