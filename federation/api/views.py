"""Federation API on the account host: partnerships, forwarding, links and parked messages."""

from __future__ import annotations

from django.db import connection
from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from kernel.errors import NotFound
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from tenant_apps import permissions as perms
from tenant_apps.desk import selectors as desk_selectors

from .. import selectors, services
from . import serializers as s


def _doc(p) -> dict:
    return selectors.partnership_doc(p, connection.tenant)


class PartnershipListView(APIView):
    """GET this account's partnerships; POST invites an account of this deployment (`partner`) or
    of another deployment (`remote_url` and `code`) (account admins)."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_partnerships, "write": perms.can_manage_partnerships}

    @extend_schema(responses={200: s.PartnershipSerializer(many=True)})
    def get(self, request):
        found = services.partnerships_of(connection.tenant).order_by("-invited_at")
        return Response([_doc(p) for p in found])

    @extend_schema(request=s.InviteSerializer, responses={201: s.PartnershipSerializer})
    def post(self, request):
        data = s.InviteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        partner, note = v.pop("partner", ""), v.pop("note", "")
        remote_url, code = v.pop("remote_url", ""), v.pop("code", "")
        p = services.invite_partner(
            actor=request.user, partner=partner, terms=v, note=note, remote_url=remote_url, code=code
        )
        return Response(_doc(p), status=status.HTTP_201_CREATED)


class PartnershipDetailView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": perms.can_view_partnerships}

    @extend_schema(responses={200: s.PartnershipSerializer})
    def get(self, request, pk):
        return Response(_doc(services.partnership_for(connection.tenant, pk)))


class _PartnershipAction(APIView):
    permission_classes = [Predicates]
    predicates = {"write": perms.can_manage_partnerships}
    request_serializer = s.ReasonSerializer

    def act(self, request, p, data):
        raise NotImplementedError

    def post(self, request, pk):
        p = services.partnership_for(connection.tenant, pk)
        data = self.request_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(_doc(self.act(request, p, data.validated_data)))


class AcceptView(_PartnershipAction):
    request_serializer = s.AcceptSerializer

    @extend_schema(request=s.AcceptSerializer, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.accept_partnership(actor=request.user, partnership=p, terms=data)


class DeclineView(_PartnershipAction):
    @extend_schema(request=s.ReasonSerializer, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.decline_partnership(actor=request.user, partnership=p, reason=data.get("reason", ""))


class SuspendView(_PartnershipAction):
    @extend_schema(request=s.ReasonSerializer, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.suspend_partnership(actor=request.user, partnership=p, reason=data.get("reason", ""))


class ResumeView(_PartnershipAction):
    @extend_schema(request=None, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.resume_partnership(actor=request.user, partnership=p)


class EndView(_PartnershipAction):
    @extend_schema(request=s.ReasonSerializer, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.end_partnership(actor=request.user, partnership=p, reason=data.get("reason", ""))


class RotateKeyView(_PartnershipAction):
    request_serializer = s.ReasonSerializer

    @extend_schema(request=None, responses={200: s.PartnershipSerializer})
    def post(self, request, pk):
        return super().post(request, pk)

    def act(self, request, p, data):
        return services.rotate_partnership_key(actor=request.user, partnership=p)


class InvitationCodeListView(APIView):
    """GET this account's invitation codes for partners on other deployments; POST makes one
    (single use, expiring; the code itself is in this answer only). Account admins."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_manage_partnerships, "write": perms.can_manage_partnerships}

    @extend_schema(responses={200: s.InvitationCodeSerializer(many=True)})
    def get(self, request):
        return Response(
            [selectors.invitation_code_doc(c) for c in services.invitation_codes_of(connection.tenant)[:200]]
        )

    @extend_schema(request=s.NewInvitationCodeSerializer, responses={201: s.InvitationCodeSerializer})
    def post(self, request):
        data = s.NewInvitationCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        row, code = services.create_invitation_code(
            actor=request.user,
            note=data.validated_data.get("note", ""),
            valid_hours=data.validated_data.get("valid_hours"),
        )
        return Response(selectors.invitation_code_doc(row, code), status=status.HTTP_201_CREATED)


