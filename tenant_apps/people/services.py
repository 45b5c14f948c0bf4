"""Writes about people: creating them, signing them in and out, issuing and revoking tokens."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from kernel.errors import InvalidCredentials, InvalidInput
from kernel.tasks import enqueue_for_account
from knox.models import AuthToken

from billing import licensing
from billing.licensing import Feature
from tenant_apps import permissions as perms
from tenant_apps.audit.services import record_change
from tenant_apps.objects.models import Location

from . import attempts, selectors
from .errors import LinkExpired, LinkInvalid, NotAllowed
from .models import AGENT_ROLES, Company, ResponsibilityGroup, Role, User, normalize_email
from .tokens import AccountLinkTokens, LinkCheck, invitation_tokens, password_reset_tokens, welcome_tokens

_access_listeners: list = []


def on_access_changed(listener) -> None:
    """Register `listener(schema_name, person_id)`, called after commit whenever what a person may
    do changes (blocked, unblocked, role, company, groups or access expiry), e.g. to re-check their
    open websockets at once."""
    _access_listeners.append(listener)


_credential_listeners: list = []


def on_credentials_ended(listener) -> None:
    """Register `listener(schema_name, person_id)`, called after commit whenever some of a
    person's sessions or tokens ended without their access changing (password changed or reset,
    signed out, a token revoked), e.g. to make their open websockets authenticate again."""
    _credential_listeners.append(listener)


def _access_changed(person: User, listeners: list | None = None) -> None:
    schema = connection.schema_name
    listeners = _access_listeners if listeners is None else listeners

    def notify() -> None:
        for listener in listeners:
            listener(schema, person.pk)

    transaction.on_commit(notify)


def _credentials_ended(person: User) -> None:
    _access_changed(person, _credential_listeners)


def password_problems(password: str, *, email: str = "", full_name: str = "") -> list[str]:
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        return list(exc.messages)
    return []


def _ensure(allowed: bool) -> None:
    """The rule the views check too (tenant_apps.permissions), checked again where the write is:
    a caller that is not a view (a task, a script, another service) gets the same answer."""
    if not allowed:
        raise NotAllowed()


def create_person(
    *,
    actor: User | None = None,
    email: str,
    full_name: str,
    password: str | None,
    role: str = Role.EMPLOYEE,
    language: str = "en",
    validate: bool = True,
) -> User:
    """Add a person to the current account. Raises InvalidInput with field messages. `actor`: the
    account admin who adds them (checked, audited); None while the platform sets an account up
    (provisioning, demo data, tests' worlds)."""
    if actor is not None:
        _ensure(perms.can_manage_people(actor))
    email = normalize_email(email)
    errors: dict[str, list[str]] = {}
    if not full_name.strip():
        errors["full_name"] = [_("This field is required.")]
    if User.objects.filter(email=email).exists():
        errors["email"] = [_("A person with this e-mail already exists in this account.")]
    if role not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if validate and password is not None:
        problems = password_problems(password, email=email, full_name=full_name)
        if problems:
            errors["password"] = problems
    if errors:
        raise InvalidInput(fields=errors)
    person = User.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), role=role, language=language
    )
    record_change(actor=actor, action="person.created", target=person, details={"role": role})
    return person


def sign_in(*, request, email: str, password: str) -> User:
    """Start a browser session on the current host's account (429 while the e-mail or the client
    address is locked out: attempts.py)."""
    attempts.ensure_not_locked(request, normalize_email(email))
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise InvalidCredentials()
    login(request, user)
    return user


def sign_out(*, request) -> None:
    """End this browser session; the person's sockets opened with it close (they re-check)."""
    user = getattr(request, "user", None)
    logout(request)
    if user is not None and user.is_authenticated:
        _credentials_ended(user)  # after the session is gone: the sockets' re-check must not find it


def issue_token(*, request, email: str, password: str) -> tuple[User, str, datetime | None]:
    """An expiring API token for mobile and API clients of the current account (plans with API access)."""
    licensing.ensure_feature(Feature.API)
    attempts.ensure_not_locked(request, normalize_email(email))
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise InvalidCredentials()
    instance, token = AuthToken.objects.create(user=user)
    return user, token, instance.expiry


