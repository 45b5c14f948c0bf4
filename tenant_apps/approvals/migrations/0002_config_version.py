"""Approval policies are configuration: changing one bumps the desk's configuration version
(see tenant_apps.desk.configcache)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("approvals", "0001_initial"),
        ("desk", "0006_config_version"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE TRIGGER desk_config_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            "ON approvals_approvalpolicy FOR EACH STATEMENT EXECUTE FUNCTION desk_config_bump();",
            "DROP TRIGGER IF EXISTS desk_config_bump ON approvals_approvalpolicy;",
        )
    ]
