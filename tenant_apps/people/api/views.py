"""Account-host API: sign in and out (browser session), API tokens, who am I."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from .. import services
from ..auth import TokenAuthentication


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


class MeSerializer(serializers.Serializer):
    user = SignedInPersonSerializer()
    account = AccountSerializer()


class _Anonymous(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
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


class MeView(APIView):
    @extend_schema(responses={200: MeSerializer})
    def get(self, request):
        return Response(MeSerializer({"user": request.user, "account": request.tenant}).data)
