"""Demo announcements for the mall demo account: two published ones, one of them partly confirmed,
and a draft. Made through the same services staff and tenants use."""

from __future__ import annotations

from tenant_apps.objects.models import Location
from tenant_apps.people.models import Role, User

from .models import Announcement, Audience
from .services import confirm_announcement, publish_announcement, save_announcement

FIRE_DRILL = (
    "Fire drill on Thursday at 10:00",
    "On Thursday at 10:00 the mall holds a fire drill. When the alarm sounds, lead your customers "
    "to the nearest exit and gather at the assembly point by the main car park. The drill lasts "
    "about 20 minutes; shops reopen when the guards give the all-clear.",
)
HOLIDAY_HOURS = (
    "Building A: opening hours over the holidays",
    "From 31 December to 2 January Building A is open from 12:00 to 20:00. Goods move-in is not "
    "possible on those days; plan deliveries for 30 December or 3 January.",
)
PARKING = (
    "Car park resurfacing in spring",
    "The outdoor car park will be resurfaced in April. The schedule follows.",
)


def fill_demo_notices(kind: str) -> None:
    """Call inside the account's schema after the demo desk is filled (companies and premises exist)."""
    if kind != "mall_operator" or Announcement.objects.exists():
        return
    admin = User.objects.filter(role=Role.ACCOUNT_ADMIN).order_by("pk").first()
    shops = list(User.objects.filter(role=Role.KEY_USER, company__isnull=False).order_by("email"))
    if admin is None or not shops:
        return
    drill = save_announcement(
        actor=admin,
        announcement=None,
        data={"title": FIRE_DRILL[0], "body": FIRE_DRILL[1], "audience": Audience.ALL_TENANTS},
    )
    publish_announcement(actor=admin, announcement=drill)
    for shop in shops[: len(shops) * 2 // 3]:  # two thirds have confirmed, the rest have not yet
        confirm_announcement(actor=shop, announcement=drill)

    building_a = Location.objects.filter(kind="building", name="Building A").first()
    if building_a is not None:
        hours = save_announcement(
            actor=admin,
            announcement=None,
            data={
                "title": HOLIDAY_HOURS[0],
                "body": HOLIDAY_HOURS[1],
                "audience": Audience.PREMISES,
                "premises": [building_a.pk],
            },
        )
        publish_announcement(actor=admin, announcement=hours)
    save_announcement(
        actor=admin,
        announcement=None,
        data={"title": PARKING[0], "body": PARKING[1], "audience": Audience.ALL_TENANTS},
    )
