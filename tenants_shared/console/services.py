"""Every operator action: one function each, one transaction, one row in the platform audit log.

Views (tenants_shared/console/views.py) and the `create_operator` command call these; nothing else
writes to the console's models. Role checks happen here too, so no caller can skip them.
"""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tenants.utils import schema_context
from kernel.errors import InvalidInput

from billing import subscriptions
from billing.licensing import Feature
from billing.models import Plan, Subscription, SubscriptionStatus
from tenant_apps.people.models import Role, User, normalize_email
from tenant_apps.people.services import password_problems
from tenants_shared.accounts import selectors as account_selectors
from tenants_shared.accounts.models import Account, AccountStatus
from tenants_shared.accounts.services import close_account as close_account_in_registry

from . import permissions as perms
from .errors import OperatorForbidden
from .models import AuditEntry, Impersonation, Operator, OperatorRole

HANDOFF_SALT = "atrium.console.impersonation-handoff"
HANDOFF_SECONDS = 120
IMPERSONATION_MINUTES_MAX = 240


# ---------------------------------------------------------------------------- audit
def _audit(*, operator: User, action: str, account: Account | None = None, reason: str = "", details=None):
    return AuditEntry.objects.create(
        operator=operator,
        operator_email=operator.email,
        role=perms.operator_role(operator) or "",
        action=action,
        account=account,
        reason=reason,
        details=details or {},
    )


def _require(predicate, operator: User) -> None:
    if not predicate(operator):
        raise OperatorForbidden()


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(fields={"reason": [_("Say why (it goes to the audit log).")]})
    return reason


def _account_writable(account: Account) -> Account:
    if account.is_public:
        raise InvalidInput(fields={"account": [_("The platform itself cannot be changed here.")]})
    return Account.objects.select_for_update().get(pk=account.pk)


def _subscription(account: Account) -> Subscription:
    sub = subscriptions.locked_subscription(account)
    if sub is None:
        raise InvalidInput(fields={"account": [_("This account has no subscription.")]})
    return sub


# ---------------------------------------------------------------------------- operators
@dataclass(frozen=True)
class NewOperator:
    user: User
    device: TOTPDevice

    @property
    def secret(self) -> str:
        """The TOTP secret in base32, as authenticator apps take it."""
        return base64.b32encode(self.device.bin_key).decode().rstrip("=")

    @property
    def otpauth_uri(self) -> str:
        return self.device.config_url


def create_operator(
    *, email: str, full_name: str, password: str, role: str, by: User | None = None
) -> NewOperator:
    """A platform operator (public schema) with a console role and a confirmed TOTP device.

    `by` is the owner who adds them (None: the first owner, from the command line)."""
    if connection.schema_name != "public":
        raise InvalidInput(fields={"email": [_("Operators exist on the public host only.")]})
    if by is not None:
        _require(perms.can_manage_operators, by)
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if role not in OperatorRole.values:
        errors["role"] = [_("Choose one of: %(roles)s.") % {"roles": ", ".join(OperatorRole.values)}]
    if not (full_name or "").strip():
        errors["full_name"] = [_("This field is required.")]
    if User.objects.filter(email=email).exists():
        errors["email"] = [_("An operator with this e-mail already exists.")]
    problems = password_problems(password or "", email=email, full_name=full_name or "")
    if problems:
        errors["password"] = problems
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        user = User.objects.create_user(
            email=email, password=password, full_name=full_name.strip(), is_staff=True, role=Role.EMPLOYEE
        )
        Operator.objects.create(user=user, role=role)
        device = TOTPDevice.objects.create(user=user, name="console", confirmed=True)
        if by is not None:
            _audit(operator=by, action="operator.create", details={"email": email, "role": role})
    return NewOperator(user=user, device=device)


def new_totp_device(*, user: User) -> TOTPDevice:
    """An unconfirmed device for an operator who has none yet (first sign-in enrolment)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="console", confirmed=False)


def confirm_totp_device(*, user: User, device: TOTPDevice, code: str) -> bool:
    with transaction.atomic():
        if device.user_id != user.pk or not device.verify_token((code or "").strip()):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        _audit(operator=user, action="operator.totp_enrolled")
    return True


def record_sign_in(*, operator: User, address: str = "") -> None:
    """`address`: the client's, as kernel.proxies resolved it (never a forged forwarded header)."""
    _audit(operator=operator, action="operator.sign_in", details={"address": address} if address else None)


