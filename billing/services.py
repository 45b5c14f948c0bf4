"""Writes to subscriptions (Stripe webhooks and the operator console will use these too)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .licensing import TRIAL_DAYS
from .models import Plan, Subscription, SubscriptionStatus
from .plans import seed_plans


def start_trial(*, account, now: dt.datetime | None = None) -> Subscription:
    """Every new account starts on the Trial plan for TRIAL_DAYS. Called inside provisioning."""
    plan = Plan.objects.filter(is_trial=True, is_active=True).order_by("order").first()
    if plan is None:
        seed_plans()
        plan = Plan.objects.filter(is_trial=True).order_by("order").first()
    now = now or timezone.now()
    return Subscription.objects.create(
        account=account,
        plan=plan,
        status=SubscriptionStatus.TRIALING,
        trial_ends_at=now + dt.timedelta(days=TRIAL_DAYS),
    )
