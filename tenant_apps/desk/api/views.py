"""Desk API: tickets and their conversation, and the desk's configuration. Thin: services decide."""

from __future__ import annotations

import json

import django_filters as df
from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel import files
from kernel.api import Predicates
from kernel.errors import InvalidInput
from kernel.input import JSONParser
from kernel.pagination import CursorPagination
from rest_framework import filters, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms

from .. import checklists, config, configcache, confirmation, extensions, routing_preview, selectors, services
from .. import filters as ticket_filters
from ..filters import TicketFilter
from ..models import (
    ChecklistTemplate,
    RoutingRule,
    SavedView,
    Ticket,
    TicketType,
    Workflow,
)
from . import serializers as s


class TicketOrdering(filters.OrderingFilter):
    ordering_fields = ["created_at", "updated_at", "priority", "number", "planned_finish"]
    ordering_description = (
        "created_at, updated_at, priority, number, planned_finish, sla_due (the next SLA due time); "
        "prefix - to reverse"
    )

    def get_valid_fields(self, queryset, view, context=None):
        """The desk's own orderings and those other apps register (desk/extensions.py)."""
        valid = super().get_valid_fields(queryset, view, context or {})
        return valid + [(name, name) for name in extensions.ordering_names()]

    def filter_queryset(self, request, queryset, view):
        for term in self.get_ordering(request, queryset, view) or ():
            extra = extensions.ordering_for(term.lstrip("-"))
            if extra is not None:
                queryset = extra.annotate(queryset)
        return super().filter_queryset(request, queryset, view)


