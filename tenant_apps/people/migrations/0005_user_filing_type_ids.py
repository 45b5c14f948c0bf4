import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_user_blocked_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="filing_type_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.BigIntegerField(), blank=True, editable=False, null=True, size=None
            ),
        ),
    ]
