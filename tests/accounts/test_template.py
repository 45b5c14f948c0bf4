"""Provisioning by cloning the template schema must equal provisioning by migrations, and a stale
template is rebuilt before use."""

from __future__ import annotations

import pytest
from django.db import connection

from tenants_shared.accounts import template
from tenants_shared.accounts.migration import pending_schemas
from tenants_shared.accounts.models import AccountTemplate


def describe_schema(schema: str) -> dict[str, set]:
    """Everything that makes a schema what it is: columns, constraints, indexes, sequences, rows seeded."""
    with connection.cursor() as cur:
        cur.execute(
            """SELECT table_name, column_name, data_type, is_nullable, column_default IS NOT NULL, is_identity
                 FROM information_schema.columns WHERE table_schema = %s""",
            [schema],
        )
        columns = set(cur.fetchall())
        cur.execute(
            """SELECT conrelid::regclass::text, conname, contype,
                      regexp_replace(pg_get_constraintdef(oid), %s, '', 'g')
                 FROM pg_constraint WHERE connamespace = %s::regnamespace""",
            [f'"?{schema}"?\\.', schema],
        )
        constraints = {(t.split(".")[-1], n, c, d) for t, n, c, d in cur.fetchall()}
        cur.execute(
            "SELECT tablename, indexname, regexp_replace(indexdef, %s, '', 'g') FROM pg_indexes WHERE schemaname = %s",
            [f'"?{schema}"?\\.', schema],
        )
        indexes = set(cur.fetchall())
        cur.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        migrations = set(cur.fetchall())
        cur.execute(f'SELECT app_label, model FROM "{schema}".django_content_type')
        content_types = set(cur.fetchall())
    return {
        "columns": columns,
        "constraints": constraints,
        "indexes": indexes,
        "migrations": migrations,
        "content_types": content_types,
    }


@pytest.mark.django_db
def test_cloned_schema_is_identical_to_a_migrated_one(make_account):
    cloned = make_account(method="clone").account
    migrated = make_account(method="migrations").account
    connection.set_schema_to_public()
    a, b = describe_schema(cloned.schema_name), describe_schema(migrated.schema_name)
    for key in a:
        assert a[key] == b[key], key
    assert a["migrations"] and a["columns"]


@pytest.mark.django_db
def test_cloned_schema_keeps_working_sequences(make_account):
    from django_tenants.utils import schema_context

    from tenant_apps.people.models import User

    account = make_account().account
    with schema_context(account.schema_name):
        # content types were copied from the template: new ones must not collide with their ids
        from django.contrib.contenttypes.models import ContentType

        created = ContentType.objects.create(app_label="zz", model="probe")
        assert created.pk > max(ContentType.objects.exclude(pk=created.pk).values_list("pk", flat=True))
        assert User.objects.count() == 1


@pytest.mark.django_db
def test_stale_template_is_rebuilt_before_it_is_used(make_account, monkeypatch):
    current = template.current_fingerprint()
    assert AccountTemplate.objects.filter(fingerprint=current).exists()
    # A deploy adds a migration: the fingerprint of the code no longer matches the stored template.
    monkeypatch.setattr(template, "current_fingerprint", lambda: "f" * 64)
    account = make_account().account
    assert AccountTemplate.objects.filter(fingerprint="f" * 64).exists()
    assert not AccountTemplate.objects.filter(fingerprint=current).exists()
    assert account.ready_at is not None


@pytest.mark.django_db
def test_falls_back_to_migrations_when_no_pg_dump(make_account, monkeypatch):
    def no_pg_dump():
        raise template.TemplateUnavailable("pg_dump not found")

    monkeypatch.setattr(template, "current_fingerprint", lambda: "e" * 64)
    monkeypatch.setattr(template, "pg_dump_binary", no_pg_dump)
    account = make_account().account
    assert account.ready_at is not None
    connection.set_schema_to_public()
    applied = describe_schema(account.schema_name)["migrations"]
    assert set(template.expected_migrations()) <= applied


@pytest.mark.django_db
def test_migrate_skips_schemas_that_are_up_to_date(make_account):
    current = make_account().account
    behind = make_account().account
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM \"{behind.schema_name}\".django_migrations WHERE app = 'people'")
        cur.execute('CREATE SCHEMA "a_empty_probe"')
    assert pending_schemas([current.schema_name, behind.schema_name, "a_empty_probe"]) == [
        behind.schema_name,
        "a_empty_probe",
    ]