# A ticket's own lists (comments, events, attachments, checklist) are answered whole, in order:
# neither the ticket list's filters nor its pagination apply to them (and the schema says so).
WHOLE_LIST = {"pagination_class": None, "filter_backends": []}


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Tickets the person may see. `?view=<saved view id>` applies a saved view's filters."""

    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active, "write": lambda u: u.is_active}
    filter_backends = [df.rest_framework.DjangoFilterBackend, TicketOrdering]
    filterset_class = TicketFilter
    ordering = ["-created_at"]

    def get_serializer_class(self):
        return s.TicketListSerializer if self.action == "list" else s.TicketDetailSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Ticket.objects.none()
        return selectors.tickets_for(self.request.user)

    def filter_queryset(self, queryset):
        """The list's filters (filters.py: TicketFilter validates, TicketQuery applies, custom
        fields included) and ordering; `?view=` puts a saved view's under the request's own."""
        view_id = self.request.query_params.get("view")
        if view_id:
            saved = selectors.saved_view_for(self.request.user, view_id)
            if saved is None:
                raise InvalidInput(fields={"view": [_("No such saved view.")]})
            self.request._request.GET = ticket_filters.saved_view_params(saved, self.request.query_params)
        return super().filter_queryset(queryset)

    def get_object(self):
        ticket = selectors.ticket_for(self.request.user, self.kwargs["pk"])
        if ticket is None:
            raise NotFound()
        return ticket

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request):
        data = s.TicketCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        with configcache.scope():  # the configuration version is read once for all of it
            ticket_type = configcache.current().type_by_ref(values.pop("type"))
            if ticket_type is None:
                raise InvalidInput(fields={"type": [_("No such ticket type.")]})
            # file_ticket returns the ticket with every reference it set already loaded: no re-read
            ticket = services.file_ticket(actor=request.user, ticket_type=ticket_type, **values)
            answer = s.TicketDetailSerializer(ticket, context={"request": request}).data
        return Response(answer, status=201)

    @extend_schema(request=s.TicketUpdateSerializer, responses={200: s.TicketDetailSerializer})
    def partial_update(self, request, pk=None):
        ticket = self.get_object()
        data = s.TicketUpdateSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_ticket(actor=request.user, ticket=ticket, changes=dict(data.validated_data))
        return Response(s.TicketDetailSerializer(self._fresh(ticket), context={"request": request}).data)

    @staticmethod
    def _fresh(ticket):
        return selectors.with_relations(Ticket.objects.filter(pk=ticket.pk)).get()

    @extend_schema(request=s.TransitionRequestSerializer, responses={200: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        ticket = self.get_object()
        data = s.TransitionRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.transition_ticket(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(s.TicketDetailSerializer(self._fresh(ticket), context={"request": request}).data)

    @extend_schema(methods=["GET"], responses={200: s.CommentSerializer(many=True)})
    @extend_schema(methods=["POST"], request=s.CommentCreateSerializer, responses={201: s.CommentSerializer})
    @action(detail=True, methods=["get", "post"], **WHOLE_LIST)
    def comments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            data = s.CommentCreateSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = services.add_comment(actor=request.user, ticket=ticket, **data.validated_data)
            return Response(s.CommentSerializer(comment).data, status=201)
        return Response(s.CommentSerializer(selectors.comments_for(request.user, ticket), many=True).data)

    @extend_schema(responses={200: s.EventSerializer(many=True)})
    @action(detail=True, methods=["get"], **WHOLE_LIST)
    def events(self, request, pk=None):
        ticket = self.get_object()
        return Response(s.EventSerializer(selectors.events_for(request.user, ticket), many=True).data)

    @extend_schema(methods=["GET"], responses={200: s.AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["POST"], request=s.AttachmentUploadSerializer, responses={201: s.AttachmentSerializer}
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser, FormParser], **WHOLE_LIST)
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            data = s.AttachmentUploadSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            attachment = services.add_attachment(
                actor=request.user,
                ticket=ticket,
                upload=data.validated_data["file"],
                internal=data.validated_data["internal"],
            )
            return Response(s.AttachmentSerializer(attachment).data, status=201)
        return Response(
            s.AttachmentSerializer(selectors.attachments_for(request.user, ticket), many=True).data
        )

    @extend_schema(responses={200: s.ChecklistItemSerializer(many=True)})
    @action(detail=True, methods=["get"], **WHOLE_LIST)
    def checklist(self, request, pk=None):
        ticket = self.get_object()
        return Response(s.ChecklistItemSerializer(selectors.checklist_of(ticket), many=True).data)

    @extend_schema(request=s.ChecklistTickSerializer, responses={200: s.ChecklistItemSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path=r"checklist/(?P<item_id>[0-9]+)",
        url_name="checklist-item",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
        **WHOLE_LIST,
    )
    def checklist_item(self, request, pk=None, item_id=None):
        """Answer one item: JSON, or multipart with a `photo` (then `value` is JSON text)."""
        ticket = self.get_object()
        payload = request.data
        if request.content_type.startswith("multipart/"):
            payload = {key: payload.get(key) for key in payload}  # unknown ones are refused by name
            try:
                payload["value"] = json.loads(payload.get("value", "null"))
            except ValueError:
                raise InvalidInput(
                    fields={"value": [_("Send JSON: true, false, a number or a text.")]}
                ) from None
        data = s.ChecklistTickSerializer(data=payload)
        data.is_valid(raise_exception=True)
        item = checklists.tick(actor=request.user, ticket=ticket, item_id=int(item_id), **data.validated_data)
        return Response(s.ChecklistItemSerializer(item).data)

    @extend_schema(request=None, responses={200: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The requester (or their company's key user) confirms resolved work: the ticket closes."""
        ticket = self.get_object()
        if request.data:
            if isinstance(request.data, dict):
                raise InvalidInput(fields={name: [_("Unknown field.")] for name in request.data})
            raise InvalidInput(fields={"body": [_("Send an empty JSON object.")]})
        confirmation.confirm_resolution(actor=request.user, ticket=ticket)
        return Response(s.TicketDetailSerializer(self._fresh(ticket), context={"request": request}).data)

    @extend_schema(request=s.ReturnRequestSerializer, responses={200: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_for_rework(self, request, pk=None):
        """The requester (or their company's key user) returns resolved work, saying why: the
        ticket reopens in the status the workflow names."""
        ticket = self.get_object()
        data = s.ReturnRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        confirmation.return_for_rework(
            actor=request.user, ticket=ticket, reason=data.validated_data["reason"]
        )
        return Response(s.TicketDetailSerializer(self._fresh(ticket), context={"request": request}).data)

    @extend_schema(request=s.RatingRequestSerializer, responses={201: s.RatingSerializer})
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        """Rate confirmed work 1 to 5, once, with an optional comment."""
        ticket = self.get_object()
        data = s.RatingRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rated = confirmation.rate_ticket(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(s.rating_of(rated), status=201)

    @extend_schema(request=s.WatchersSerializer, responses={200: s.TicketDetailSerializer})
    @action(detail=True, methods=["post"])
    def watchers(self, request, pk=None):
        ticket = self.get_object()
        data = s.WatchersSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.set_watchers(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(s.TicketDetailSerializer(self._fresh(ticket), context={"request": request}).data)


class BulkUpdateView(APIView):
    """Apply one change (priority, group, assignee, planned dates) to many tickets, in a worker.
    Each ticket is changed through the same service and gets its own event."""

    permission_classes = [Predicates]
    predicates = {"write": perms.is_agent}

    @extend_schema(request=s.BulkUpdateSerializer, responses={202: s.BulkAcceptedSerializer})
    def post(self, request):
        data = s.BulkUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = services.queue_bulk_update(
            actor=request.user, ticket_ids=data.validated_data["ids"], changes=data.validated_data["changes"]
        )
        return Response(
            {"queued": job.total, "job": s.BulkJobSerializer(job).data}, status=status.HTTP_202_ACCEPTED
        )


class BulkJobView(APIView):
    """The progress of one's own bulk change (404 for anyone else's)."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent}

    @extend_schema(responses={200: s.BulkJobSerializer})
    def get(self, request, pk):
        job = selectors.bulk_job_for(request.user, pk)
        if job is None:
            raise NotFound()
        return Response(s.BulkJobSerializer(job).data)


class DeskSettingsView(APIView):
    """The account's desk-wide settings: agents read them, the account admin changes them."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}

    @extend_schema(responses={200: s.DeskSettingsSerializer})
    def get(self, request):
        return Response({"auto_confirm_days": config.desk_settings().auto_confirm_days})

    @extend_schema(request=s.DeskSettingsSerializer, responses={200: s.DeskSettingsSerializer})
    def patch(self, request):
        data = s.DeskSettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        row = config.desk_settings()
        if "auto_confirm_days" in data.validated_data:
            row = config.save_desk_settings(
                actor=request.user, auto_confirm_days=data.validated_data["auto_confirm_days"]
            )
        return Response({"auto_confirm_days": row.auto_confirm_days})


class SatisfactionReportView(APIView):
    """Ratings and returns grouped by engineer (the ticket's assignee), group or type, for the
    desk's managers. `since`/`until`: ISO dates or date-times (until is exclusive)."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_satisfaction}

    @extend_schema(
        parameters=[
            OpenApiParameter("group_by", str, enum=list(selectors.SATISFACTION_KEYS), required=False),
            OpenApiParameter("since", str, required=False, description="ISO date or date-time"),
            OpenApiParameter("until", str, required=False, description="ISO date or date-time, exclusive"),
        ],
        responses={200: s.SatisfactionSerializer},
    )
    def get(self, request):
        params = request.query_params
        group_by = params.get("group_by") or "engineer"
        errors = {}
        if group_by not in selectors.SATISFACTION_KEYS:
            errors["group_by"] = [_("Choose one of: %(k)s.") % {"k": ", ".join(selectors.SATISFACTION_KEYS)}]
        bounds = {}
        for name in ("since", "until"):
            raw = params.get(name)
            if raw:
                bounds[name] = selectors.parse_bound(raw)
                if bounds[name] is None:
                    errors[name] = [_("Use an ISO date or date-time.")]
        if errors:
            raise InvalidInput(fields=errors)
        rows = selectors.satisfaction(group_by=group_by, **bounds)
        return Response({"results": rows})


class AttachmentDownloadView(APIView):
    """Files are served only through this check, never from a guessable public URL."""

    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active}

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    def get(self, request, pk: int):
        attachment = selectors.attachment_for_download(request.user, pk)
        if attachment is None:
            raise NotFound()
        return files.serve(attachment)


# ---------------------------------------------------------------------------- configuration
class TicketTypeViewSet(viewsets.ModelViewSet):
    """Ticket types; everyone reads those they may file (`?fileable=1`), the account admin edits."""

    serializer_class = s.TicketTypeSerializer
    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active, "write": perms.can_configure_desk}
    pagination_class = None

    def get_queryset(self):
        """Agents who configure or dispatch see every type; everyone else (and `?fileable=1`) sees
        the types they may file now."""
        if getattr(self, "swagger_fake_view", False):
            return TicketType.objects.none()
        return selectors.ticket_types_for(
            self.request.user, fileable=bool(self.request.query_params.get("fileable"))
        )

    def perform_create(self, serializer):
        serializer.instance = config.save_ticket_type(
            actor=self.request.user, ticket_type=None, data=self._data(serializer)
        )

    def perform_update(self, serializer):
        serializer.instance = config.save_ticket_type(
            actor=self.request.user, ticket_type=serializer.instance, data=self._data(serializer)
        )

    @staticmethod
    def _data(serializer) -> dict:
        data = dict(serializer.validated_data)
        if "form_fields" in data:
            data["form_fields"] = [dict(f) for f in data["form_fields"]]
        return data

    def perform_destroy(self, instance):
        config.delete_ticket_type(actor=self.request.user, ticket_type=instance)


DRY_RUN = OpenApiParameter(
    "dry_run",
    bool,
    description="1: validate and answer what would be saved (200), saving nothing; "
    "a change that would strand tickets is refused the same way",
)


class WorkflowViewSet(viewsets.ModelViewSet):
    """Workflows, edited as one document: statuses and transitions together."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}
    pagination_class = None
    queryset = Workflow.objects.prefetch_related(
        "statuses", "transitions__source", "transitions__target", "transitions__allowed_groups"
    )
    serializer_class = s.WorkflowSerializer

    @extend_schema(
        request=s.WorkflowWriteSerializer,
        responses={201: s.WorkflowSerializer, 200: s.WorkflowSerializer},
        parameters=[DRY_RUN],
    )
    def create(self, request):
        return self._save(None, status.HTTP_201_CREATED)

    @extend_schema(
        request=s.WorkflowWriteSerializer, responses={200: s.WorkflowSerializer}, parameters=[DRY_RUN]
    )
    def update(self, request, pk=None, partial=False):
        return self._save(self.get_object(), status.HTTP_200_OK)

    def _save(self, workflow, code):
        data = s.WorkflowWriteSerializer(data=self.request.data)
        data.is_valid(raise_exception=True)
        dry_run = self.request.query_params.get("dry_run") in ("1", "true")
        with transaction.atomic():
            saved = config.save_workflow(actor=self.request.user, workflow=workflow, **data.validated_data)
            answer = s.WorkflowSerializer(self.get_queryset().get(pk=saved.pk)).data
            if dry_run:  # the same validation and the same writes, rolled back
                transaction.set_rollback(True)
        return Response(answer, status=status.HTTP_200_OK if dry_run else code)

    def perform_destroy(self, instance):
        config.delete_workflow(actor=self.request.user, workflow=instance)


class RuleOrderPagination(CursorPagination):
    ordering = ("order", "id")  # the order the rules are tried in


class RoutingRuleViewSet(viewsets.ModelViewSet):
    """Routing rules, tried in `order`. A chain may keep hundreds: the list is cursor-paginated
    like every long list (`{"next", "previous", "results"}`, `page_size` up to 200)."""

    serializer_class = s.RoutingRuleSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}
    pagination_class = RuleOrderPagination
    queryset = RoutingRule.objects.all()

    def perform_create(self, serializer):
        serializer.instance = config.save_routing_rule(
            actor=self.request.user, rule=None, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = config.save_routing_rule(
            actor=self.request.user, rule=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        config.delete_routing_rule(actor=self.request.user, rule=instance)

    @extend_schema(
        request=s.RoutingTestSerializer,
        responses={200: s.RoutingTestAnswerSerializer},
        description="Which rules a draft ticket would meet and what they would do, with the "
        "explanation; runs the filing's routing and writes nothing.",
    )
    @action(detail=False, methods=["post"], url_path="test")
    def test(self, request):
        data = s.RoutingTestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        with configcache.scope():
            ticket_type = configcache.current().type_by_ref(values.pop("type"))
            if ticket_type is None:
                raise InvalidInput(fields={"type": [_("No such ticket type.")]})
            answer = routing_preview.preview(ticket_type=ticket_type, now=values.pop("at"), **values)
        return Response(s.RoutingTestAnswerSerializer(answer).data)


class ChecklistTemplateViewSet(viewsets.ModelViewSet):
    """Checklist templates per ticket type and stage: agents read, the account admin edits."""

    serializer_class = s.ChecklistTemplateSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}
    pagination_class = None
    queryset = ChecklistTemplate.objects.select_related("stage")

    def perform_create(self, serializer):
        serializer.instance = checklists.save_template(
            actor=self.request.user, template=None, data=serializer.service_data()
        )

    def perform_update(self, serializer):
        serializer.instance = checklists.save_template(
            actor=self.request.user, template=serializer.instance, data=serializer.service_data()
        )

    def perform_destroy(self, instance):
        checklists.delete_template(actor=self.request.user, template=instance)


class SavedViewViewSet(viewsets.ModelViewSet):
    serializer_class = s.SavedViewSerializer
    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active, "write": lambda u: u.is_active}
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SavedView.objects.none()
        return selectors.saved_views_for(self.request.user)

    def perform_create(self, serializer):
        serializer.instance = config.save_saved_view(
            owner=self.request.user, view=None, data=dict(serializer.validated_data)
        )

    def perform_update(self, serializer):
        serializer.instance = config.save_saved_view(
            owner=self.request.user, view=serializer.instance, data=dict(serializer.validated_data)
        )

    def perform_destroy(self, instance):
        config.delete_saved_view(owner=self.request.user, view=instance)
