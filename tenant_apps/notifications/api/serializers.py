from rest_framework import serializers

from ..models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    ticket = serializers.IntegerField(source="ticket_id", allow_null=True, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "ticket", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread and are read now")
    unread_count = serializers.IntegerField()
