"""`/team/{id}/filing/`: what a key user's employee may file (people/filing.py). Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import filing, selectors


class FilingTypeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    allowed = serializers.BooleanField()


class FilingChoiceSerializer(serializers.Serializer):
    restricted = serializers.BooleanField(help_text="false: the employee may file all the company may")
    types = FilingTypeSerializer(many=True, help_text="What the company may file, and which of it they may")


class FilingChoiceWriteSerializer(serializers.Serializer):
    types = serializers.ListField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Type ids the employee may file; null: everything the company may file",
    )


class TeamFilingView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": perms.can_manage_team, "write": perms.can_manage_team}

    def _person(self, request, pk: int):
        person = selectors.team_of(request.user).filter(pk=pk).first()
        if person is None:
            raise NotFound()
        return person

    @extend_schema(responses={200: FilingChoiceSerializer})
    def get(self, request, pk: int):
        choice = filing.filing_choice(key_user=request.user, person=self._person(request, pk))
        return Response(FilingChoiceSerializer(choice).data)

    @extend_schema(request=FilingChoiceWriteSerializer, responses={200: FilingChoiceSerializer})
    def put(self, request, pk: int):
        person = self._person(request, pk)
        data = FilingChoiceWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        choice = filing.set_filing_types(
            key_user=request.user, person=person, type_ids=data.validated_data["types"]
        )
        return Response(FilingChoiceSerializer(choice).data)
