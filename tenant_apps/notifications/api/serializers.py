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


class RuleSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(read_only=True)
    channel = serializers.CharField(help_text="in_app or email")
    enabled = serializers.BooleanField()
    digest = serializers.BooleanField(help_text="E-mail only: collected into each person's digest")


class RulesSerializer(serializers.Serializer):
    rules = RuleSerializer(many=True)


class RuleInputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    channel = serializers.CharField(help_text="in_app or email")
    enabled = serializers.BooleanField()
    digest = serializers.BooleanField(required=False)


class RulesInputSerializer(serializers.Serializer):
    rules = RuleInputSerializer(many=True)


class PreferenceSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(read_only=True)
    channel = serializers.CharField(help_text="in_app or email")
    enabled = serializers.BooleanField()
    account_enabled = serializers.BooleanField(read_only=True, help_text="false: the account turned it off")


class QuietHoursSerializer(serializers.Serializer):
    start = serializers.CharField(help_text="HH:MM in the account's time zone")
    end = serializers.CharField(help_text="HH:MM; may be earlier than start (over midnight)")


class PreferencesSerializer(serializers.Serializer):
    preferences = PreferenceSerializer(many=True)
    quiet_hours = QuietHoursSerializer(allow_null=True)
    digest = serializers.CharField(help_text="hourly or daily")


class PreferenceInputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    channel = serializers.CharField(help_text="in_app or email")
    enabled = serializers.BooleanField()


class PreferencesInputSerializer(serializers.Serializer):
    preferences = PreferenceInputSerializer(many=True, required=False)
    quiet_hours = QuietHoursSerializer(allow_null=True, required=False)
    digest = serializers.CharField(required=False, help_text="hourly or daily")
