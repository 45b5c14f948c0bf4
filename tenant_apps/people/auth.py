"""Authentication for account people and operators: e-mail + password, sessions, expiring tokens.

Everything here reads the schema the request's host selected, so credentials, sessions and tokens
of one account are simply absent from every other account's schema.
"""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions

from billing import licensing

from . import attempts
from .models import User, normalize_email


def may_log_in_here(user: User) -> bool:
    """Operators (is_staff) log in on the public host only; account hosts have no operator login."""
    on_public = connection.schema_name == get_public_schema_name()
    if not user.is_active or user.blocked_at is not None or user.access_expired:
        return False
    if on_public:
        return user.is_staff
    account = getattr(connection, "tenant", None)
    return account is None or not hasattr(account, "status") or licensing.may_sign_in(account, user)


class AccountPersonBackend(ModelBackend):
    """E-mail and password of the host's account. Every failure counts towards the lockout of the
    e-mail and of the client address (attempts.py); while either is locked, no password is
    checked at all, the right one included (callers answer 429 first: attempts.ensure_not_locked)."""

    def authenticate(self, request, username=None, password=None, email=None, **kwargs):
        email = normalize_email(email or username or kwargs.get(User.USERNAME_FIELD) or "")
        if not email or password is None:
            return None
        if attempts.lock_wait(request, email):
            return None
        user = User.objects.filter(email=email).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle on e-mails
        elif user.check_password(password) and may_log_in_here(user):
            attempts.record_success(request, email)
            return user
        attempts.record_failure(request, email)
        return None

    def user_can_authenticate(self, user) -> bool:
        return may_log_in_here(user)

    def get_user(self, user_id):
        user = User.objects.filter(pk=user_id).first()
        return user if user is not None and may_log_in_here(user) else None


class TokenAuthentication(KnoxTokenAuthentication):
    """knox tokens (hashed, expiring, per schema); a deactivated person's tokens stop working."""

    def authenticate_credentials(self, token: bytes):
        """knox's check (candidates by key prefix, expired ones dropped, digest compared in constant
        time), with the person's company read in the same query: most answers and every filing by a
        tenant need it."""
        raw = token.decode("utf-8")
        candidates = (
            get_token_model()
            .objects.filter(token_key=raw[: CONSTANTS.TOKEN_KEY_LENGTH])
            .select_related("user__company")
        )
        for auth_token in candidates:
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(raw)
            except (TypeError, binascii.Error):
                break
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(_("Invalid token."))

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        if not may_log_in_here(user):
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, token

    def _cleanup_token(self, auth_token) -> bool:
        """Only this token's own expiry. knox also reads every other token of the person on each
        request to delete the expired ones: the periodic purge_expired_tokens task does that."""
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False
