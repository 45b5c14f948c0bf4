"""Writes about people: creating them, signing them in and out, issuing and revoking tokens."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from knox.models import AuthToken

from atrium.errors import InvalidCredentials, InvalidInput
from atrium.tasks_util import enqueue_for_account

from .models import Role, User, normalize_email


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
    """An expiring API token for mobile and API clients of the current account."""
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
        host = account.get_primary_domain().domain if hasattr(account, "get_primary_domain") else ""
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
