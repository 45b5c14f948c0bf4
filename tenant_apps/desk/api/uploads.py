"""Uploads before filing (desk/uploads.py): `POST /uploads/` stores a checked file for its uploader,
`DELETE /uploads/{id}/` drops one of their own not yet attached. Thin: the module decides."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import uploads
from . import serializers as s


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class UploadListView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active, "write": lambda u: u.is_active}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request=UploadSerializer, responses={201: s.AttachmentSerializer})
    def post(self, request):
        """Upload a file to attach to a ticket you are about to file: send its `id` in a file
        field or in the filing's `attachments`. Unattached uploads are deleted after a day."""
        data = UploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = uploads.upload_before_filing(actor=request.user, upload=data.validated_data["file"])
        return Response(s.AttachmentSerializer(attachment).data, status=201)


class UploadDetailView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active, "write": lambda u: u.is_active}

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        """Drop one of your own uploads that no ticket has adopted yet."""
        if not uploads.discard_upload(actor=request.user, pk=pk):
            raise NotFound()
        return Response(status=204)
