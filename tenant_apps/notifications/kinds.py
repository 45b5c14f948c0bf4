"""Every kind of notification, declared once: its channels and its ru/en templates.

A template is a function of the context that returns (subject, text); it runs inside
`translation.override(<the recipient's language>)`, so its gettext strings come out in Russian or
English (translations in locale/ru). The context always holds `name` (the recipient's full name)
and `account` (how the account calls itself to this recipient: its name for agents, its portal's
name for the portal's people) unless the caller gave its own `account`. The HTML part of every mail
is the account's branded frame around the text (tenant_apps.branding.mail).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

IN_APP = "in_app"
EMAIL = "email"
TELEGRAM = "telegram"  # declared for the rules; delivered once intake links a person's chat
CHANNELS = (IN_APP, EMAIL)  # the channels delivered today

Template = Callable[[dict], tuple[str, str]]


@dataclass(frozen=True)
class Kind:
    """`configurable`: the account's rules and each person's preferences decide its channels (the
    transactional mails, invitations, password resets, billing, are not: they always go, now).
    `digest`: by default its e-mails wait for the person's digest instead of going one by one."""

    code: str
    channels: tuple[str, ...]
    render: Template
    label: object = ""
    configurable: bool = False
    digest: bool = False


KINDS: dict[str, Kind] = {}


def kind(
    code: str, *channels: str, label=None, configurable: bool = False, digest: bool = False
) -> Callable[[Template], Template]:
    def register(render: Template) -> Template:
        assert code not in KINDS, f"notification kind {code} declared twice"
        KINDS[code] = Kind(
            code=code,
            channels=channels,
            render=render,
            label=label or code,
            configurable=configurable,
            digest=digest,
        )
        return render

    return register


def configurable() -> list[Kind]:
    """The kinds the rules and preferences speak of, in the order the screens list them."""
    return [k for k in KINDS.values() if k.configurable]


def get(code: str) -> Kind:
    try:
        return KINDS[code]
    except KeyError:
        raise LookupError(
            f"unknown notification kind {code!r}: declare it in notifications/kinds.py"
        ) from None


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a mail header: no line breaks


# ---------------------------------------------------------------------------- people
@kind("people.welcome", EMAIL)
def _welcome(c: dict) -> tuple[str, str]:
    return (
        _("Welcome to Atrium: %(account)s") % c,
        _("Hello %(name)s,\n\nyour desk is ready at %(link)s — sign in with %(email)s.\n") % c,
    )


@kind("people.invitation", EMAIL)
def _invitation(c: dict) -> tuple[str, str]:
    return (
        _("You are invited to %(account)s in Atrium") % c,
        _("Hello %(name)s,\n\nset your password to start: %(link)s\n") % c,
    )


@kind("people.password_reset", EMAIL)
def _password_reset(c: dict) -> tuple[str, str]:
    return (
        _("Reset your password for %(account)s in Atrium") % c,
        _(
            "Hello %(name)s,\n\nset a new password here: %(link)s\n\n"
            "If you did not ask for this, ignore this message: your password stays as it is.\n"
        )
        % c,
    )


# ---------------------------------------------------------------------------- announcements
@kind("notices.announcement", EMAIL, label=gettext_lazy("Announcement"), configurable=True)
def _announcement(c: dict) -> tuple[str, str]:
    subject = _one_line(_("%(account)s: %(title)s") % c)
    if c.get("requires_confirmation"):
        closing = _("Please confirm in the portal that you have read it: %(link)s") % c
    else:
        closing = _("It is also in the portal: %(link)s") % c
    opening = _("Hello %(name)s,\n\n%(account)s has published an announcement for %(company)s:\n\n") % c
    return subject, f"{opening}{c['title']}\n\n{c['body']}\n\n{closing}\n"


# ---------------------------------------------------------------------------- approvals
@kind("approvals.overdue", EMAIL, label=gettext_lazy("Approval overdue"), configurable=True)
def _approval_overdue(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Approval overdue: %(key)s %(title)s") % c),
        _("%(name)s, the request %(key)s “%(title)s” waits for your decision since %(since)s.") % c,
    )


@kind("approvals.needed", IN_APP, EMAIL, label=gettext_lazy("Approval needed"), configurable=True)
def _approval_needed(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Approval needed: %(key)s %(title)s") % c),
        _("%(name)s, the request %(key)s “%(title)s” waits for your decision: %(link)s\n") % c,
    )


# ---------------------------------------------------------------------------- billing
@kind("billing.trial_ending", EMAIL)
def _trial_ending(c: dict) -> tuple[str, str]:
    return (
        _("Your Atrium trial for %(account)s ends soon") % c,
        _(
            "Hello,\n\nthe trial of %(account)s ends on %(date)s. To keep working without a "
            "pause, an account admin can choose a plan in Billing.\n"
        )
        % c,
    )


# ---------------------------------------------------------------------------- tickets (the spine)
@kind("ticket.assigned", IN_APP, EMAIL, label=gettext_lazy("Assigned to me"), configurable=True)
def _assigned(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Assigned to you: %(key)s %(title)s") % c),
        _("%(name)s, %(actor)s assigned the request %(key)s “%(title)s” to you: %(link)s\n") % c,
    )


@kind("ticket.replied", IN_APP, EMAIL, label=gettext_lazy("Public reply on my request"), configurable=True)
def _replied(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("New reply on your request %(key)s %(title)s") % c),
        _("%(name)s, %(actor)s replied on your request %(key)s “%(title)s”:\n\n%(text)s\n\n%(link)s\n") % c,
    )


@kind("ticket.resolved", IN_APP, EMAIL, label=gettext_lazy("My request resolved"), configurable=True)
def _resolved(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Your request %(key)s is resolved: %(title)s") % c),
        _("%(name)s, your request %(key)s “%(title)s” is resolved. Please check the work: %(link)s\n") % c,
    )


@kind(
    "ticket.new_in_group",
    IN_APP,
    EMAIL,
    label=gettext_lazy("New ticket in my group"),
    configurable=True,
    digest=True,  # low-priority noise: e-mail in the digest unless the account says otherwise
)
def _new_in_group(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("New in %(group)s: %(key)s %(title)s") % c),
        _("%(name)s, a new request %(key)s “%(title)s” is in your group %(group)s: %(link)s\n") % c,
    )


# ---------------------------------------------------------------------------- SLA (the SLA app sends these)
@kind("sla.warning", IN_APP, EMAIL, label=gettext_lazy("SLA warning"), configurable=True)
def _sla_warning(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Due soon: %(key)s %(title)s") % c),
        _("%(name)s, the request %(key)s “%(title)s” is due at %(due)s: %(link)s\n") % c,
    )


@kind("sla.breach", IN_APP, EMAIL, label=gettext_lazy("SLA breach"), configurable=True)
def _sla_breach(c: dict) -> tuple[str, str]:
    return (
        _one_line(_("Overdue: %(key)s %(title)s") % c),
        _("%(name)s, the request %(key)s “%(title)s” was due at %(due)s: %(link)s\n") % c,
    )


# ---------------------------------------------------------------------------- the digest
@kind("digest", EMAIL)
def _digest(c: dict) -> tuple[str, str]:
    lines = "\n".join(f"- {item}" for item in c.get("items", []))
    return (
        _("%(account)s: %(count)s new notifications") % c,
        _("Hello %(name)s,\n\nwhat happened since your last digest:\n\n%(items)s\n") % {**c, "items": lines},
    )