# ---------------------------------------------------------------------------- plans, limits, trials
def change_plan(*, operator: User, account: Account, plan_code: str, reason: str) -> Subscription:
    _require(perms.can_change_billing, operator)
    reason = _reason(reason)
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise InvalidInput(fields={"plan": [_("Unknown plan.")]})
    with transaction.atomic():
        account = _account_writable(account)
        sub = _subscription(account)
        before = sub.plan.code
        subscriptions.change_plan(sub, plan=plan)
        _audit(
            operator=operator,
            action="plan.change",
            account=account,
            reason=reason,
            details={"from": before, "to": plan.code},
        )
    return sub


def override_limits(
    *, operator: User, account: Account, seats: int | None, features: list[str], reason: str
) -> Subscription:
    """Seats (None: the plan's or the purchased ones) and extra features beyond the plan."""
    _require(perms.can_change_billing, operator)
    reason = _reason(reason)
    errors: dict[str, list[str]] = {}
    if seats is not None and (not isinstance(seats, int) or seats < 0 or seats > 100000):
        errors["seats"] = [_("Enter a number of seats from 0 to 100000, or leave it empty.")]
    unknown = sorted(set(features or []) - set(Feature.values))
    if unknown:
        errors["features"] = [_("Unknown features: %(names)s.") % {"names": ", ".join(unknown)}]
    if errors:
        raise InvalidInput(fields=errors)
    with transaction.atomic():
        account = _account_writable(account)
        sub = _subscription(account)
        before = {"seats": sub.seats_override, "features": sub.features_override}
        subscriptions.override_limits(sub, seats=seats, features=features, reason=reason)
        _audit(
            operator=operator,
            action="limits.override",
            account=account,
            reason=reason,
            details={"before": before, "after": {"seats": seats, "features": sub.features_override}},
        )
    return sub


def extend_trial(*, operator: User, account: Account, days: int, reason: str) -> Subscription:
    _require(perms.can_change_billing, operator)
    reason = _reason(reason)
    if not isinstance(days, int) or not 1 <= days <= 90:
        raise InvalidInput(fields={"days": [_("Extend by 1 to 90 days.")]})
    with transaction.atomic():
        account = _account_writable(account)
        sub = _subscription(account)
        if sub.status != SubscriptionStatus.TRIALING:
            raise InvalidInput(fields={"days": [_("Only a trialing subscription has a trial to extend.")]})
        before = sub.trial_ends_at
        until = max(before or timezone.now(), timezone.now()) + dt.timedelta(days=days)
        subscriptions.extend_trial(sub, until=until)
        _audit(
            operator=operator,
            action="trial.extend",
            account=account,
            reason=reason,
            details={
                "days": days,
                "from": before.isoformat() if before else None,
                "to": sub.trial_ends_at.isoformat(),
            },
        )
    return sub


# ---------------------------------------------------------------------------- suspend, resume, close
def suspend_account(*, operator: User, account: Account, reason: str) -> Account:
    """Only the account's admins can sign in afterwards (to see why); writes get 403."""
    _require(perms.can_suspend_accounts, operator)
    reason = _reason(reason)
    with transaction.atomic():
        account = _account_writable(account)
        if account.status in (AccountStatus.SUSPENDED, AccountStatus.CLOSED):
            raise InvalidInput(fields={"account": [_("Only an account in service can be suspended.")]})
        account.status_before_suspension = account.status
        account.status = AccountStatus.SUSPENDED
        account.suspended_at = timezone.now()
        account.suspended_reason = reason
        account.save(update_fields=["status", "status_before_suspension", "suspended_at", "suspended_reason"])
        _audit(operator=operator, action="account.suspend", account=account, reason=reason)
    account_selectors.forget_cached_accounts()
    return account


def resume_account(*, operator: User, account: Account, reason: str) -> Account:
    _require(perms.can_suspend_accounts, operator)
    reason = _reason(reason)
    with transaction.atomic():
        account = _account_writable(account)
        if account.status != AccountStatus.SUSPENDED:
            raise InvalidInput(fields={"account": [_("This account is not suspended.")]})
        account.status = account.status_before_suspension or AccountStatus.ACTIVE
        account.status_before_suspension = ""
        account.suspended_at = None
        account.suspended_reason = ""
        account.save(update_fields=["status", "status_before_suspension", "suspended_at", "suspended_reason"])
        _audit(
            operator=operator,
            action="account.resume",
            account=account,
            reason=reason,
            details={"status": account.status},
        )
    account_selectors.forget_cached_accounts()
    return account


