import django.db.models.deletion
from django.db import migrations, models


def seed(apps, schema_editor):
    from billing.plans import CATALOGUE

    Plan = apps.get_model("billing", "Plan")
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


class Migration(migrations.Migration):
    initial = True
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                (
                    "price_per_seat_month",
                    models.DecimalField(
                        decimal_places=2, default=0, max_digits=10, verbose_name="price per seat a month"
                    ),
                ),
                ("currency", models.CharField(default="EUR", max_length=3, verbose_name="currency")),
                ("seats", models.PositiveIntegerField(default=3, verbose_name="agent seats included")),
                ("features", models.JSONField(blank=True, default=list, verbose_name="features")),
                ("max_storage_mb", models.PositiveIntegerField(default=1024, verbose_name="storage, MB")),
                ("stripe_price_id", models.CharField(blank=True, max_length=100)),
                ("is_trial", models.BooleanField(default=False, verbose_name="trial plan")),
                ("is_active", models.BooleanField(default=True, verbose_name="offered")),
                ("order", models.PositiveSmallIntegerField(default=0)),
            ],
            options={"verbose_name": "plan", "verbose_name_plural": "plans", "ordering": ["order", "id"]},
        ),
        migrations.CreateModel(
            name="Subscription",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("trialing", "Trialing"),
                            ("active", "Active"),
                            ("past_due", "Past due"),
                            ("canceled", "Canceled"),
                        ],
                        default="trialing",
                        max_length=20,
                    ),
                ),
                ("seats_purchased", models.PositiveIntegerField(default=0)),
                ("trial_ends_at", models.DateTimeField(blank=True, null=True)),
                ("payment_failed_at", models.DateTimeField(blank=True, null=True)),
                ("current_period_end", models.DateTimeField(blank=True, null=True)),
                ("seats_override", models.PositiveIntegerField(blank=True, null=True)),
                ("features_override", models.JSONField(blank=True, default=list)),
                ("override_reason", models.CharField(blank=True, max_length=300)),
                ("stripe_customer_id", models.CharField(blank=True, max_length=100)),
                ("stripe_subscription_id", models.CharField(blank=True, max_length=100)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "account",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subscription",
                        to="accounts.account",
                    ),
                ),
                (
                    "plan",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="subscriptions",
                        to="billing.plan",
                    ),
                ),
            ],
            options={"verbose_name": "subscription", "verbose_name_plural": "subscriptions"},
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
