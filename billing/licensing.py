"""What an account may do: its licence, computed in one place, and the checks that enforce it.

State machine (see docs/billing.md):
    trialing --(trial ends unpaid)--> read_only
    trialing / past_due / read_only --(payment)--> active
    active --(payment fails)--> past_due --(7 days grace)--> read_only
    any --(operator)--> suspended --(operator)--> the state it would otherwise have
    any --(operator)--> closed
The operator states live on Account.status; the payment states on the Subscription. Account planes
call this module's functions, never the billing models.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from kernel.errors import DomainError
from kernel.tenancy import AccountStatus, current_account

from . import accounts_plane


class Feature(models.TextChoices):
    FEDERATION = "federation", _("Federation with partner accounts")
    TELEGRAM = "telegram", _("Telegram intake")
    EMAIL_INTAKE = "email_intake", _("E-mail intake")
    API = "api", _("API access")
    SLA = "sla", _("SLA")
    REPORTS = "reports", _("Reports")
    CUSTOM_DOMAIN = "custom_domain", _("Custom domain")
    BRANDING = "branding", _("Branding")


TRIAL_DAYS = 14
GRACE_DAYS = 7


class LicenceState:
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    READ_ONLY = "read_only"
    SUSPENDED = "suspended"
    CLOSED = "closed"
    WRITABLE = frozenset({TRIALING, ACTIVE, PAST_DUE})


class LicenceReadOnly(DomainError):
    code = "licence_read_only"
    status = 402
    default_detail = _("The desk is paused: the subscription needs attention. You can still read and export.")


class AccountSuspended(DomainError):
    code = "account_suspended"
    status = 403
    default_detail = _("This account is suspended by the platform operators.")


class FeatureNotInPlan(DomainError):
    code = "feature_not_in_plan"
    status = 403
    default_detail = _(
        "This feature is not part of your plan. An account admin can change the plan in Billing."
    )


class SeatLimitReached(DomainError):
    code = "seat_limit_reached"
    status = 409
    default_detail = _(
        "All agent seats are taken. An account admin can buy more seats in Billing, or block an agent "
        "who no longer works here to free a seat."
    )


@dataclass(frozen=True)
class Licence:
    state: str
    plan: str
    seats: int
    features: frozenset[str]
    trial_ends_at: dt.datetime | None = None
    grace_until: dt.datetime | None = None
    reason: str = ""

    @property
    def writable(self) -> bool:
        return self.state in LicenceState.WRITABLE

    def has(self, feature: str) -> bool:
        return feature in self.features


def licence_for(account, *, now: dt.datetime | None = None) -> Licence:
    """The licence of `account` right now. Reads its subscription (one query)."""
    from .models import SubscriptionStatus

    now = now or timezone.now()
    sub = _subscription_row(account.pk)
    if sub is None:  # the platform itself, or an account made before billing existed
        trial_end = account.created_at + dt.timedelta(days=TRIAL_DAYS) if account.created_at else None
        # such an account is on the trial its creation date gives it: the trial plan's terms
        seats, features = _trial_terms() if account.created_at else (0, [])
        return Licence(
            state=_operator_state(account)
            or (LicenceState.TRIALING if trial_end and now < trial_end else LicenceState.READ_ONLY),
            plan="none",
            seats=seats,
            features=frozenset(features),
            trial_ends_at=trial_end,
        )
    seats = sub.seats_override if sub.seats_override is not None else (sub.seats_purchased or sub.plan_seats)
    features = frozenset(sub.plan_features or []) | frozenset(sub.features_override or [])
    grace_until = sub.payment_failed_at + dt.timedelta(days=GRACE_DAYS) if sub.payment_failed_at else None
    state = _operator_state(account)
    if state is None:
        if sub.status == SubscriptionStatus.ACTIVE:
            state = LicenceState.ACTIVE
        elif sub.status == SubscriptionStatus.TRIALING:
            state = (
                LicenceState.TRIALING
                if sub.trial_ends_at and now < sub.trial_ends_at
                else LicenceState.READ_ONLY
            )
        elif sub.status == SubscriptionStatus.PAST_DUE:
            state = LicenceState.PAST_DUE if grace_until and now < grace_until else LicenceState.READ_ONLY
        else:
            state = LicenceState.READ_ONLY
    reason = (
        account.closed_reason
        if account.status == AccountStatus.CLOSED
        else getattr(account, "suspended_reason", "")
        if account.status == AccountStatus.SUSPENDED
        else ""
    )
    return Licence(
        state=state,
        plan=sub.plan_code,
        seats=seats,
        features=features,
        trial_ends_at=sub.trial_ends_at,
        grace_until=grace_until,
        reason=reason,
    )


class _SubscriptionRow(NamedTuple):
    status: str
    seats_override: int | None
    seats_purchased: int
    features_override: list
    trial_ends_at: dt.datetime | None
    payment_failed_at: dt.datetime | None
    plan_code: str
    plan_seats: int
    plan_features: list


# Every write to an account asks for its licence: one plain query (composing it through the ORM
# with select_related cost more than running it).
_SUBSCRIPTION_SQL = """
    SELECT s.status, s.seats_override, s.seats_purchased, s.features_override, s.trial_ends_at,
           s.payment_failed_at, p.code, p.seats, p.features
      FROM billing_subscription s JOIN billing_plan p ON p.id = s.plan_id
     WHERE s.account_id = %s
