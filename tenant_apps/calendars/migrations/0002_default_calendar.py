"""Every account has a default calendar: 24/7 in the account's time zone (time_zone "" follows
the account). Created here, so the account template carries it and every new account gets it with
the cloned schema; existing accounts get it when they migrate.

Calendars are configuration: a change bumps the desk's configuration version (the trigger of desk
0006), which is what tenant_apps.calendars.selectors keys its per-process cache on."""

from django.db import migrations

TABLES = ("calendars_businesscalendar", "calendars_workinginterval", "calendars_calendaroverride")


def create_default(apps, schema_editor):
    BusinessCalendar = apps.get_model("calendars", "BusinessCalendar")
    if not BusinessCalendar.objects.filter(is_default=True).exists():
        BusinessCalendar.objects.create(name="24/7", time_zone="", is_default=True, is_24x7=True)


class Migration(migrations.Migration):
    dependencies = [
        ("calendars", "0001_initial"),
        ("desk", "0006_config_version"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "CREATE TRIGGER desk_config_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION desk_config_bump();"
                for table in TABLES
            ],
            [f"DROP TRIGGER IF EXISTS desk_config_bump ON {table};" for table in TABLES],
        ),
        migrations.RunPython(create_default, migrations.RunPython.noop),
    ]
