"""SLA policies are configuration: changing one (its targets, escalations, conditions) bumps the
desk's configuration version (see tenant_apps.desk.configcache), so every process re-reads them."""

from django.db import migrations

TABLES = (
    "sla_slapolicy",
    "sla_slatarget",
    "sla_slaescalation",
    "sla_slapolicy_ticket_types",
    "sla_slapolicy_companies",
    "sla_slapolicy_locations",
)


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0001_initial"),
        ("desk", "0006_config_version"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE TRIGGER desk_config_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION desk_config_bump();",
            f"DROP TRIGGER IF EXISTS desk_config_bump ON {table};",
        )
        for table in TABLES
    ]