"""


def _subscription_row(account_id) -> _SubscriptionRow | None:
    with connection.cursor() as cur:
        cur.execute(_SUBSCRIPTION_SQL, [account_id])
        row = cur.fetchone()
    if row is None:
        return None
    sub = _SubscriptionRow(*row)
    # Django's connection hands jsonb back as text (JSONField decodes it): decode the two lists here
    return sub._replace(
        features_override=_json_list(sub.features_override), plan_features=_json_list(sub.plan_features)
    )


def _trial_terms() -> tuple[int, list]:
    """(seats, features) of the trial plan (the offered one first); none at all without one."""
    from .models import Plan

    row = (
        Plan.objects.filter(is_trial=True)
        .order_by("-is_active", "order", "id")
        .values_list("seats", "features")
        .first()
    )
    return (row[0], _json_list(row[1])) if row else (0, [])


def _json_list(value) -> list:
    return json.loads(value) if isinstance(value, str | bytes) else list(value or [])


def _operator_state(account) -> str | None:
    if account.status == AccountStatus.CLOSED:
        return LicenceState.CLOSED
    if account.status == AccountStatus.SUSPENDED:
        return LicenceState.SUSPENDED
    return None


# ---------------------------------------------------------------------------- enforcement
def ensure_writable(account=None) -> Licence:
    """The one check every write to an account passes (HTTP through LicenceMiddleware; tasks and
    federation call it before they write)."""
    account = account or current_account()
    licence = licence_for(account)
    if licence.state == LicenceState.SUSPENDED:
        raise AccountSuspended()
    if not licence.writable:
        raise LicenceReadOnly()
    return licence


def ensure_feature(feature: str, account=None) -> None:
    account = account or current_account()
    if not licence_for(account).has(feature):
        raise FeatureNotInPlan()


def seats_used() -> int:
    """Agents who hold a seat in the current account: active, not blocked, access not expired.
    Requesters, visitors and partners' people never do. People counts them (accounts_plane)."""
    return accounts_plane.seats_used()


def ensure_seat_for_new_agent(account=None) -> None:
    """Call before a person starts holding a seat (invited as an agent, made an agent, unblocked)."""
    account = account or current_account()
    licence = licence_for(account)
    if seats_used() + 1 > licence.seats:
        raise SeatLimitReached(
            fields={
                "seats": [
                    _("%(used)d of %(total)d seats are taken.")
                    % {"used": seats_used(), "total": licence.seats}
                ]
            }
        )


def seats_may_have_changed(schema_name: str, person_id: int) -> None:
    """Told by people's services after commit whenever an agent's access changes (invited, blocked,
    unblocked, role changed): billing syncs the Stripe seat quantity if the account pays online."""
    from .stripe_services import agent_access_changed

    agent_access_changed(schema_name, person_id)


def may_sign_in(account, person) -> bool:
    """A suspended account lets only its admins in (to see why); a closed one nobody."""
    state = _operator_state(account)
    if state == LicenceState.CLOSED:
        return False
    if state == LicenceState.SUSPENDED:
        return accounts_plane.holds_admin_role(person)
    return True