def revoke_token(*, token: AuthToken) -> None:
    token.delete()
    _credentials_ended(token.user)  # sockets opened with this token close


def revoke_all_tokens(*, user: User, keep: AuthToken | None = None) -> int:
    tokens = AuthToken.objects.filter(user=user)
    if keep is not None:
        tokens = tokens.exclude(pk=keep.pk)
    deleted, _ = tokens.delete()
    return deleted


def end_sessions(*, person: User) -> None:
    """End every open browser session of the person: the session hash Django checks on each
    request includes the session generation, so raising it makes every stored hash stale."""
    User.objects.filter(pk=person.pk).update(session_generation=F("session_generation") + 1)
    person.refresh_from_db(fields=["session_generation"])


def end_lapsed_access() -> int:
    """People whose access lapsed by the clock (no one changed anything): their API tokens are
    deleted, their sessions ended and their open sockets told to re-check, once per lapse. Requests
    were refused from the moment it lapsed anyway (may_log_in_here); this makes it final, so
    extending the access later does not bring an old session or token back. Run every minute."""
    from django.core.cache import cache

    now = timezone.now()
    lapsed = User.objects.filter(access_expires_at__lte=now)
    AuthToken.objects.filter(user__in=lapsed).delete()
    ended = 0
    for person in lapsed.filter(access_expires_at__gt=now - timedelta(days=2)).only(
        "pk", "access_expires_at"
    ):
        marker = f"people:lapsed:{person.pk}:{person.access_expires_at.timestamp():.0f}"
        if cache.add(marker, 1, timeout=3 * 24 * 3600):
            end_sessions(person=person)
            _access_changed(person)
            ended += 1
    return ended


def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def send_welcome_email(*, user_id: int) -> bool:
    """Tell a new person how to reach their desk; idempotent (records when it was sent). The record
    is claimed first and the mail sent with no row locked; a failed send clears it for the retry."""
    now = timezone.now()
    if not User.objects.filter(pk=user_id, welcome_sent_at__isnull=True).update(welcome_sent_at=now):
        return False
    user = User.objects.get(pk=user_id)
    try:
        _send(
            person=user,
            kind="people.welcome",
            context={"account": _brand(user), "link": connection.tenant.url("/")},
        )
    except Exception:
        User.objects.filter(pk=user_id, welcome_sent_at=now).update(welcome_sent_at=None)
        raise
    return True


def queue_welcome_email(*, user: User) -> None:
    enqueue_for_account("people.send_welcome_email", schema_name=connection.schema_name, user_id=user.pk)


# ---------------------------------------------------------------------------- people management


def _check_groups(groups: list[int] | None, errors: dict) -> None:
    if groups:
        found = set(ResponsibilityGroup.objects.filter(pk__in=groups).values_list("pk", flat=True))
        if set(groups) - found:
            errors["groups"] = [_("Unknown groups: %(ids)s.") % {"ids": sorted(set(groups) - found)}]


def _check_company_and_role(role: str, company: Company | None, errors: dict) -> None:
    if role in (Role.KEY_USER, Role.EMPLOYEE) and company is None:
        errors["company"] = [_("Key users and employees belong to a company.")]


