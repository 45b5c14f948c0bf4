"""Announcements from the mall's staff to its tenants, with a receipt per addressed company.

An announcement is written as a draft, published once (which fixes its addressees: one `Receipt`
per company, resolved from the audience at that moment) and may later be archived. A tenant's
people confirm it on behalf of their company; the receipt keeps who confirmed and when, which is
what the signed paper letter used to prove.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from kernel.files import StoredFile, storage_path

CTX = "announcement"  # message context: short words here may mean something else elsewhere


class Audience(models.TextChoices):
    ALL_TENANTS = "all_tenants", pgettext_lazy(CTX, "All tenants")
    COMPANIES = "companies", pgettext_lazy(CTX, "Selected companies")
    PREMISES = "premises", pgettext_lazy(CTX, "Selected premises")


class State(models.TextChoices):
    DRAFT = "draft", pgettext_lazy(CTX, "Draft")
    PUBLISHED = "published", pgettext_lazy(CTX, "Published")
    ARCHIVED = "archived", pgettext_lazy(CTX, "Archived")


class Announcement(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    audience = models.CharField(pgettext_lazy(CTX, "audience"), max_length=20, choices=Audience.choices)
    companies = models.ManyToManyField(
        "people.Company", blank=True, related_name="+", verbose_name=_("companies")
    )
    premises = models.ManyToManyField(
        "objects.Location", blank=True, related_name="+", verbose_name=pgettext_lazy(CTX, "premises")
    )
    requires_confirmation = models.BooleanField(pgettext_lazy(CTX, "requires confirmation"), default=True)
    state = models.CharField(
        pgettext_lazy(CTX, "state"), max_length=20, choices=State.choices, default=State.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(pgettext_lazy(CTX, "published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    archived_at = models.DateTimeField(pgettext_lazy(CTX, "archived"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = pgettext_lazy(CTX, "announcement")
        verbose_name_plural = pgettext_lazy(CTX, "announcements")
        ordering = ["-id"]
        indexes = [models.Index(fields=["state", "-id"], name="notices_announcement_state")]

    def __str__(self) -> str:
        return self.title


class Receipt(models.Model):
    """One addressed company of a published announcement, and whether (who, when) it confirmed.

    The company's name is copied at publish time, and the confirming person's name at confirmation,
    so the record stays readable if either is later removed."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    company = models.ForeignKey(
        "people.Company", null=True, on_delete=models.SET_NULL, related_name="announcement_receipts"
    )
    company_name = models.CharField(max_length=200)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_by_name = models.CharField(max_length=150, blank=True)

    class Meta:
        verbose_name = pgettext_lazy(CTX, "receipt")
        verbose_name_plural = pgettext_lazy(CTX, "receipts")
        ordering = ["company_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "company"], name="notices_receipt_one_per_company"
            )
        ]

    def __str__(self) -> str:
        return f"{self.announcement_id}: {self.company_name}"


class ReadMark(models.Model):
    """A person of an addressed company opened the announcement (first time only)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="read_marks")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    company = models.ForeignKey("people.Company", null=True, on_delete=models.SET_NULL, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "person"], name="notices_read_once")]

    def __str__(self) -> str:
        return f"{self.announcement_id} read by {self.person_id}"


class EmailDelivery(models.Model):
    """An announcement was mailed to a person: the task never mails anyone twice."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "person"], name="notices_mail_once")]

    def __str__(self) -> str:
        return f"{self.announcement_id} mailed to {self.person_id}"


def attachment_path(instance: NoticeAttachment, filename: str) -> str:
    """<schema>/announcements/<id>/<random token>/<name> (kernel.files.storage_path); served only
    through the API's access check."""
    return storage_path(instance, filename)


class NoticeAttachment(StoredFile):
    """A file on an announcement; the common fields are kernel.files'."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=400)

    def storage_folder(self) -> str:
        return f"announcements/{self.announcement_id}"