class InvitationCodeRevokeView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": perms.can_manage_partnerships}

    @extend_schema(request=None, responses={200: s.InvitationCodeSerializer})
    def post(self, request, pk: str):
        return Response(
            selectors.invitation_code_doc(services.revoke_invitation_code(actor=request.user, code_id=pk))
        )


def _ticket(request, pk):
    ticket = desk_selectors.ticket_for(request.user, pk)
    if ticket is None:
        raise NotFound()
    return ticket


class TicketLinksView(APIView):
    """GET a ticket's partner links, their state and message log (agents who see the ticket)."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent}

    @extend_schema(responses={200: s.LinkSerializer(many=True)})
    def get(self, request, pk: int):
        ticket = _ticket(request, pk)
        if not perms.can_view_links(request.user, ticket):
            raise NotFound()
        return Response(selectors.ticket_links(ticket))


class ForwardView(APIView):
    """GET the partners this ticket may be forwarded to now (empty for someone who may not
    forward, a closed ticket, no active partnership taking its type); POST forwards it."""

    permission_classes = [Predicates]
    predicates = {"read": perms.is_agent, "write": perms.can_forward}

    @extend_schema(responses={200: s.ForwardTargetSerializer(many=True)})
    def get(self, request, pk: int):
        ticket = _ticket(request, pk)
        if not perms.can_forward(request.user):
            return Response([])
        return Response(selectors.forward_targets(connection.tenant, ticket))

    @extend_schema(request=s.ForwardSerializer, responses={201: s.LinkSerializer(many=True)})
    def post(self, request, pk: int):
        ticket = _ticket(request, pk)
        data = s.ForwardSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.forward_ticket(
            actor=request.user,
            ticket=ticket,
            partnership_id=data.validated_data["partnership"],
            note=data.validated_data.get("note", ""),
        )
        return Response(selectors.ticket_links(ticket), status=status.HTTP_201_CREATED)


class ForwardSubticketView(APIView):
    """POST: a sub-ticket of this ticket, of a type the partner takes, filed and forwarded at once."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_forward}

    @extend_schema(request=s.ForwardSubticketSerializer, responses={201: s.ForwardedSubticketSerializer})
    def post(self, request, pk: int):
        ticket = _ticket(request, pk)
        data = s.ForwardSubticketSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        child, _link = services.forward_as_subticket(
            actor=request.user,
            ticket=ticket,
            partnership_id=v["partnership"],
            note=v.get("note", ""),
            type_code=v.get("type", ""),
            title=v.get("title", ""),
        )
        return Response(
            {"subticket": {"id": child.pk, "key": child.key}, "links": selectors.ticket_links(child)},
            status=status.HTTP_201_CREATED,
        )


class _LinkReasonView(APIView):
    """POST {reason}: a service that ends the ticket's link for a reason (recall, decline)."""

    permission_classes = [Predicates]
    predicates = {"write": perms.can_forward}
    service = None  # a federation.services function of (actor, ticket, reason)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.LinkSerializer(many=True)})
    def post(self, request, pk: int):
        ticket = _ticket(request, pk)
        data = s.ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        type(self).service(actor=request.user, ticket=ticket, reason=data.validated_data.get("reason", ""))
        return Response(selectors.ticket_links(ticket))


class RecallView(_LinkReasonView):
    service = services.recall_ticket


class DeclineTicketView(_LinkReasonView):
    service = services.decline_ticket


class ParkedView(APIView):
    """GET messages of this account parked in either direction (account admins)."""

    permission_classes = [Predicates]
    predicates = {"read": perms.can_handle_parked_messages}

    @extend_schema(responses={200: s.MessageSerializer(many=True)})
    def get(self, request):
        return Response(selectors.parked_messages())


class ReplayView(APIView):
    permission_classes = [Predicates]
    predicates = {"write": perms.can_handle_parked_messages}

    @extend_schema(request=s.ReplaySerializer, responses={200: s.ReplayResultSerializer})
    def post(self, request):
        data = s.ReplaySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(
            services.replay(
                actor=request.user,
                direction=data.validated_data["direction"],
                message_id=data.validated_data["id"],
            )
        )