def _link(user: User, tokens: AccountLinkTokens, page: str) -> str:
    """Agents' links open the workspace (/app/), everyone else's the tenants' portal (/portal/)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = tokens.make_token(user)
    entry = "app" if user.role in AGENT_ROLES else "portal"
    return connection.tenant.url(f"/{entry}/{page}?uid={uid}&token={token}")


def _brand(user: User) -> str:
    """How mail names the account: its portal's name for the portal's people, else its name."""
    from tenant_apps.branding.mail import portal_name

    return connection.tenant.name if user.role in AGENT_ROLES else portal_name()


# People's mails are rendered and sent by the notifications app (the recipient's language, the
# kind's ru/en template, the account's branded frame: tenant_apps/notifications/kinds.py). It sits
# above people, so it installs its sender here in its ready() instead of people importing it.
_person_mail = None


def install_person_mail(sender) -> None:
    global _person_mail
    _person_mail = sender


def _send(*, person: User, kind: str, context: dict) -> None:
    if _person_mail is None:
        raise RuntimeError("tenant_apps.notifications sends people's mail: it is not installed")
    _person_mail(person=person, kind=kind, context=context)


def invitation_link(user: User) -> str:
    """A signed link for this account only; single use (it stops working once a password is set)
    and expiring after ATRIUM_INVITATION_SECONDS (tokens.py)."""
    return _link(user, invitation_tokens, "accept-invitation")


def password_reset_link(user: User) -> str:
    """A signed link for this account only; single use (the new password changes what it signs)
    and expiring after PASSWORD_RESET_TIMEOUT."""
    return _link(user, password_reset_tokens, "reset-password")


def welcome_link_query(user: User) -> str:
    """`uid=...&token=...` of the sign-in link a sign-up answers with (`/app/welcome?...`): for this
    account only, single use (signing in changes the last sign-in it signs), expiring after
    ATRIUM_WELCOME_LINK_SECONDS. It spares the new admin a second password check right after
    choosing the password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"uid={uid}&token={welcome_tokens.make_token(user)}"


@transaction.atomic
def sign_in_with_welcome_link(*, request, uid: str, token: str) -> User:
    """Start a browser session from the sign-up's sign-in link (LinkInvalid once used, on another
    account's host, or for a blocked person; LinkExpired when too old)."""
    user = _person_from_link(uid, token, welcome_tokens, request)
    login(request, user)  # sets last_login: the link is spent
    return user


def _person_from_link(uid: str, token: str, tokens: AccountLinkTokens, request=None) -> User:
    """The person a link names, locked for update; LinkInvalid or LinkExpired otherwise. A forged
    or used link counts as a failed attempt for the person it names and the client address
    (attempts.py); while either is locked, the answer is 429 whatever the link."""
    identity = f"link:{uid}"
    attempts.ensure_not_locked(request, identity)
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        pk = None
    user = User.objects.select_for_update().filter(pk=pk).first() if pk else None
    check = tokens.examine(user, token) if user is not None else LinkCheck.INVALID
    if check is LinkCheck.EXPIRED:
        raise LinkExpired(fields={"token": [str(LinkExpired.default_detail)]})
    if (
        check is not LinkCheck.VALID
        or user.blocked_at is not None
        or not user.is_active
        or user.access_expired
    ):
        attempts.record_failure(request, identity)
        raise LinkInvalid(fields={"token": [str(LinkInvalid.default_detail)]})
    return user


@transaction.atomic
def invite_person(
    *,
    actor: User,
    email: str = "",
    full_name: str = "",
    role: str = "",
    company: Company | None = None,
    groups: list[int] | None = None,
    access_expires_at: datetime | None = None,
    phone: str = "",
    language: str = "en",
) -> User:
    """The account admin invites someone: an invitation mail with a signed, expiring, single-use
    link is queued; the person sets their password from it."""
    _ensure(perms.can_manage_people(actor))
    return _invite(
        actor=actor,
        email=email,
        full_name=full_name,
        role=role,
        company=company,
        groups=groups,
        access_expires_at=access_expires_at,
        phone=phone,
        language=language,
    )


def _invite(
    *,
    actor: User,
    email: str,
    full_name: str,
    role: str,
    company: Company | None,
    groups: list[int] | None = None,
    access_expires_at: datetime | None,
    phone: str,
    language: str,
) -> User:
    errors: dict[str, list[str]] = {
        name: [_("This field is required.")]
        for name, value in (("email", email), ("role", role))
        if not value
    }
    if errors:
        raise InvalidInput(fields=errors)
    _check_company_and_role(role, company, errors)
    _check_groups(groups, errors)
    if access_expires_at is not None and access_expires_at <= timezone.now():
        errors["access_expires_at"] = [_("Choose a moment in the future.")]
    if role in AGENT_ROLES:
        licensing.ensure_seat_for_new_agent()
    try:
        person = create_person(email=email, full_name=full_name, password=None, role=role, language=language)
    except InvalidInput as exc:
        errors.update(exc.fields)
        person = None
    if errors:
        raise InvalidInput(fields=errors)
    person.company, person.phone, person.access_expires_at = company, phone, access_expires_at
    person.invited_at = timezone.now()
    person.save()
    if groups:
        person.responsibility_groups.set(ResponsibilityGroup.objects.filter(pk__in=groups))
    enqueue_for_account("people.send_invitation", schema_name=connection.schema_name, user_id=person.pk)
    if role in AGENT_ROLES:
        _access_changed(person)  # a new agent holds a seat
    record_change(
        actor=actor,
        action="person.invited",
        target=person,
        details={
            "role": role,
            "company": company,
            "groups": sorted(groups or []),
            "access_expires_at": access_expires_at,
        },
    )
    return person


