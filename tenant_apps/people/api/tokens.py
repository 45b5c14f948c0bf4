"""API tokens of the account: GET lists them (an admin sees everyone's, others their own), DELETE
revokes one (its sockets close). A token is named by the first 16 characters of its digest, never
by any part of the secret."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from kernel.errors import NotFound
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, services


class IssuedTokenPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.CharField()
    full_name = serializers.CharField()


class IssuedTokenSerializer(serializers.Serializer):
    id = serializers.SerializerMethodField(help_text="The token's public id (from its digest).")
    person = IssuedTokenPersonSerializer(source="user")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField(help_text="The token this request was made with.")

    def get_id(self, token) -> str:
        return token.digest[:16]

    def get_current(self, token) -> bool:
        auth = self.context.get("auth")
        return getattr(auth, "digest", None) == token.digest


def _active(user) -> bool:
    return user.is_active


class IssuedTokensView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": _active}

    @extend_schema(responses=IssuedTokenSerializer(many=True), summary="API tokens you may see")
    def get(self, request):
        tokens = selectors.api_tokens(request.user)[:500]
        return Response(IssuedTokenSerializer(tokens, many=True, context={"auth": request.auth}).data)


class IssuedTokenView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": _active}

    @extend_schema(request=None, responses={204: None}, summary="Revoke an API token")
    def delete(self, request, token_id: str):
        token = selectors.api_token(request.user, token_id)
        if token is None:
            raise NotFound()
        services.revoke_token(token=token)
        return Response(status=status.HTTP_204_NO_CONTENT)
