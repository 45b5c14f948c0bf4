"""The account's custom domain (account admins): GET the state and the DNS record to create, PUT a
domain, POST check/ to resolve it (and, once it points here, add it to the account), DELETE it.
Thin: tenants_shared.accounts.domains does the work on the request's account. The views live with
the registry they change (public-schema Domain rows), above the account plane, and are routed on
the account host (atrium/urls_account.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import domains


class DomainStateSerializer(serializers.Serializer):
    domain = serializers.CharField(allow_blank=True, help_text="The custom domain, or empty if none.")
    status = serializers.ChoiceField(choices=["none", "pending", "verified"])
    record_type = serializers.CharField(help_text="The DNS record to create: always CNAME.")
    record_name = serializers.CharField(allow_blank=True)
    record_value = serializers.CharField(help_text="Where the CNAME points: <slug>.<platform domain>.")
    checked_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    last_error = serializers.CharField(allow_blank=True)


class DomainRequestSerializer(serializers.Serializer):
    domain = serializers.CharField(max_length=253)


class _DomainView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": perms.is_account_admin, "write": perms.is_account_admin}


class CustomDomainView(_DomainView):
    @extend_schema(responses=DomainStateSerializer, summary="The custom domain and the DNS record it needs")
    def get(self, request):
        return Response(DomainStateSerializer(domains.state(request.tenant)).data)

    @extend_schema(
        request=DomainRequestSerializer, responses=DomainStateSerializer, summary="Name the custom domain"
    )
    def put(self, request):
        data = DomainRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        found = domains.request_domain(account=request.tenant, domain=data.validated_data["domain"])
        return Response(DomainStateSerializer(found).data)

    @extend_schema(request=None, responses={204: None}, summary="Remove the custom domain")
    def delete(self, request):
        domains.remove_domain(account=request.tenant)
        return Response(status=204)


class CustomDomainCheckView(_DomainView):
    @extend_schema(
        request=None,
        responses=DomainStateSerializer,
        summary="Resolve the custom domain; once it points at the account's host it is added",
    )
    def post(self, request):
        return Response(DomainStateSerializer(domains.check_domain(account=request.tenant)).data)