def send_invitation(*, user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True, blocked_at__isnull=True).first()
    if user is None or user.has_usable_password():
        return False
    _send(
        person=user,
        kind="people.invitation",
        context={"account": _brand(user), "link": invitation_link(user)},
    )
    return True


@transaction.atomic
def accept_invitation(*, uid: str, token: str, password: str, request=None) -> User:
    """Set the first password from an invitation link. A key user who accepts attaches to their
    company, which makes its card active (selectors.companies)."""
    user = _person_from_link(uid, token, invitation_tokens, request)
    if user.has_usable_password():
        raise LinkInvalid(fields={"token": [str(LinkInvalid.default_detail)]})
    problems = password_problems(password, email=user.email, full_name=user.full_name)
    if problems:
        raise InvalidInput(fields={"password": problems})
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def resend_invitation(*, actor: User, person: User) -> User:
    """A fresh invitation mail (e.g. after the first link expired); only before it was accepted."""
    _ensure(perms.can_manage_people(actor))
    return _resend(actor=actor, person=person)


def _resend(*, actor: User, person: User) -> User:
    if person.has_usable_password():
        raise InvalidInput(fields={"person": [_("This person has already accepted the invitation.")]})
    if person.blocked_at is not None or not person.is_active:
        raise InvalidInput(fields={"person": [_("This person is blocked.")]})
    person.invited_at = timezone.now()
    person.save(update_fields=["invited_at"])
    enqueue_for_account("people.send_invitation", schema_name=connection.schema_name, user_id=person.pk)
    record_change(actor=actor, action="person.invitation_resent", target=person)
    return person


# ---------------------------------------------------------------------------- passwords


def request_password_reset(*, email: str) -> None:
    """Queue a reset mail if the e-mail names a person who may sign in here; otherwise do nothing.
    The caller answers the same either way, so nobody learns which e-mails exist."""
    person = selectors.people_with_access().filter(email=normalize_email(email)).first()
    if person is not None:
        enqueue_for_account(
            "people.send_password_reset", schema_name=connection.schema_name, user_id=person.pk
        )


def send_password_reset(*, user_id: int) -> bool:
    person = selectors.people_with_access().filter(pk=user_id).first()
    if person is None:
        return False
    _send(
        person=person,
        kind="people.password_reset",
        context={"account": _brand(person), "link": password_reset_link(person)},
    )
    return True


@transaction.atomic
def confirm_password_reset(*, uid: str, token: str, password: str, request=None) -> User:
    """Set a new password from a reset link; every session and API token of the person ends."""
    user = _person_from_link(uid, token, password_reset_tokens, request)
    problems = password_problems(password, email=user.email, full_name=user.full_name)
    if problems:
        raise InvalidInput(fields={"password": problems})
    user.set_password(password)  # a new password hash: every open session's stored hash is stale
    user.save(update_fields=["password"])
    revoke_all_tokens(user=user)
    _credentials_ended(user)  # open sockets re-check their session or token, and close
    return user


@transaction.atomic
def change_password(*, request, user: User, old_password: str, new_password: str) -> User:
    """Change one's own password. Every other session and API token of the person ends; the one
    this request came with (session or token) stays signed in. A wrong current password counts
    towards the lockout of the person's e-mail and the client address, as a failed sign-in does."""
    attempts.ensure_not_locked(request, user.email)
    if not user.check_password(old_password):
        attempts.record_failure(request, user.email)
        raise InvalidInput(fields={"old_password": [_("The current password is not correct.")]})
    problems = password_problems(new_password, email=user.email, full_name=user.full_name)
    if problems:
        raise InvalidInput(fields={"new_password": problems})
    user.set_password(new_password)
    user.save(update_fields=["password"])
    current_token = request.auth if isinstance(request.auth, AuthToken) else None
    revoke_all_tokens(user=user, keep=current_token)
    if current_token is None and hasattr(request, "session"):
        update_session_auth_hash(request, user)  # keep this session, with a fresh key
    # Open sockets re-check the session or token they were opened with: the others' close, and so
    # does this browser's (its session key changed; the web app reconnects after the change).
    _credentials_ended(user)
    return user


