"""The configuration version read by tenant_apps.desk.configcache.

A single-row table holds a random token; a statement-level trigger on every configuration table
replaces it in the same transaction as the change. The trigger function names the table's own schema,
so it works whatever the session's search_path (the account template copies rows across schemas).
"""

from django.db import migrations

# (table, trigger events): the routing rule's round-robin cursor is not configuration
CONFIG_TABLES = [
    ("desk_workflow", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_status", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_transition", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_transition_allowed_groups", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_tickettype", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_formfield", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    ("desk_checklisttemplate", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
    (
        "desk_routingrule",
        'INSERT OR DELETE OR TRUNCATE OR UPDATE OF name, "order", is_active, conditions, actions, stop_processing',
    ),
    ("people_responsibilitygroup", "INSERT OR UPDATE OR DELETE OR TRUNCATE"),
]


def trigger_sql(table: str, events: str) -> str:
    return (
        f"CREATE TRIGGER desk_config_bump AFTER {events} ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION desk_config_bump();"
    )


FORWARD = [
    """
    CREATE TABLE desk_configversion (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        token uuid NOT NULL DEFAULT gen_random_uuid()
    );
    INSERT INTO desk_configversion (id) VALUES (1);
    CREATE FUNCTION desk_config_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        EXECUTE format('UPDATE %I.desk_configversion SET token = gen_random_uuid() WHERE id = 1',
                       TG_TABLE_SCHEMA);
        RETURN NULL;
    END
    $$;
    """,
    *(trigger_sql(table, events) for table, events in CONFIG_TABLES),
]
BACKWARD = [
    *(f"DROP TRIGGER IF EXISTS desk_config_bump ON {table};" for table, _ in CONFIG_TABLES),
    "DROP FUNCTION IF EXISTS desk_config_bump(); DROP TABLE IF EXISTS desk_configversion;",
]


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0005_event_kinds_for_federation"),
        ("people", "0003_session_generation_company_activity"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
