"""Account-host API: sign in and out (browser session), API tokens, who am I, passwords."""

from __future__ import annotations

import hashlib

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from kernel.proxies import AddressRateThrottle
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import impersonation, services
from ..auth import TokenAuthentication
from ..models import normalize_email


class CredentialsSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(trim_whitespace=False)


class SignedInPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    role = serializers.CharField()
    language = serializers.CharField()


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expiry = serializers.DateTimeField(allow_null=True)
    user = SignedInPersonSerializer()


class AccountSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    status = serializers.CharField()
    language = serializers.CharField()
    time_zone = serializers.CharField()


class ImpersonationSerializer(serializers.Serializer):
    operator = serializers.EmailField(help_text="The platform operator using this session.")
    expires_at = serializers.DateTimeField(help_text="When the session ends.")


class CapabilitiesSerializer(serializers.Serializer):
    """What the signed-in person may use, as the API will judge it (the web app shows its screens by
    these; tenant_apps/permissions.py decides)."""

    check_at_gate = serializers.BooleanField(help_text="The gate: POST /gate/check/, GET /gate/checks/.")
    decide_approvals = serializers.BooleanField(help_text="The approval queue: GET /approvals/.")
    plan_maintenance = serializers.BooleanField(
        help_text="Planned maintenance: /schedules/, /schedules/plan/, /schedule-occurrences/."
    )


class MeSerializer(serializers.Serializer):
    user = SignedInPersonSerializer()
    account = AccountSerializer()
    capabilities = CapabilitiesSerializer()
    impersonation = ImpersonationSerializer(
        allow_null=True, help_text="Set while a platform operator uses this session (show a banner)."
    )


class _Anonymous(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "login"

    def credentials(self, request) -> dict:
        data = CredentialsSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data


class SessionView(_Anonymous):
    """POST signs in with a browser session; DELETE signs out."""

    @extend_schema(request=CredentialsSerializer, responses={200: SignedInPersonSerializer})
    def post(self, request):
        user = services.sign_in(request=request, **self.credentials(request))
        return Response(SignedInPersonSerializer(user).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.sign_out(request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenView(_Anonymous):
    """POST exchanges e-mail and password for an expiring API token (header `Authorization: Token <t>`)."""

    authentication_classes: list = []

    @extend_schema(request=CredentialsSerializer, responses={201: TokenSerializer})
    def post(self, request):
        user, token, expiry = services.issue_token(request=request, **self.credentials(request))
        return Response(TokenSerializer({"token": token, "expiry": expiry, "user": user}).data, status=201)


class CurrentTokenView(APIView):
    """DELETE revokes the token that authenticated this request."""

    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        services.revoke_token(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ProfileChangeSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    language = serializers.CharField(max_length=5, required=False)


class MeView(APIView):
    """Who is signed in, in which account; PATCH changes one's own name and language."""

    def _me(self, request) -> Response:
        return Response(
            MeSerializer(
                {
                    "user": request.user,
                    "account": request.tenant,
                    "capabilities": {
                        "check_at_gate": perms.can_check_at_gate(request.user),
                        "decide_approvals": perms.can_see_approval_queue(request.user),
                        "plan_maintenance": perms.can_plan_maintenance(request.user),
                    },
                    "impersonation": impersonation.current(request),
                }
            ).data
        )

    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return self._me(request)

    @extend_schema(request=ProfileChangeSerializer, responses={200: MeSerializer})
    def patch(self, request):
        data = ProfileChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.update_own_profile(actor=request.user, **data.validated_data)
        return self._me(request)


class HandoffSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1000)


class ImpersonationView(APIView):
    """POST redeems an operator console handoff (signed, single use, this account only) and starts
    a browser session marked as impersonated (see GET /me/ and the X-Atrium-Impersonation header)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=HandoffSerializer, responses={200: SignedInPersonSerializer})
    def post(self, request):
        data = HandoffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = impersonation.start_session(request=request, token=data.validated_data["token"])
        return Response(SignedInPersonSerializer(user).data)


# ---------------------------------------------------------------------------- passwords
class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)


class PasswordLinkSerializer(serializers.Serializer):
    """What a mailed link carries (uid, token) plus the password the person chooses."""

    uid = serializers.CharField()
    token = serializers.CharField()
    password = serializers.CharField(trim_whitespace=False)


class WelcomeLinkSerializer(serializers.Serializer):
    """What the sign-up's sign-in link carries (`/app/welcome?uid=...&token=...`)."""

    uid = serializers.CharField()
    token = serializers.CharField()


class PasswordChangeSerializer(serializers.Serializer):
    old_password = serializers.CharField(trim_whitespace=False)
    new_password = serializers.CharField(trim_whitespace=False)


class ResetEmailThrottle(SimpleRateThrottle):
    """Reset mails per e-mail address asked about (whoever asks), so nobody floods one mailbox."""

    scope = "password_reset_email"

    def get_cache_key(self, request, view):
        email = request.data.get("email") if hasattr(request.data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None
        ident = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PasswordResetView(APIView):
    """POST asks for a password reset mail. Always 202, whether the e-mail is known here or not."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle, ResetEmailThrottle]
    throttle_scope = "password_reset"

    @extend_schema(request=PasswordResetRequestSerializer, responses={202: None})
    def post(self, request):
        data = PasswordResetRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.request_password_reset(email=data.validated_data["email"])
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(APIView):
    """POST sets a new password from a reset link; every session and token of the person ends."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "password_link"

    @extend_schema(request=PasswordLinkSerializer, responses={204: None})
    def post(self, request):
        data = PasswordLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.confirm_password_reset(request=request, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WelcomeView(APIView):
    """POST signs the new account's admin in with the sign-in link the sign-up answered with
    (single use, short-lived): a browser session without a second password check."""

    permission_classes = [AllowAny]
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "password_link"

    @extend_schema(request=WelcomeLinkSerializer, responses={200: SignedInPersonSerializer})
    def post(self, request):
        data = WelcomeLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.sign_in_with_welcome_link(request=request, **data.validated_data)
        return Response(SignedInPersonSerializer(user).data)


class PasswordChangeView(APIView):
    """POST changes one's own password (current and new); other sessions and tokens end, this
    one stays signed in."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_change_own_password}
    throttle_classes = [AddressRateThrottle]
    throttle_scope = "login"

    @extend_schema(request=PasswordChangeSerializer, responses={204: None})
    def post(self, request):
        data = PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_password(request=request, user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)