@transaction.atomic
def update_own_profile(*, actor: User, full_name: str | None = None, language: str | None = None) -> User:
    """What a person may change about themselves: the name others see and the language the web
    app, e-mails and messages speak to them in."""
    from django.conf import settings

    errors: dict[str, list[str]] = {}
    if full_name is not None and not full_name.strip():
        errors["full_name"] = [_("This field is required.")]
    if language is not None and language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of: %(c)s.") % {"c": ", ".join(dict(settings.LANGUAGES))}]
    if errors:
        raise InvalidInput(fields=errors)
    fields = []
    if full_name is not None:
        actor.full_name, fields = full_name.strip(), [*fields, "full_name"]
    if language is not None:
        actor.language, fields = language, [*fields, "language"]
    if fields:
        actor.save(update_fields=fields)
    return actor


@transaction.atomic
def update_person(*, actor: User, person: User, changes: dict) -> User:
    """The account admin changes someone's card: name, role, company, groups, phone, language,
    access expiry."""
    _ensure(perms.can_manage_people(actor))
    errors: dict[str, list[str]] = {}
    if "role" in changes and changes["role"] not in Role.values:
        errors["role"] = [_("Unknown role.")]
    if "full_name" in changes and not (changes["full_name"] or "").strip():
        errors["full_name"] = [_("This field is required.")]
    role = changes.get("role", person.role)
    company = changes.get("company", person.company)
    _check_company_and_role(role, company, errors)
    _check_groups(changes.get("groups"), errors)
    if errors:
        raise InvalidInput(fields=errors)
    if role in AGENT_ROLES and not person.is_agent and person.blocked_at is None:
        licensing.ensure_seat_for_new_agent()
    groups = changes.pop("groups", None)
    before = {name: getattr(person, name) for name in changes}
    before_groups = sorted(person.responsibility_groups.values_list("pk", flat=True))
    for name, value in changes.items():
        setattr(person, name, value)
    person.save()
    if groups is not None:
        person.responsibility_groups.set(ResponsibilityGroup.objects.filter(pk__in=groups))
    if person.role not in AGENT_ROLES:
        person.responsibility_groups.clear()
    _access_changed(person)
    changed = {
        name: {"from": before[name], "to": value} for name, value in changes.items() if before[name] != value
    }
    after_groups = sorted(person.responsibility_groups.values_list("pk", flat=True))
    if after_groups != before_groups:
        changed["groups"] = {"from": before_groups, "to": after_groups}
    if changed:
        record_change(actor=actor, action="person.changed", target=person, details={"changes": changed})
    return person


@transaction.atomic
def block_person(*, actor: User, person: User, reason: str) -> User:
    """Block at once: every later request with the person's session or token is refused, and
    their API tokens are deleted."""
    _ensure(perms.can_manage_people(actor))
    return _block(actor=actor, person=person, reason=reason)


def _block(*, actor: User, person: User, reason: str) -> User:
    by = actor
    if person.pk == by.pk:
        raise InvalidInput(fields={"person": [_("You cannot block yourself.")]})
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("Say why.")]})
    person.blocked_at = timezone.now()
    person.blocked_reason = reason.strip()[:300]
    person.blocked_by = by
    person.save(update_fields=["blocked_at", "blocked_reason", "blocked_by"])
    revoke_all_tokens(user=person)
    end_sessions(person=person)  # they stay ended after an unblock: the person signs in again
    _access_changed(person)
    record_change(actor=actor, action="person.blocked", target=person, reason=person.blocked_reason)
    return person


@transaction.atomic
def unblock_person(*, actor: User, person: User) -> User:
    _ensure(perms.can_manage_people(actor))
    return _unblock(actor=actor, person=person)


