"""The seeded plan catalogue (operators edit names and prices afterwards)."""

from __future__ import annotations

from .licensing import Feature
from .models import Plan

ALL = [f.value for f in Feature]
CATALOGUE = [
    {
        "code": "trial",
        "name": "Trial",
        "seats": 10,
        "price": 0,
        "is_trial": True,
        "order": 0,
        "features": [Feature.API, Feature.SLA, Feature.REPORTS, Feature.EMAIL_INTAKE, Feature.FEDERATION],
    },
    {
        "code": "start",
        "name": "Start",
        "seats": 5,
        "price": 15,
        "order": 1,
        "features": [Feature.EMAIL_INTAKE, Feature.REPORTS],
    },
    {
        "code": "business",
        "name": "Business",
        "seats": 20,
        "price": 25,
        "order": 2,
        "features": [
            Feature.EMAIL_INTAKE,
            Feature.REPORTS,
            Feature.API,
            Feature.SLA,
            Feature.TELEGRAM,
            Feature.FEDERATION,
        ],
    },
    {"code": "enterprise", "name": "Enterprise", "seats": 100, "price": 40, "order": 3, "features": ALL},
]


def seed_plans() -> None:
    """Create the catalogue's plans that are missing; existing ones keep the operators' edits."""
    for spec in CATALOGUE:
        Plan.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "seats": spec["seats"],
                "price_per_seat_month": spec["price"],
                "features": [str(f) for f in spec["features"]],
                "is_trial": spec.get("is_trial", False),
                "order": spec["order"],
                "max_storage_mb": 1024 * (spec["order"] + 1),
            },
        )
