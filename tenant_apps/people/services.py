"""Writes about people: creating them, signing them in and out, issuing and revoking tokens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from knox.models import AuthToken

from atrium.errors import InvalidCredentials, InvalidInput
from atrium.tasks_util import enqueue_for_account
from billing import licensing
from billing.licensing import Feature

from .models import AGENT_ROLES, Company, ResponsibilityGroup, Role, User, normalize_email

_access_listeners: list = []


def on_access_changed(listener) -> None:
    """Register `listener(schema_name, person_id)`, called after commit whenever what a person may
    do changes (blocked, unblocked, role, company, groups or access expiry), e.g. to re-check their
    open websockets at once."""
    _access_listeners.append(listener)


def _access_changed(person: User) -> None:
    schema = connection.schema_name

    def notify() -> None:
        for listener in _access_listeners:
            listener(schema, person.pk)

    transaction.on_commit(notify)


def password_problems(password: str, *, email: str = "", full_name: str = "") -> list[str]:
    try:
        validate_password(password, user=User(email=email, full_name=full_name))
    except ValidationError as exc:
        return list(exc.messages)
    return []


def create_person(
    *,
    email: str,
    full_name: str,
    password: str | None,
    role: str = Role.EMPLOYEE,
    language: str = "en",
    validate: bool = True,
) -> User:
    """Add a person to the current account. Raises InvalidInput with field messages."""
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
    return User.objects.create_user(
        email=email, password=password, full_name=full_name.strip(), role=role, language=language
    )


def sign_in(*, request, email: str, password: str) -> User:
    """Start a browser session on the current host's account."""
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise InvalidCredentials()
    login(request, user)
    return user


def sign_out(*, request) -> None:
    logout(request)


def issue_token(*, request, email: str, password: str) -> tuple[User, str, datetime | None]:
    """An expiring API token for mobile and API clients of the current account (plans with API access)."""
    licensing.ensure_feature(Feature.API)
    user = authenticate(request, email=email, password=password)
    if user is None:
        raise InvalidCredentials()
    instance, token = AuthToken.objects.create(user=user)
    return user, token, instance.expiry


def revoke_token(*, token: AuthToken) -> None:
    token.delete()


def revoke_all_tokens(*, user: User) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted


def purge_expired_tokens() -> int:
    deleted, _ = AuthToken.objects.filter(expiry__lt=timezone.now()).delete()
    return deleted


def send_welcome_email(*, user_id: int) -> bool:
    """Tell a new person how to reach their desk; idempotent (records when it was sent)."""
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id, welcome_sent_at__isnull=True).first()
        if user is None:
            return False
        account = connection.tenant
        host = account.get_primary_domain().domain
        send_mail(
            subject=_("Welcome to Atrium: %(account)s") % {"account": account.name},
            message=_("Hello %(name)s,\n\nyour desk is ready at http://%(host)s/ — sign in with %(email)s.\n")
            % {"name": user.full_name, "host": host, "email": user.email},
            from_email=None,
            recipient_list=[user.email],
        )
        user.welcome_sent_at = timezone.now()
        user.save(update_fields=["welcome_sent_at"])
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