def _unblock(*, actor: User, person: User) -> User:
    was_blocked = person.blocked_at is not None
    if person.blocked_at is not None and person.is_agent:
        licensing.ensure_seat_for_new_agent()
    person.blocked_at = None
    person.blocked_reason = ""
    person.blocked_by = None
    person.save(update_fields=["blocked_at", "blocked_reason", "blocked_by"])
    _access_changed(person)
    if was_blocked:
        record_change(actor=actor, action="person.unblocked", target=person)
    return person


@transaction.atomic
def set_access_expiry(*, actor: User, person: User, until: datetime | None) -> User:
    _ensure(perms.can_manage_people(actor))
    return _set_expiry(actor=actor, person=person, until=until)


def _set_expiry(*, actor: User, person: User, until: datetime | None) -> User:
    if until is not None and until <= timezone.now():
        raise InvalidInput(fields={"until": [_("Choose a moment in the future.")]})
    if person.access_expired:
        # Sessions and tokens were refused while access had lapsed; extending it must not bring
        # them back: the person signs in again.
        revoke_all_tokens(user=person)
        end_sessions(person=person)
    before = person.access_expires_at
    person.access_expires_at = until
    person.save(update_fields=["access_expires_at"])
    _access_changed(person)
    record_change(
        actor=actor, action="person.access_expiry_set", target=person, details={"from": before, "to": until}
    )
    return person


# ---------------------------------------------------------------------------- a key user's team


@transaction.atomic
def invite_employee(
    *,
    key_user: User,
    email: str = "",
    full_name: str = "",
    role: str | None = None,
    company: int | None = None,
    phone: str = "",
    language: str = "en",
    access_expires_at: datetime | None = None,
) -> User:
    """A key user invites an employee of their own company (same signed, expiring, single-use
    link as every invitation). They can never make an agent, a key user, or someone of another
    company: `role` and `company`, when sent, must say exactly that."""
    if not perms.can_manage_team(key_user):
        raise InvalidInput(fields={"person": [_("Only a company's key user manages its employees.")]})
    errors: dict[str, list[str]] = {}
    if role is not None and role != Role.EMPLOYEE:
        errors["role"] = [_("Key users invite employees only.")]
    if company is not None and company != key_user.company_id:
        errors["company"] = [_("Key users invite people of their own company only.")]
    if errors:
        raise InvalidInput(fields=errors)
    return _invite(
        actor=key_user,
        email=email,
        full_name=full_name,
        role=Role.EMPLOYEE,
        company=key_user.company,
        phone=phone,
        language=language,
        access_expires_at=access_expires_at,
    )


@transaction.atomic
def resend_employee_invitation(*, key_user: User, person: User) -> User:
    if not perms.can_manage_team_member(key_user, person):
        raise InvalidInput(fields={"person": [_("Key users manage employees of their own company only.")]})
    return _resend(actor=key_user, person=person)


@transaction.atomic
def remove_employee(*, key_user: User, person: User) -> User:
    """Remove an employee from the key user's company: they are blocked at once (sessions and
    tokens end), stay linked to the company for the history of their tickets, and need no seat."""
    if not perms.can_manage_team_member(key_user, person):
        raise InvalidInput(fields={"person": [_("Key users remove employees of their own company only.")]})
    if person.blocked_at is not None:
        return person
    return _block(
        actor=key_user,
        person=person,
        reason=_("Removed from the company by %(name)s") % {"name": key_user.full_name},
    )


def _check_team_member(key_user: User, person: User) -> None:
    if not perms.can_manage_team_member(key_user, person):
        raise InvalidInput(fields={"person": [_("Key users manage employees of their own company only.")]})


@transaction.atomic
def restore_employee(*, key_user: User, person: User) -> User:
    """Unblock an employee a key user of the same company removed. A block the account's staff
    made (or one whose author is gone) stays theirs to lift."""
    _check_team_member(key_user, person)
    if person.blocked_at is None:
        return person
    author = person.blocked_by
    if author is None or author.company_id != key_user.company_id or author.role != Role.KEY_USER:
        raise InvalidInput(
            fields={"person": [_("The management company blocked this person: ask them to unblock.")]}
        )
    return _unblock(actor=key_user, person=person)


