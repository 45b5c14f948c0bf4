"""GET /api/v1/branding/ (anyone on the account's host), PATCH (the account admin), and the logo."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import services


class BrandingSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The account's name")
    portal_name = serializers.CharField(help_text="The portal's name (the account's name unless set)")
    welcome_text = serializers.CharField(allow_blank=True)
    primary_color = serializers.CharField(help_text="#RRGGBB")
    accent_color = serializers.CharField(help_text="#RRGGBB")
    logo_url = serializers.CharField(allow_null=True)
    icon_url = serializers.CharField(help_text="A 192 px PNG app icon")
    language = serializers.CharField(help_text="The account's default language: ru or en")
    languages = serializers.ListField(child=serializers.CharField())


class BrandingUpdateSerializer(serializers.Serializer):
    portal_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    welcome_text = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    primary_color = serializers.CharField(required=False, help_text="#RRGGBB")
    accent_color = serializers.CharField(required=False, help_text="#RRGGBB")


class LogoUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PNG, JPEG or WebP")


class BrandingView(APIView):
    """The account's branding: anyone on its host reads it (the portal's sign-in page shows it);
    the account admin changes it."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_manage_branding}

    def get_permissions(self):
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return [AllowAny()]
        return super().get_permissions()

    @extend_schema(responses={200: BrandingSerializer}, auth=[])
    def get(self, request):
        return Response(services.public_branding())

    @extend_schema(request=BrandingUpdateSerializer, responses={200: BrandingSerializer})
    def patch(self, request):
        data = BrandingUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        branding = services.update_branding(actor=request.user, changes=dict(data.validated_data))
        return Response(services.public_branding(branding))


class LogoView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": perms.can_manage_branding}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": LogoUploadSerializer}, responses={200: BrandingSerializer})
    def put(self, request):
        data = LogoUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        branding = services.set_logo(actor=request.user, upload=data.validated_data["file"])
        return Response(services.public_branding(branding))

    @extend_schema(request=None, responses={200: BrandingSerializer})
    def delete(self, request):
        return Response(services.public_branding(services.clear_logo(actor=request.user)))
