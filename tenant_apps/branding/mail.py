"""Account mail in the account's colours: the plain text every mail has, and an HTML version
with the portal's name on a band of the primary colour. The text is the message (translated by
the caller, in the recipient's language); the HTML only dresses it."""

from __future__ import annotations

import re

from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape

from . import services

_URL = re.compile(r"https?://[^\s<>\"]+")


def _html(text: str, title: str, colour: str) -> str:
    paragraphs = []
    for block in text.strip().split("\n\n"):
        html = escape(block)
        html = _URL.sub(lambda m: f'<a href="{m.group(0)}" style="color:{colour}">{m.group(0)}</a>', html)
        paragraphs.append(f'<p style="margin:0 0 16px">{html.replace(chr(10), "<br>")}</p>')
    return (
        '<!doctype html><html><body style="margin:0;background:#F3F4F6;'
        'font-family:-apple-system,Segoe UI,Roboto,Arial,sans-serif;color:#111827">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;'
        'background:#FFFFFF;margin:24px 0">'
        f'<tr><td style="background:{colour};color:#FFFFFF;padding:16px 24px;font-size:20px;'
        f'font-weight:600">{escape(title)}</td></tr>'
        f'<tr><td style="padding:24px;font-size:15px;line-height:1.5">{"".join(paragraphs)}</td></tr>'
        "</table></td></tr></table></body></html>"
    )


def send_account_mail(*, subject: str, message: str, recipient_list: list[str]) -> int:
    """Send one mail from the account (inside its schema), text and branded HTML."""
    branding = services.current()
    mail = EmailMultiAlternatives(subject=subject, body=message, to=recipient_list)
    mail.attach_alternative(
        _html(message, services.portal_name(branding), branding.primary_color), "text/html"
    )
    return mail.send()


def portal_name() -> str:
    return services.portal_name()
