"""Writes to the account registry: provisioning (sign-up), closing, dropping closed schemas."""

from __future__ import annotations

import logging
import re
import zoneinfo
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import get_public_schema_name, schema_context, schema_exists
from kernel.errors import InvalidInput

from billing.services import start_trial
from tenant_apps.people.models import Role, User
from tenant_apps.people.services import create_person, password_problems, queue_welcome_email

from . import selectors, spares, template
from .models import Account, AccountKind, AccountStatus, Domain, Language

log = logging.getLogger(__name__)

SLUG_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
SIGNUP_KINDS = {
    AccountKind.MALL_OPERATOR,
    AccountKind.RETAIL_CHAIN,
    AccountKind.CONTRACTOR,
    AccountKind.OTHER,
}


@dataclass(frozen=True)
class Provisioned:
    account: Account
    admin: User
    host: str


def schema_name_for(slug: str) -> str:
    return "a_" + slug.replace("-", "_")


def _validate_signup(
    *, name, slug, kind, admin_name, admin_email, admin_password, language, time_zone
) -> dict:
    errors: dict[str, list[str]] = {}
    required = _("This field is required.")
    if not (name or "").strip():
        errors["name"] = [required]
    elif len(name) > 200:
        errors["name"] = [_("Use at most 200 characters.")]
    slug = (slug or "").strip().lower()
    if not slug:
        errors["slug"] = [required]
    elif not (3 <= len(slug) <= 40) or not SLUG_RE.match(slug):
        errors["slug"] = [
            _("Use 3 to 40 lowercase Latin letters, digits and single hyphens, starting with a letter.")
        ]
    elif slug in settings.RESERVED_SLUGS:
        errors["slug"] = [_("This address is reserved. Choose another one.")]
    elif selectors.slug_taken(slug):
        errors["slug"] = [_("This address is already taken.")]
    if kind not in SIGNUP_KINDS:
        errors["kind"] = [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(sorted(SIGNUP_KINDS))}]
    if not (admin_name or "").strip():
        errors["admin_name"] = [required]
    email = (admin_email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        errors["admin_email"] = [_("Enter a valid e-mail address.")]
    if not admin_password:
        errors["admin_password"] = [required]
    else:
        problems = password_problems(admin_password, email=email, full_name=admin_name or "")
        if problems:
            errors["admin_password"] = problems
    if language not in Language.values:
        errors["language"] = [_("Choose one of: %(langs)s.") % {"langs": ", ".join(Language.values)}]
    if time_zone not in zoneinfo.available_timezones():
        errors["time_zone"] = [_("Unknown time zone.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"slug": slug, "email": email}


def provision_account(
    *,
    name: str,
    slug: str,
    kind: str,
    admin_name: str,
    admin_email: str,
    admin_password: str,
    language: str = "en",
    time_zone: str = "UTC",
    method: str = "clone",
    send_welcome: bool = True,
    use_spare: bool = True,
) -> Provisioned:
    """Create an account: its registry row, domain, schema, admin and defaults, all or nothing.

    `method="clone"` (default) renames a spare schema cloned ahead of time into place
    (spares.py; `use_spare=False` skips the pool) or, with none ready, replays the migrated
    template's DDL inside one transaction; if no
    usable template can be had (no pg_dump for this server) it falls back to `"migrations"`, which
    runs every migration and removes the schema again on failure.
    """
    cleaned = _validate_signup(
        name=name,
        slug=slug,
        kind=kind,
        admin_name=admin_name,
        admin_email=admin_email,
        admin_password=admin_password,
        language=language,
        time_zone=time_zone,
    )
    slug = cleaned["slug"]
    connection.set_schema_to_public()
    account_template = None
    if method == "clone":
        try:
            account_template = template.ensure_template()
        except template.TemplateUnavailable as exc:
            log.warning("account template unavailable, provisioning by migrations: %s", exc)
            method = "migrations"
    fields = dict(
        name=name.strip(),
        slug=slug,
        kind=kind,
        language=language,
        time_zone=time_zone,
        schema_name=schema_name_for(slug),
        status=AccountStatus.TRIALING,
    )
    host = selectors.primary_host(slug)
    try:
        if method == "clone":
            with transaction.atomic():
                account = _register(fields, host)
                # a spare cloned ahead of time is renamed into place; the clone is the fallback
                spare = spares.claim(kind, account_template.fingerprint) if use_spare else None
                if spare is not None:
                    spares.adopt(spare, account.schema_name)
                    transaction.on_commit(spares.request_refill)
                else:
                    template.clone_template(account_template, account.schema_name, kind)
                admin = _finish_account(account, admin_name, cleaned["email"], admin_password, send_welcome)
        else:
            with transaction.atomic():
                account = _register(fields, host)
            try:
                account.create_schema(check_if_exists=True, verbosity=0)
                with transaction.atomic():
                    admin = _finish_account(
                        account,
                        admin_name,
                        cleaned["email"],
                        admin_password,
                        send_welcome,
                        install_defaults=True,
                    )
            except Exception:
                _remove_half_made(account)
                raise
    except IntegrityError as exc:
        # A concurrent sign-up won the slug between validation and insert.
        raise InvalidInput(fields={"slug": [_("This address is already taken.")]}) from exc
    finally:
        connection.set_schema_to_public()
    selectors.forget_cached_accounts()
    return Provisioned(account=account, admin=admin, host=host)


def _register(fields: dict, host: str) -> Account:
    """The registry side of a new account: its row, primary domain and trial subscription."""
    account = Account.objects.create(**fields)
    Domain.objects.create(domain=host, tenant=account, is_primary=True)
    start_trial(account=account)
    return account


def _finish_account(
    account: Account,
    admin_name: str,
    email: str,
    password: str,
    send_welcome: bool,
    *,
    install_defaults: bool = False,
) -> User:
    """Admin person (and, when the schema was not cloned from a kind template, the kind's default
    configuration) inside the new schema, the defaults named in the account's language, then the
    readiness mark."""
    with schema_context(account.schema_name):
        if install_defaults:
            from tenant_apps.desk.defaults import install_defaults as install

            install(account.kind)
        from tenant_apps.desk.defaults import localize_defaults

        localize_defaults(account.language)  # the defaults are installed in English
        admin = create_person(
            email=email,
            full_name=admin_name,
            password=password,
            role=Role.ACCOUNT_ADMIN,
            language=account.language,
            validate=False,  # validated with the sign-up form
        )
        if send_welcome:
            queue_welcome_email(user=admin)
    account.ready_at = timezone.now()
    account.save(update_fields=["ready_at"])
    return admin


def _remove_half_made(account: Account) -> None:
    connection.set_schema_to_public()
    with connection.cursor() as cur:
        cur.execute(f'DROP SCHEMA IF EXISTS "{account.schema_name}" CASCADE')
    Domain.objects.filter(tenant=account).delete()
    Account.objects.filter(pk=account.pk).delete()


def close_account(*, account: Account, reason: str) -> Account:
    """Close an account: nobody can sign in or use it any more; its data is kept for the retention
    period (CLOSED_ACCOUNT_RETENTION_DAYS), after which `drop_closed_accounts` removes the schema."""
    if account.schema_name == get_public_schema_name():
        raise InvalidInput(fields={"account": [_("The platform itself cannot be closed.")]})
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_("Say why the account is closed.")]})
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        account.status = AccountStatus.CLOSED
        account.closed_at = account.closed_at or timezone.now()
        account.closed_reason = reason.strip()
        account.save(update_fields=["status", "closed_at", "closed_reason"])
    selectors.forget_cached_accounts()
    return account


