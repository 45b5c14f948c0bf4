"""Reads about people and companies that views and other apps share."""

from __future__ import annotations

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from .models import Company, CompanyKind, Role, User


def people_with_access(queryset: QuerySet | None = None) -> QuerySet:
    """People who may sign in now: active, not blocked, access not lapsed, password set."""
    queryset = User.objects.all() if queryset is None else queryset
    return (
        queryset.filter(is_active=True, blocked_at__isnull=True)
        .filter(Q(access_expires_at__isnull=True) | Q(access_expires_at__gt=timezone.now()))
        .exclude(password__startswith="!")  # Django's mark of an unusable password: invitation pending
    )


def attached_key_users(company_id) -> QuerySet:
    """Key users who make a card active: they accepted their invitation and may sign in now."""
    return people_with_access(User.objects.filter(company_id=company_id, role=Role.KEY_USER))


def companies() -> QuerySet:
    """Companies with `is_active` computed, never stored: a tenant's card is active while at least
    one attached key user exists; contractors, departments and stores are always active."""
    attached = Exists(attached_key_users(OuterRef("pk")))
    return Company.objects.annotate(
        is_active=ExpressionWrapper(~Q(kind=CompanyKind.TENANT) | Q(attached), output_field=BooleanField())
    )


def company_is_active(company: Company) -> bool:
    return companies().filter(pk=company.pk).values_list("is_active", flat=True).first() or False


def team_of(key_user: User) -> QuerySet:
    """The people of the key user's company: what the key user sees and manages."""
    if not key_user.company_id:
        return User.objects.none()
    return User.objects.filter(company_id=key_user.company_id, role__in=(Role.KEY_USER, Role.EMPLOYEE))


def api_tokens(viewer: User) -> QuerySet:
    """The API tokens `viewer` may see: every person's for an account admin, one's own otherwise;
    expired ones are left out (knox deletes them at their next use)."""
    from knox.models import AuthToken

    from tenant_apps import permissions as perms

    tokens = AuthToken.objects.select_related("user").filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )
    if not perms.can_manage_people(viewer):
        tokens = tokens.filter(user=viewer)
    return tokens.order_by("-created", "digest")


def api_token(viewer: User, token_id: str):
    """One token by its public id (the first 16 characters of its digest: never the secret)."""
    if len(token_id) != 16:
        return None
    return api_tokens(viewer).filter(digest__startswith=token_id.lower()).first()
