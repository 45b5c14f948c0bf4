"""Reads of announcements shared by the API, the e-mail task and the demo."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from tenant_apps import permissions as perms
from tenant_apps.objects.models import Location
from tenant_apps.people import selectors as people_selectors
from tenant_apps.people.models import Company, CompanyKind, User

from .models import Announcement, Audience, NoticeAttachment, ReadMark, Receipt, State


def addressed_companies(announcement: Announcement) -> QuerySet[Company]:
    """The companies an announcement goes to, resolved now: every active tenant; the selected
    companies that are active; or the active companies leasing the selected premises or anything
    under them (a floor, a building)."""
    companies = people_selectors.companies().filter(is_active=True)  # tenants: a key user attached
    if announcement.audience == Audience.ALL_TENANTS:
        return companies.filter(kind=CompanyKind.TENANT)
    if announcement.audience == Audience.COMPANIES:
        return companies.filter(pk__in=announcement.companies.values("pk"))
    paths = list(announcement.premises.values_list("path", flat=True))
    if not paths:
        return companies.none()
    under = Q()
    for path in paths:
        under |= Q(path__startswith=path)
    leasing = Location.objects.filter(under, company__isnull=False).values("company_id")
    return companies.filter(pk__in=leasing)


def announcements_for(user) -> QuerySet[Announcement]:
    """What the person may see, with what a list row shows: receipt counts for those who manage
    announcements, their own company's confirmation for tenants."""
    queryset = perms.visible_announcements(user, Announcement.objects.select_related("published_by"))
    if perms.can_manage_announcements(user):
        return queryset.annotate(
            receipts_total=Count("receipts", distinct=True),
            receipts_confirmed=Count(
                "receipts", filter=Q(receipts__confirmed_at__isnull=False), distinct=True
            ),
        )
    if perms.is_announcement_reader(user):
        mine = Receipt.objects.filter(announcement_id=OuterRef("pk"), company_id=user.company_id)
        return queryset.annotate(
            my_confirmed_at=Subquery(mine.values("confirmed_at")[:1]),
            my_confirmed_by=Subquery(mine.values("confirmed_by_name")[:1]),
        )
    return queryset


def announcement_for(user, pk: Any) -> Announcement | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        announcements_for(user).prefetch_related("companies", "premises", "attachments").filter(pk=pk).first()
    )


def unconfirmed(user, queryset: QuerySet[Announcement]) -> QuerySet[Announcement]:
    """Published announcements still waiting for a confirmation: of the person's own company for
    tenants, of any addressed company for staff."""
    pending = Receipt.objects.filter(announcement_id=OuterRef("pk"), confirmed_at__isnull=True)
    if perms.is_announcement_reader(user):
        pending = pending.filter(company_id=user.company_id)
    return queryset.filter(Exists(pending), state=State.PUBLISHED, requires_confirmation=True)


def receipts_of(announcement: Announcement) -> list[Receipt]:
    """The receipts with, per company, the people who have opened the announcement."""
    receipts = list(announcement.receipts.all())
    marks: dict[int | None, list[ReadMark]] = {}
    for mark in announcement.read_marks.select_related("person").order_by("read_at", "pk"):
        marks.setdefault(mark.company_id, []).append(mark)
    for receipt in receipts:
        receipt.readers = marks.get(receipt.company_id, []) if receipt.company_id else []
    return receipts


def mail_recipients(announcement: Announcement) -> QuerySet[User]:
    """Active key users and employees of the addressed companies, who can open it in the portal."""
    return (
        User.objects.filter(
            company_id__in=announcement.receipts.filter(company__isnull=False).values("company_id"),
            role__in=perms.ANNOUNCEMENT_READERS,
            is_active=True,
            blocked_at__isnull=True,
        )
        .exclude(access_expires_at__lte=timezone.now())
        .exclude(email="")
        .order_by("pk")
    )


def search(queryset: QuerySet[Announcement], text: str) -> QuerySet[Announcement]:
    """Announcements with the words in their title or text."""
    text = (text or "").strip()[:200]
    return queryset.filter(Q(title__icontains=text) | Q(body__icontains=text)) if text else queryset


def attachments_of(announcement: Announcement) -> QuerySet[NoticeAttachment]:
    return announcement.attachments.all()


def attachment_for_download(user, pk) -> NoticeAttachment | None:
    """An announcement file the person may download, or None."""
    attachment = NoticeAttachment.objects.filter(pk=pk).select_related("announcement").first()
    if attachment is None or not perms.can_download_notice_attachment(user, attachment):
        return None
    return attachment
