"""Signed, expiring, single-use links: invitations, password resets and the sign-up's sign-in link.

Django's password-reset token generator, with three changes:
- each purpose has its own key salt, so an invitation token is never a reset token and back;
- the account's schema is part of the signed value, so a link of one account is refused on any
  other account's host even where a person with the same id exists there;
- each purpose has its own lifetime (a setting read at check time), and a check says whether a
  link is bad or only too old, so the person can be told to ask for a new one.

Single use comes from the signed value: it holds the password hash and the last sign-in, and both
change once the link has done its work.
"""

from __future__ import annotations

import enum

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import connection
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class LinkCheck(enum.Enum):
    VALID = "valid"
    EXPIRED = "expired"
    INVALID = "invalid"


class AccountLinkTokens(PasswordResetTokenGenerator):
    def __init__(self, *, purpose: str, timeout_setting: str):
        super().__init__()
        self.key_salt = f"atrium.people.tokens.{purpose}"
        self.timeout_setting = timeout_setting

    @property
    def timeout_seconds(self) -> int:
        return int(getattr(settings, self.timeout_setting))

    def _make_hash_value(self, user, timestamp):
        return f"{connection.schema_name}:{super()._make_hash_value(user, timestamp)}"

    def make_token_issued(self, user, *, seconds_ago: int) -> str:
        """A token as it would have been issued that long ago (support tools, tests of expiry)."""
        issued = self._num_seconds(self._now()) - seconds_ago
        return self._make_token_with_timestamp(user, issued, self.secret)

    def examine(self, user, token: str) -> LinkCheck:
        if not (user and token):
            return LinkCheck.INVALID
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return LinkCheck.INVALID
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return LinkCheck.INVALID
        if self._num_seconds(self._now()) - ts > self.timeout_seconds:
            return LinkCheck.EXPIRED
        return LinkCheck.VALID

    def check_token(self, user, token) -> bool:
        return self.examine(user, token) is LinkCheck.VALID


invitation_tokens = AccountLinkTokens(purpose="invitation", timeout_setting="ATRIUM_INVITATION_SECONDS")
password_reset_tokens = AccountLinkTokens(purpose="password_reset", timeout_setting="PASSWORD_RESET_TIMEOUT")
# the link a sign-up answers with: signs the new account's admin in once, without the password
welcome_tokens = AccountLinkTokens(purpose="welcome", timeout_setting="ATRIUM_WELCOME_LINK_SECONDS")