def drop_closed_accounts(*, older_than_days: int | None = None, now=None) -> list[str]:
    """Drop the schemas of accounts closed longer ago than the retention period. The registry row
    stays (status closed, with its dates) so the slug is not reused and the history is kept."""
    days = settings.CLOSED_ACCOUNT_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    dropped = []
    due = Account.objects.filter(status=AccountStatus.CLOSED, closed_at__lte=cutoff, ready_at__isnull=False)
    for account in due:
        with transaction.atomic():
            if schema_exists(account.schema_name):
                with connection.cursor() as cur:
                    # fire deferred FK checks first: DROP refuses tables with pending trigger events
                    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    cur.execute(f'DROP SCHEMA "{account.schema_name}" CASCADE')
            Domain.objects.filter(tenant=account).delete()
            Account.objects.filter(pk=account.pk).update(ready_at=None)
        dropped.append(account.slug)
        log.info("dropped schema of closed account %s", account.slug)
    selectors.forget_cached_accounts()
    return dropped


def ensure_public_account() -> Account:
    """The registry row and domain of the public schema itself (platform host)."""
    public = get_public_schema_name()
    account, _created = Account.objects.get_or_create(
        schema_name=public,
        defaults=dict(
            name="Atrium",
            slug="public",
            kind=AccountKind.PLATFORM,
            status=AccountStatus.ACTIVE,
            ready_at=timezone.now(),
        ),
    )
    Domain.objects.get_or_create(
        domain=settings.PLATFORM_DOMAIN, defaults={"tenant": account, "is_primary": True}
    )
    selectors.forget_cached_accounts()
    return account