@transaction.atomic
def set_employee_access_expiry(*, key_user: User, person: User, until: datetime | None) -> User:
    """Extend or shorten an employee's access. An employee's access never outlasts the key user's
    own: a key user whose access ends sets dates up to that end, and no open-ended access."""
    _check_team_member(key_user, person)
    limit = key_user.access_expires_at
    if limit is not None and (until is None or until > limit):
        raise InvalidInput(
            fields={
                "until": [
                    _("Your own access ends on %(date)s: choose a moment up to then.")
                    % {"date": timezone.localtime(limit).strftime("%Y-%m-%d %H:%M")}
                ]
            }
        )
    return _set_expiry(actor=key_user, person=person, until=until)


@transaction.atomic
def save_group(
    *, actor: User, group: ResponsibilityGroup | None, code: str, name: str, members: list[int] | None
) -> ResponsibilityGroup:
    """Create or change a responsibility group (the account's configuration: who gets which
    tickets); `members` replaces the set of its agents when sent."""
    _ensure(perms.can_configure_desk(actor))
    errors: dict[str, list[str]] = {}
    if ResponsibilityGroup.objects.filter(code=code).exclude(pk=getattr(group, "pk", None)).exists():
        errors["code"] = [_("Another group has this code.")]
    people = list(User.objects.filter(pk__in=members or [], role__in=AGENT_ROLES))
    if members is not None and len(people) != len(set(members)):
        errors["members"] = [_("Only existing agents can be members.")]
    if errors:
        raise InvalidInput(fields=errors)
    created = group is None
    group = group or ResponsibilityGroup()
    details = {
        "changes": {
            field: {"from": getattr(group, field), "to": value}
            for field, value in (("code", code), ("name", name))
            if not created and getattr(group, field) != value
        }
    }
    group.code, group.name = code, name
    group.save()
    if members is not None:
        before = set(group.members.values_list("pk", flat=True))
        group.members.set(people)
        for person in User.objects.filter(pk__in=before ^ {p.pk for p in people}):
            _access_changed(person)
        after = {p.pk for p in people}
        details["changes"]["members"] = {"added": sorted(after - before), "removed": sorted(before - after)}
    record_change(
        actor=actor, action="group.created" if created else "group.changed", target=group, details=details
    )
    return group


COMPANY_FIELDS = (
    "kind",
    "name",
    "legal_name",
    "brand",
    "external_id",
    "lease_start",
    "lease_end",
    "notes",
)


@transaction.atomic
def save_company(*, actor: User, company: Company | None, data: dict) -> Company:
    """Create or change a card. `contacts` (a list) replaces the card's contacts; `premises` (a list
    of location ids) becomes the set of locations the company leases: a location leased by another
    company moves to this one (the latest lease wins), locations left out are no longer its. `actor`:
    a dispatcher or the account admin (checked, audited); None for the platform (demo data)."""
    if actor is not None:
        _ensure(perms.can_edit_companies(actor))
    errors: dict[str, list[str]] = {}
    data = dict(data)
    contacts = data.pop("contacts", None)
    premises = data.pop("premises", None)
    if premises is not None:
        premises = set(premises)
        unknown = premises - set(Location.objects.filter(pk__in=premises).values_list("pk", flat=True))
        if unknown:
            errors["premises"] = [_("Unknown locations: %(ids)s.") % {"ids": sorted(unknown)}]
    if company is None and not (data.get("name") or "").strip():
        errors["name"] = [_("This field is required.")]
    start, end = (
        data.get("lease_start", getattr(company, "lease_start", None)),
        data.get("lease_end", getattr(company, "lease_end", None)),
    )
    if start and end and end < start:
        errors["lease_end"] = [_("The lease ends before it starts.")]
    ext = data.get("external_id")
    if ext and Company.objects.filter(external_id=ext).exclude(pk=getattr(company, "pk", None)).exists():
        errors["external_id"] = [_("Another company has this external id.")]
    if errors:
        raise InvalidInput(fields=errors)
    created = company is None
    company = company or Company()
    changed = {
        name: {"from": getattr(company, name), "to": data[name]}
        for name in COMPANY_FIELDS
        if name in data and (created or getattr(company, name) != data[name])
    }
    for name in COMPANY_FIELDS:
        if name in data:
            setattr(company, name, data[name])
    company.save()
    if contacts is not None:
        company.contacts.all().delete()
        for contact in contacts:
            company.contacts.create(**{k: contact.get(k, "") for k in ("name", "position", "phone", "email")})
    if premises is not None:
        Location.objects.filter(company=company).exclude(pk__in=premises).update(company=None)
        Location.objects.filter(pk__in=premises).exclude(company=company).update(company=company)
        changed["premises"] = sorted(premises)
    if contacts is not None:
        changed["contacts"] = len(contacts)
    if created or changed:
        record_change(
            actor=actor,
            action="company.created" if created else "company.changed",
            target=company,
            details={"changes": changed},
        )
    return company