def invitation_link(user: User) -> str:
    """A signed, single-use link: it stops working once the password is set (Django's token
    generator hashes the password and last login into it) and after PASSWORD_RESET_TIMEOUT."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    host = connection.tenant.get_primary_domain().domain
    return f"http://{host}/accept-invitation?uid={uid}&token={token}"


@transaction.atomic
def invite_person(
    *,
    email: str = "",
    full_name: str = "",
    role: str = "",
    company: Company | None = None,
    groups: list[int] | None = None,
    access_expires_at: datetime | None = None,
    phone: str = "",
    language: str = "en",
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
    return person


def send_invitation(*, user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True, blocked_at__isnull=True).first()
    if user is None or user.has_usable_password():
        return False
    send_mail(
        subject=_("You are invited to %(account)s in Atrium") % {"account": connection.tenant.name},
        message=_("Hello %(name)s,\n\nset your password to start: %(link)s\n")
        % {
            "name": user.full_name,
            "link": invitation_link(user),
        },
        from_email=None,
        recipient_list=[user.email],
    )
    return True


@transaction.atomic
def accept_invitation(*, uid: str, token: str, password: str) -> User:
    try:
        pk = int(force_str(urlsafe_base64_decode(uid)))
    except (TypeError, ValueError, OverflowError):
        pk = None
    user = User.objects.select_for_update().filter(pk=pk).first() if pk else None
    if user is None or not default_token_generator.check_token(user, token):
        raise InvalidInput(fields={"token": [_("This invitation link is invalid or has expired.")]})
    if user.blocked_at is not None or not user.is_active or user.access_expired:
        raise InvalidInput(fields={"token": [_("This invitation link is invalid or has expired.")]})
    problems = password_problems(password, email=user.email, full_name=user.full_name)
    if problems:
        raise InvalidInput(fields={"password": problems})
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def update_person(*, person: User, changes: dict) -> User:
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
    for name, value in changes.items():
        setattr(person, name, value)
    person.save()
    if groups is not None:
        person.responsibility_groups.set(ResponsibilityGroup.objects.filter(pk__in=groups))
    if person.role not in AGENT_ROLES:
        person.responsibility_groups.clear()
    _access_changed(person)
    return person


@transaction.atomic
def block_person(*, person: User, reason: str, by: User) -> User:
    """Block at once: every later request with the person's session or token is refused, and
    their API tokens are deleted."""
    if person.pk == by.pk:
        raise InvalidInput(fields={"person": [_("You cannot block yourself.")]})
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("Say why.")]})
    person.blocked_at = timezone.now()
    person.blocked_reason = reason.strip()[:300]
    person.save(update_fields=["blocked_at", "blocked_reason"])
    revoke_all_tokens(user=person)
    _access_changed(person)
    return person


@transaction.atomic
def unblock_person(*, person: User) -> User:
    if person.blocked_at is not None and person.is_agent:
        licensing.ensure_seat_for_new_agent()
    person.blocked_at = None
    person.blocked_reason = ""
    person.save(update_fields=["blocked_at", "blocked_reason"])
    _access_changed(person)
    return person


@transaction.atomic
def set_access_expiry(*, person: User, until: datetime | None) -> User:
    if until is not None and until <= timezone.now():
        raise InvalidInput(fields={"until": [_("Choose a moment in the future.")]})
    person.access_expires_at = until
    person.save(update_fields=["access_expires_at"])
    _access_changed(person)
    return person


@transaction.atomic
def save_group(
    *, group: ResponsibilityGroup | None, code: str, name: str, members: list[int] | None
) -> ResponsibilityGroup:
    errors: dict[str, list[str]] = {}
    if ResponsibilityGroup.objects.filter(code=code).exclude(pk=getattr(group, "pk", None)).exists():
        errors["code"] = [_("Another group has this code.")]
    people = list(User.objects.filter(pk__in=members or [], role__in=AGENT_ROLES))
    if members is not None and len(people) != len(set(members)):
        errors["members"] = [_("Only existing agents can be members.")]
    if errors:
        raise InvalidInput(fields=errors)
    group = group or ResponsibilityGroup()
    group.code, group.name = code, name
    group.save()
    if members is not None:
        before = set(group.members.values_list("pk", flat=True))
        group.members.set(people)
        for person in User.objects.filter(pk__in=before ^ {p.pk for p in people}):
            _access_changed(person)
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
    "is_active",
)


@transaction.atomic
def save_company(*, company: Company | None, data: dict) -> Company:
    errors: dict[str, list[str]] = {}
    contacts = data.pop("contacts", None)
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
    company = company or Company()
    for name in COMPANY_FIELDS:
        if name in data:
            setattr(company, name, data[name])
    company.save()
    if contacts is not None:
        company.contacts.all().delete()
        for contact in contacts:
            company.contacts.create(**{k: contact.get(k, "") for k in ("name", "position", "phone", "email")})
    return company


def upsert_company_by_external_id(*, external_id: str, data: dict) -> tuple[Company, bool]:
    """Idempotent import from an accounting system: same external id, same card."""
    existing = Company.objects.filter(external_id=external_id).first()
    return save_company(company=existing, data={**data, "external_id": external_id}), existing is None


def delete_group(*, group: ResponsibilityGroup) -> None:
    if group.tickets.exists():
        raise InvalidInput(fields={"group": [_("Tickets belong to this group; deactivate it instead.")]})
    group.delete()


def delete_company(*, company: Company) -> None:
    if company.tickets.exists() or company.people.exists():
        raise InvalidInput(
            fields={"company": [_("The company has people or tickets; deactivate it instead.")]}
        )
    company.delete()
