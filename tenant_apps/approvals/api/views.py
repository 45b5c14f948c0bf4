"""Approvals API: a person's queue, a ticket's rounds and decisions, resubmission, policies."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from kernel.api import Predicates
from kernel.errors import InvalidInput
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms
from tenant_apps.desk import selectors as desk_selectors

from .. import selectors, services
from ..models import ApprovalPolicy
from . import serializers as s


def _visible_ticket(request, pk):
    ticket = desk_selectors.ticket_for(request.user, pk)
    if ticket is None:
        raise NotFound()
    return ticket


def _state(request, ticket) -> dict:
    rounds = list(selectors.rounds_for(ticket))
    current = rounds[-1] if rounds else None
    can_decide = bool(
        current
        and current.is_open
        and any(
            not st.decision and perms.may_decide_approval_step(request.user, st) for st in current.steps.all()
        )
    )
    can_resubmit = services.may_resubmit(request.user, ticket, current)
    return s.TicketApprovalSerializer(
        {"rounds": rounds, "can_decide": can_decide, "can_resubmit": can_resubmit}
    ).data


class ApprovalQueueView(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The asking person's approval queue: `?state=pending` (default) or `decided` (their own)."""

    serializer_class = s.QueueItemSerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.can_see_approval_queue}

    @extend_schema(parameters=[OpenApiParameter("state", str, enum=["pending", "decided"])])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return selectors.pending_for(None)
        state = self.request.query_params.get("state", "pending")
        if state not in ("pending", "decided"):
            raise InvalidInput(fields={"state": ["pending | decided"]})
        return (
            selectors.pending_for(self.request.user)
            if state == "pending"
            else selectors.decided_by(self.request.user)
        )


class TicketApprovalView(APIView):
    """GET a ticket's approval rounds (whoever sees the ticket, requester included)."""

    permission_classes = [Predicates]
    predicates = {"read": lambda u: u.is_active}

    @extend_schema(responses={200: s.TicketApprovalSerializer})
    def get(self, request, pk: int):
        return Response(_state(request, _visible_ticket(request, pk)))


class DecideView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": lambda u: u.is_active}

    @extend_schema(request=s.DecisionSerializer, responses={200: s.TicketApprovalSerializer})
    def post(self, request, pk: int):
        ticket = _visible_ticket(request, pk)
        data = s.DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.decide(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(_state(request, _visible_ticket(request, pk)))


class ResubmitView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": lambda u: u.is_active}

    @extend_schema(request=s.ResubmitSerializer, responses={200: s.TicketApprovalSerializer})
    def post(self, request, pk: int):
        ticket = _visible_ticket(request, pk)
        data = s.ResubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.resubmit(actor=request.user, ticket=ticket, **data.validated_data)
        return Response(_state(request, _visible_ticket(request, pk)))


class PolicyViewSet(viewsets.ModelViewSet):
    """Approval policies per ticket type: agents read, the account admin configures."""

    serializer_class = s.PolicySerializer
    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_configure_desk}
    pagination_class = None

    def get_queryset(self):
        return ApprovalPolicy.objects.select_related(
            "pending_status", "rework_status", "approved_status", "remarks_status", "rejected_status"
        ).prefetch_related("approvers", "approver_groups")

    def perform_create(self, serializer):
        serializer.instance = services.save_policy(
            actor=self.request.user, policy=None, data=serializer.service_data()
        )

    def perform_update(self, serializer):
        serializer.instance = services.save_policy(
            actor=self.request.user, policy=serializer.instance, data=serializer.service_data()
        )

    def perform_destroy(self, instance):
        services.delete_policy(actor=self.request.user, policy=instance)
