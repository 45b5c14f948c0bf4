"""The places and things tickets are about: a tree of locations and the equipment in them."""

from __future__ import annotations

from django.contrib.postgres.indexes import OpClass
from django.db import models
from django.utils.translation import gettext_lazy as _


class LocationKind(models.TextChoices):
    SITE = "site", _("Site")
    BUILDING = "building", _("Building")
    FLOOR = "floor", _("Floor")
    UNIT = "unit", _("Unit / premises")
    STORE = "store", _("Store")
    AREA = "area", _("Area")


class Location(models.Model):
    """A node of the location tree. `path` holds the ids from the root ("/1/4/9/") so ancestors and
    descendants are one indexed lookup each; services keep it right when a node moves."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=50, blank=True)
    path = models.CharField(max_length=500, editable=False, db_index=False)
    company = models.ForeignKey(
        "people.Company",
        verbose_name=_("leased by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="premises",
    )
    area_m2 = models.DecimalField(_("area, m²"), max_digits=10, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["path"]
        indexes = [models.Index(OpClass("path", name="varchar_pattern_ops"), name="objects_location_path")]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class Equipment(models.Model):
    kind = models.CharField(_("kind"), max_length=100)
    name = models.CharField(_("name"), max_length=200)
    model = models.CharField(_("model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    inventory_number = models.CharField(_("inventory number"), max_length=100, blank=True)
    location = models.ForeignKey(
        Location,
        verbose_name=_("location"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("equipment")
        verbose_name_plural = _("equipment")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
