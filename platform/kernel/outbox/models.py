"""One row per task queued after a commit, written in the same transaction as the change that
queued it, in the schema that transaction writes to (an account's, or public for the control
plane): a commit and its work are never split by a broker that is down."""

from __future__ import annotations

import uuid

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TaskOutbox(models.Model):
    # the idempotency key: it travels with the task (`_outbox` header) and a task whose row is
    # done is not carried out again, however many times it is delivered
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(max_length=200)
    schema_name = models.CharField(max_length=63, help_text="The schema the task runs in.")
    kwargs = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    countdown = models.FloatField(null=True, blank=True)
    once_key = models.CharField(max_length=200, blank=True)
    once_seconds = models.PositiveIntegerField(default=120)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True, help_text="Handed to the broker.")
    attempts = models.PositiveIntegerField(default=0)
    done_at = models.DateTimeField(null=True, blank=True, help_text="Carried out by a worker.")

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent"),
            models.Index(fields=["created_at"], name="outbox_created"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} in {self.schema_name} ({self.pk})"
