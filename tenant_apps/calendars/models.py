"""Business calendars of an account: working hours per weekday, days changed by the admin, and
the public holidays of a country imported from the `holidays` package (docs/calendars.md).

Times are wall-clock times of the calendar's zone. An interval's end of 00:00 means 24:00 (the
end of the day): a TimeField cannot hold 24:00, and 00:00 can never end an interval of the same
day otherwise."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class HolidaysCountry(models.TextChoices):
    NONE = "", _("No public holidays")
    RU = "RU", _("Russia (production calendar)")


class OverrideKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKING = "working", _("Working day")
    SHORTENED = "shortened", _("Shortened day")


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=200)
    # "" = the account's own time zone (the default calendar follows it)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True, default="")
    is_default = models.BooleanField(_("default"), default=False)
    is_24x7 = models.BooleanField(_("around the clock"), default=False)
    holidays_country = models.CharField(
        _("public holidays"), max_length=2, blank=True, default="", choices=HolidaysCountry.choices
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-is_default", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="calendars_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingInterval(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="intervals")
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # 0 = Monday ... 6 = Sunday
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))  # 00:00 = 24:00

    class Meta:
        ordering = ["calendar", "weekday", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="calendars_weekday_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.start:%H:%M}-{self.end:%H:%M}"


class CalendarOverride(models.Model):
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="overrides")
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=16, choices=OverrideKind.choices)
    # [["09:00", "13:00"], ...] for working and shortened days ("24:00" as an end); [] for a day off
    intervals = models.JSONField(_("intervals"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="calendars_one_override_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"
