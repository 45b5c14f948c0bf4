"""Billing on the account host (account admins only): overview, Checkout, Customer Portal, seats.

Thin: validate the shape of the input, call billing's services, answer. Stripe is reached only
through billing/stripe_services.py.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from kernel.api import Predicates
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors, stripe_services
from ..accounts_plane import may_manage_billing


class PlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class OfferedPlanSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    price_per_seat_month = serializers.DecimalField(max_digits=10, decimal_places=2)
    currency = serializers.CharField()
    seats = serializers.IntegerField()
    features = serializers.ListField(child=serializers.CharField())
    purchasable = serializers.BooleanField()


class SeatsSerializer(serializers.Serializer):
    used = serializers.IntegerField()
    available = serializers.IntegerField()
    purchased = serializers.IntegerField()


class BillingSerializer(serializers.Serializer):
    plan = PlanSerializer(allow_null=True)
    state = serializers.ChoiceField(
        choices=["trialing", "active", "past_due", "read_only", "suspended", "closed"]
    )
    writable = serializers.BooleanField()
    seats = SeatsSerializer()
    trial_ends_at = serializers.DateTimeField(allow_null=True)
    grace_until = serializers.DateTimeField(allow_null=True)
    current_period_end = serializers.DateTimeField(allow_null=True)
    features = serializers.ListField(child=serializers.CharField())
    banner = serializers.CharField(allow_blank=True)
    online_payment = serializers.BooleanField()
    subscribed = serializers.BooleanField()
    plans = OfferedPlanSerializer(many=True)


class CheckoutRequestSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=40)
    seats = serializers.IntegerField(min_value=1, max_value=stripe_services.MAX_SEATS)


class CheckoutSerializer(serializers.Serializer):
    id = serializers.CharField()
    url = serializers.URLField()


class PortalSerializer(serializers.Serializer):
    url = serializers.URLField()


class BillingEventSerializer(serializers.Serializer):
    id = serializers.CharField(source="stripe_id")
    type = serializers.CharField()
    created = serializers.DateTimeField()
    processed_at = serializers.DateTimeField(allow_null=True)
    outcome = serializers.CharField()
    failed = serializers.SerializerMethodField()

    def get_failed(self, event) -> bool:
        return bool(event.error)


class SeatChangeSerializer(serializers.Serializer):
    seats = serializers.IntegerField(min_value=1, max_value=stripe_services.MAX_SEATS)


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


class _BillingView(APIView):
    permission_classes = [Predicates]
    predicates = {"read": may_manage_billing, "write": may_manage_billing}


class BillingView(_BillingView):
    @extend_schema(responses=BillingSerializer, summary="The account's plan, licence and seats")
    def get(self, request):
        return Response(BillingSerializer(selectors.billing_overview(request.tenant)).data)


class BillingEventsView(_BillingView):
    @extend_schema(
        responses=BillingEventSerializer(many=True),
        summary="The account's payment events from Stripe, newest first (at most 100)",
    )
    def get(self, request):
        return Response(BillingEventSerializer(selectors.billing_events(request.tenant), many=True).data)


class CheckoutView(_BillingView):
    @extend_schema(
        request=CheckoutRequestSerializer,
        responses=CheckoutSerializer,
        summary="Start a subscription: a Stripe Checkout Session for a plan and a number of seats",
    )
    def post(self, request):
        data = CheckoutRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = stripe_services.start_checkout(
            account=request.tenant,
            plan=data.validated_data["plan"],
            seats=data.validated_data["seats"],
            base_url=_base_url(request),
        )
        return Response(CheckoutSerializer(session).data)


class PortalView(_BillingView):
    @extend_schema(
        request=None,
        responses=PortalSerializer,
        summary="Open the Stripe Customer Portal (card, invoices, plan and seat changes)",
    )
    def post(self, request):
        session = stripe_services.open_portal(account=request.tenant, base_url=_base_url(request))
        return Response(PortalSerializer(session).data)


class SeatsView(_BillingView):
    @extend_schema(
        request=SeatChangeSerializer,
        responses=BillingSerializer,
        summary="Change the number of seats bought (Stripe prorates the change)",
    )
    def post(self, request):
        data = SeatChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stripe_services.change_seats(account=request.tenant, seats=data.validated_data["seats"])
        return Response(BillingSerializer(selectors.billing_overview(request.tenant)).data)
