"""The account's branding: one row (id 1) in its schema. No row yet means the defaults."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

DEFAULT_PRIMARY = "#1F6FEB"
DEFAULT_ACCENT = "#F59E0B"


def logo_path(instance: Branding, filename: str) -> str:
    """<schema>/branding/<version>/<name>: under the account's own prefix on any storage; served
    only through the branding views, never by its storage name."""
    from django.db import connection

    return f"{connection.schema_name}/branding/{instance.version}/{filename}"


class Branding(models.Model):
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    portal_name = models.CharField(_("portal name"), max_length=100, blank=True)
    welcome_text = models.TextField(_("welcome text"), blank=True, max_length=1000)
    primary_color = models.CharField(_("primary colour"), max_length=7, default=DEFAULT_PRIMARY)
    accent_color = models.CharField(_("accent colour"), max_length=7, default=DEFAULT_ACCENT)
    logo = models.FileField(upload_to=logo_path, max_length=300, blank=True)
    logo_content_type = models.CharField(max_length=50, blank=True)
    # raised by every change: the image URLs carry it, so browsers and caches fetch the new ones
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("branding")
        verbose_name_plural = _("branding")

    def __str__(self) -> str:
        return self.portal_name or "branding"