def close_account(*, operator: User, account: Account, reason: str) -> Account:
    _require(perms.can_close_accounts, operator)
    reason = _reason(reason)
    with transaction.atomic():
        if account.status == AccountStatus.CLOSED:
            raise InvalidInput(fields={"account": [_("This account is already closed.")]})
        account = close_account_in_registry(account=account, reason=reason)
        _audit(operator=operator, action="account.close", account=account, reason=reason)
    return account


# ---------------------------------------------------------------------------- federation
def replay_parked_message(
    *, operator: User, account: Account, direction: str, message_id, reason: str
) -> dict:
    """Retry one of the account's parked federation messages (after its cause is fixed), through
    the same federation service the account's admins use; audited with the outcome."""
    from federation.services import replay_in_account

    _require(perms.can_replay_federation, operator)
    reason = _reason(reason)
    if account.is_public:
        raise InvalidInput(fields={"account": [_("The platform itself cannot be changed here.")]})
    with transaction.atomic():
        result = replay_in_account(account=account, direction=direction, message_id=message_id)
        _audit(
            operator=operator,
            action="federation.replay",
            account=account,
            reason=reason,
            details={k: str(v) for k, v in result.items()},
        )
    return result


# ---------------------------------------------------------------------------- impersonation
@dataclass(frozen=True)
class Handoff:
    impersonation: Impersonation
    token: str
    url: str


def _record_in_account(account: Account, **entry) -> None:
    """Write to the account's own audit log (its schema), from the control plane."""
    from tenant_apps.audit.services import record

    with schema_context(account.schema_name):
        record(**entry)


def start_impersonation(
    *, operator: User, account: Account, reason: str, person_email: str = "", minutes: int = 30
) -> Handoff:
    """Grant `operator` a session in `account` as `person_email` (default: an account admin) for
    `minutes`; return the single-use handoff the browser takes to the account host."""
    _require(perms.can_impersonate, operator)
    reason = _reason(reason)
    errors: dict[str, list[str]] = {}
    if not isinstance(minutes, int) or not 1 <= minutes <= IMPERSONATION_MINUTES_MAX:
        errors["minutes"] = [_("From 1 to %(max)d minutes.") % {"max": IMPERSONATION_MINUTES_MAX}]
    if account.is_public or account.status == AccountStatus.CLOSED or account.ready_at is None:
        errors["account"] = [_("Only an account in service can be opened.")]
    if errors:
        raise InvalidInput(fields=errors)
    with schema_context(account.schema_name):
        people = User.objects.filter(is_active=True, blocked_at__isnull=True)
        if person_email.strip():
            person = people.filter(email=normalize_email(person_email)).first()
        else:
            person = people.filter(role=Role.ACCOUNT_ADMIN).order_by("pk").first()
        if person is not None and person.access_expired:
            person = None
    if person is None:
        raise InvalidInput(fields={"person_email": [_("No active person with this e-mail in the account.")]})
    now = timezone.now()
    with transaction.atomic():
        grant = Impersonation.objects.create(
            operator=operator,
            operator_email=operator.email,
            account=account,
            person_id=person.pk,
            person_email=person.email,
            reason=reason,
            handoff_expires_at=now + dt.timedelta(seconds=HANDOFF_SECONDS),
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        details = {
            "impersonation": grant.pk,
            "person": person.email,
            "until": grant.expires_at.isoformat(),
        }
        _audit(
            operator=operator, action="impersonation.start", account=account, reason=reason, details=details
        )
        _record_in_account(
            account,
            actor_kind="operator",
            actor=operator.email,
            action="impersonation.granted",
            reason=reason,
            details=details,
        )
    token = signing.dumps({"i": grant.pk, "a": account.pk}, salt=HANDOFF_SALT)
    host = account_selectors.primary_host(account.slug)
    port = "" if settings.PUBLIC_PORT in (80, 443) else f":{settings.PUBLIC_PORT}"
    return Handoff(grant, token, f"http://{host}{port}/api/v1/auth/impersonation/")


def end_impersonation(*, operator: User, impersonation: Impersonation, reason: str = "") -> Impersonation:
    _require(perms.can_impersonate, operator)
    with transaction.atomic():
        grant = Impersonation.objects.select_for_update().get(pk=impersonation.pk)
        if grant.ended_at is None:
            grant.ended_at = timezone.now()
            grant.save(update_fields=["ended_at"])
            _audit(
                operator=operator,
                action="impersonation.end",
                account=grant.account,
                reason=reason,
                details={"impersonation": grant.pk},
            )
    return grant