@transaction.atomic
def upsert_company_by_external_id(*, actor: User, external_id: str, data: dict) -> tuple[Company, bool]:
    """Idempotent import from an accounting system: same external id, same card. Fields left out
    keep their values; sending the same payload again changes nothing. Two first sends racing
    for one id end with one card: the loser of the unique index updates the winner's card."""
    _ensure(perms.can_edit_companies(actor))
    data = {**data, "external_id": external_id}
    existing = Company.objects.select_for_update().filter(external_id=external_id).first()
    if existing is not None:
        return save_company(actor=actor, company=existing, data=data), False
    try:
        with transaction.atomic():
            return save_company(actor=actor, company=None, data=dict(data)), True
    except IntegrityError:
        existing = Company.objects.select_for_update().get(external_id=external_id)
        return save_company(actor=actor, company=existing, data=data), False


def _group_uses(group: ResponsibilityGroup) -> list[str]:
    """What would silently change if the group were deleted: routing rules that set it (their JSON
    keeps the id), approval policies that name it as approvers or as the group carrying the work
    out, approval steps waiting on it, workflow transitions it may take or that hand tickets to it.
    Models are looked up by name: the desk and approvals apps sit above people."""
    from django.apps import apps

    rule = apps.get_model("desk", "RoutingRule")
    transition = apps.get_model("desk", "Transition")
    policy = apps.get_model("approvals", "ApprovalPolicy")
    step = apps.get_model("approvals", "ApprovalStep")
    uses: list[str] = []
    rules = [r.name for r in rule.objects.filter(actions__group=group.pk).order_by("order", "id")]
    if rules:
        uses.append(_("routing rules %(names)s") % {"names": ", ".join(rules)})
    policies = (
        policy.objects.filter(Q(approver_groups=group) | Q(approved_group=group)).distinct().order_by("id")
    )
    if policies:
        uses.append(_("approval policies %(names)s") % {"names": ", ".join(p.name for p in policies)})
    if step.objects.filter(group=group).exists():
        uses.append(_("approval decisions"))
    transitions = (
        transition.objects.filter(Q(allowed_groups=group) | Q(set_group=group))
        .select_related("workflow")
        .distinct()
        .order_by("id")
    )
    if transitions:
        uses.append(
            _("workflow transitions %(names)s")
            % {"names": ", ".join(f"{t.workflow.name}: {t.name}" for t in transitions)}
        )
    return uses


@transaction.atomic
def delete_group(*, actor: User, group: ResponsibilityGroup) -> None:
    _ensure(perms.can_configure_desk(actor))
    if group.tickets.exists():
        raise InvalidInput(fields={"group": [_("Tickets belong to this group; deactivate it instead.")]})
    used = _group_uses(group)
    if used:
        raise InvalidInput(
            fields={
                "group": [
                    _("The group is still used by: %(uses)s. Change those first.") % {"uses": "; ".join(used)}
                ]
            }
        )
    record_change(actor=actor, action="group.deleted", target=group, details={"code": group.code})
    group.delete()


@transaction.atomic
def delete_company(*, actor: User, company: Company) -> None:
    _ensure(perms.can_edit_companies(actor))
    if company.tickets.exists() or company.people.exists():
        raise InvalidInput(
            fields={"company": [_("The company has people or tickets; deactivate it instead.")]}
        )
    record_change(actor=actor, action="company.deleted", target=company)
    company.delete()
