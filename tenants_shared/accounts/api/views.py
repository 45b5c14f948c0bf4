"""Public-host API: account sign-up. Thin: the serializer shapes input, the service decides."""

from __future__ import annotations

from django_tenants.utils import tenant_context
from drf_spectacular.utils import extend_schema
from kernel.proxies import AddressRateThrottle
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps.people.services import welcome_link_query

from ..models import AccountKind, Language
from ..services import SIGNUP_KINDS, provision_account


class SignupSerializer(serializers.Serializer):
    """Shapes input only; every rule (and every field message) comes from provision_account."""

    name = serializers.CharField(required=False, allow_blank=True, default="", help_text="Company name")
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="One of: " + ", ".join(k.value for k in AccountKind if k in SIGNUP_KINDS),
    )
    slug = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Becomes <slug>.<platform domain>"
    )
    admin_name = serializers.CharField(required=False, allow_blank=True, default="")
    admin_email = serializers.CharField(required=False, allow_blank=True, default="")
    admin_password = serializers.CharField(
        required=False, allow_blank=True, default="", write_only=True, trim_whitespace=False
    )
    language = serializers.CharField(required=False, default=Language.EN, help_text="en or ru")
    time_zone = serializers.CharField(
        required=False, default="UTC", help_text="IANA time zone, e.g. Europe/Moscow"
    )


class SignupResultSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    url = serializers.CharField()
    admin_email = serializers.CharField()
    status = serializers.CharField()
    sign_in_url = serializers.CharField(
        help_text="Opens the new account's workspace signed in as its admin: single use, valid for "
        "ATRIUM_WELCOME_LINK_SECONDS (15 minutes). API clients POST its uid and token to "
        "/api/v1/auth/welcome/ on the account's host for a session."
    )


class SignupView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "signup"

    @extend_schema(request=SignupSerializer, responses={201: SignupResultSerializer})
    def post(self, request):
        data = SignupSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        result = provision_account(**data.validated_data)
        port = request.get_port()
        suffix = "" if port in ("80", "443") else f":{port}"
        url = f"{request.scheme}://{result.host}{suffix}/"
        with tenant_context(result.account):
            welcome = welcome_link_query(result.admin)
        body = {
            "slug": result.account.slug,
            "name": result.account.name,
            "url": url,
            "admin_email": result.admin.email,
            "status": result.account.status,
            "sign_in_url": f"{url}app/welcome?{welcome}",
        }
        return Response(SignupResultSerializer(body).data, status=status.HTTP_201_CREATED)
