"""Plans and subscriptions (public schema). The licence of an account is computed from them in
billing/licensing.py; nothing else decides what an account may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .licensing import Feature  # noqa: F401  (re-exported for billing's own modules)


class Plan(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    price_per_seat_month = models.DecimalField(
        _("price per seat a month"), max_digits=10, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    seats = models.PositiveIntegerField(_("agent seats included"), default=3)
    features = models.JSONField(_("features"), default=list, blank=True)
    max_storage_mb = models.PositiveIntegerField(_("storage, MB"), default=1024)
    stripe_price_id = models.CharField(max_length=100, blank=True)
    is_trial = models.BooleanField(_("trial plan"), default=False)
    is_active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    TRIALING = "trialing", _("Trialing")
    ACTIVE = "active", _("Active")
    PAST_DUE = "past_due", _("Past due")
    CANCELED = "canceled", _("Canceled")


class Subscription(models.Model):
    """One per account: the plan it is on, what it paid for, and the payment state Stripe reports."""

    account = models.OneToOneField("accounts.Account", on_delete=models.CASCADE, related_name="subscription")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.TRIALING
    )
    seats_purchased = models.PositiveIntegerField(default=0)  # 0 = the plan's included seats
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    payment_failed_at = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    # operator overrides (with a reason, audited by the console)
    seats_override = models.PositiveIntegerField(null=True, blank=True)
    features_override = models.JSONField(default=list, blank=True)
    override_reason = models.CharField(max_length=300, blank=True)
    stripe_customer_id = models.CharField(max_length=100, blank=True)
    stripe_subscription_id = models.CharField(max_length=100, blank=True)
    stripe_item_id = models.CharField(max_length=100, blank=True)  # the seat line of the subscription
    # Stripe's `created` of the newest event applied to this subscription: an older event that
    # arrives later never undoes a newer state (webhooks come at least once and out of order).
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    # Seat sync: the quantity Stripe last confirmed or accepted, the quantity being sent and a counter
    # that changes with every new target (it is part of the idempotency key of the update).
    stripe_quantity = models.PositiveIntegerField(null=True, blank=True)
    seat_sync_target = models.PositiveIntegerField(null=True, blank=True)
    seat_sync_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")

    def __str__(self) -> str:
        return f"{self.account} on {self.plan}"


class BillingEvent(models.Model):
    """A Stripe webhook event, stored under its unique id before it is processed (a duplicate
    delivery is a no-op), and the account it concerned. Also what the console lists per account."""

    stripe_id = models.CharField(max_length=100, unique=True)
    type = models.CharField(max_length=100)
    created = models.DateTimeField()  # the event's own creation time (Stripe's `created`)
    account = models.ForeignKey(
        "accounts.Account", null=True, blank=True, on_delete=models.SET_NULL, related_name="billing_events"
    )
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)  # what processing did, or why it ignored it
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("billing event")
        verbose_name_plural = _("billing events")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["account", "-created"], name="billing_event_account")]

    def __str__(self) -> str:
        return f"{self.type} {self.stripe_id}"
