"""A mail backend whose server fails the first FAILURES sends, then works (Django's locmem after)."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.locmem import EmailBackend

FAILURES = {"left": 0, "tried": 0}


class FlakyBackend(EmailBackend):
    def send_messages(self, messages):
        FAILURES["tried"] += 1
        if FAILURES["left"] > 0:
            FAILURES["left"] -= 1
            raise smtplib.SMTPServerDisconnected("the mail server hung up")
        return super().send_messages(messages)
