"""The account template schema: migrate once, create every account's schema by replaying its DDL.

Running all migrations for each new account costs seconds; django-tenants' PL/pgSQL clone costs
0.8-2 s. Replaying the template's schema-only DDL (captured once with pg_dump) plus copying the few
rows migrations seed (django_migrations, content types, permissions) takes a fraction of that and
happens inside the caller's transaction, so a failed sign-up leaves nothing behind.

The template is keyed by a fingerprint of the tenant apps' migrations on disk. After a deploy that
adds a migration, the fingerprint changes and the template is rebuilt (migrating only what is new)
before it is used again: a stale template is never cloned.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from .models import AccountTemplate

log = logging.getLogger(__name__)

TEMPLATE_LOCK_ID = 0x41545250  # pg advisory lock key for template (re)builds
_SKIP_PREFIXES = (
    "SET ",
    "SELECT pg_catalog.set_config",
    "\\",
    "CREATE SCHEMA",
    "ALTER SCHEMA",
    "COMMENT ON SCHEMA",
)


class TemplateUnavailable(RuntimeError):
    """No usable pg_dump: provisioning falls back to running migrations."""


def template_schema() -> str:
    return settings.ATRIUM_TEMPLATE_SCHEMA


def tenant_app_labels() -> set[str]:
    labels = set()
    for app in apps.get_app_configs():
        if app.name in settings.TENANT_APPS:
            labels.add(app.label)
    return labels


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration of the tenant apps on disk: what an up-to-date account schema has applied."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    labels = tenant_app_labels()
    return frozenset(key for key in loader.disk_migrations if key[0] in labels)


def _defaults_source() -> bytes:
    from tenant_apps.desk import defaults

    return Path(defaults.__file__).read_bytes()


@lru_cache(maxsize=1)
def current_fingerprint() -> str:
    """Changes when a tenant migration is added or the default configuration changes."""
    lines = sorted(f"{app}.{name}" for app, name in expected_migrations())
    digest = hashlib.sha256("\n".join(lines).encode())
    digest.update(_defaults_source())
    return digest.hexdigest()


def kind_schema(kind: str) -> str:
    return f"{template_schema()}_{kind}"


# ---------------------------------------------------------------------------- pg_dump
def pg_dump_binary() -> str:
    """The pg_dump to clone the template with (ATRIUM_PG_DUMP, the embedded server's, or PATH's)."""
    explicit = os.environ.get("ATRIUM_PG_DUMP")
    candidates = [explicit] if explicit else []
    with contextlib.suppress(ImportError):
        from pgserver._commands import POSTGRES_BIN_PATH  # the embedded server's own pg_dump

        candidates.append(str(Path(POSTGRES_BIN_PATH) / "pg_dump"))
    candidates.append(shutil.which("pg_dump") or "")
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    raise TemplateUnavailable("pg_dump not found (set ATRIUM_PG_DUMP)")


def _libpq_settings() -> tuple[dict[str, str], dict[str, str]]:
    """Connection parameters of the default database for tools outside Django's connection:
    (psycopg/libpq keyword arguments, environment for pg_dump)."""
    db = settings.DATABASES["default"]
    options = db.get("OPTIONS", {})
    params = {"dbname": db["NAME"]}
    host = options.get("host") or db.get("HOST") or ""
    if host:
        params["host"] = host
    if db.get("PORT"):
        params["port"] = str(db["PORT"])
    if db.get("USER"):
        params["user"] = db["USER"]
    if db.get("PASSWORD"):
        params["password"] = str(db["PASSWORD"])
    if options.get("sslmode"):
        params["sslmode"] = options["sslmode"]
    env = {**os.environ, "PGPASSWORD": params.get("password", "")}
    if "sslmode" in params:
        env["PGSSLMODE"] = params["sslmode"]
    return params, env


def _dump_schema_ddl(schema: str) -> str:
    params, env = _libpq_settings()
    cmd = [
        pg_dump_binary(),
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--no-tablespaces",
        "--no-publications",
        "--no-subscriptions",
        "--no-security-labels",
        f"--schema={schema}",
        f"--dbname={params['dbname']}",
    ]
    for name in ("host", "port", "user"):
        if name in params:
            cmd.append(f"--{'username' if name == 'user' else name}={params[name]}")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise TemplateUnavailable(f"pg_dump failed: {result.stderr.strip()[:500]}")
    kept = [line for line in result.stdout.splitlines() if not line.startswith(_SKIP_PREFIXES)]
    return "\n".join(kept)


# ---------------------------------------------------------------------------- build
@contextlib.contextmanager
def _advisory_lock(key: int):
    """A cluster-wide lock held on a connection of its own: building the template runs
    migrate_schemas, which closes Django's connection (and, pooled, hands the session back), so a
    session lock taken there could outlive the build and block every later one."""
    import psycopg

    params, _env = _libpq_settings()
    with psycopg.connect(**params, autocommit=True) as lock_conn:
        lock_conn.execute("SELECT pg_advisory_lock(%s)", [key])
        try:
            yield
        finally:
            lock_conn.execute("SELECT pg_advisory_unlock(%s)", [key])


def _seeded_tables(schema: str) -> list[dict]:
    """Tables of the migrated template that hold rows, with their identity column if any."""
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT c.relname,
                   (SELECT a.attname FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attidentity IN ('a', 'd') LIMIT 1)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname
            """,
            [schema],
        )
        tables = cur.fetchall()
        seeded = []
        for table, identity in tables:
            cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{schema}"."{table}")')
            if cur.fetchone()[0]:
                seeded.append({"table": table, "identity": identity})
    return seeded


def build_template(fingerprint: str) -> AccountTemplate:
    """Migrate the base template, capture its DDL, then make one schema per account kind holding
    that kind's default configuration (installed through the desk's own services)."""
    from django_tenants.utils import schema_context

    from tenant_apps.desk.defaults import INSTALLERS, install_defaults

    schema = template_schema()
    connection.set_schema_to_public()
    with connection.cursor() as cur:
        cur.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    # Only migrations the template lacks are applied: a rebuild after a deploy is incremental.
    call_command("migrate_schemas", schema_name=schema, interactive=False, verbosity=0, executor="standard")
    connection.set_schema_to_public()
    ddl = _dump_schema_ddl(schema)
    base_rows = _seeded_tables(schema)
    seeded: dict[str, list[dict]] = {}
    for kind in INSTALLERS:
        target = kind_schema(kind)
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(f'DROP SCHEMA IF EXISTS "{target}" CASCADE')
            _replay(ddl, source=schema, target=target, rows=base_rows)
            with schema_context(target):
                install_defaults(kind)
        connection.set_schema_to_public()
        seeded[kind] = _seeded_tables(target)
    template = AccountTemplate.objects.create(fingerprint=fingerprint, ddl=ddl, seeded_tables=seeded)
    AccountTemplate.objects.exclude(pk=template.pk).delete()
    log.info(
        "account template %s built (%d bytes of DDL, kinds: %s)",
        fingerprint[:12],
        len(ddl),
        ", ".join(seeded),
    )
    return template


def ensure_template() -> AccountTemplate:
    """The template matching the code's migrations, rebuilding it first if it is missing or stale."""
    fingerprint = current_fingerprint()
    template = AccountTemplate.objects.filter(fingerprint=fingerprint).first()
    if template is not None:
        return template
    with _advisory_lock(TEMPLATE_LOCK_ID):
        template = AccountTemplate.objects.filter(fingerprint=fingerprint).first()
        return template or build_template(fingerprint)


# ---------------------------------------------------------------------------- clone
_IDENT = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _replay(ddl: str, *, source: str, target: str, rows: list[dict]) -> None:
    if not _IDENT.match(target):
        raise ValueError(f"invalid schema name {target!r}")
    with connection.cursor() as cur:
        cur.execute(f'CREATE SCHEMA "{target}"')
        cur.execute(re.sub(rf"\b{re.escape(template_schema())}\.", f'"{target}".', ddl))
        for entry in rows:
            table, identity = entry["table"], entry["identity"]
            cur.execute(f'INSERT INTO "{target}"."{table}" SELECT * FROM "{source}"."{table}"')
            if identity:
                cur.execute(
                    f"""SELECT setval(pg_get_serial_sequence(%s, %s),
                                      (SELECT COALESCE(MAX("{identity}"), 1) FROM "{target}"."{table}"))""",
                    [f'"{target}"."{table}"', identity],
                )


def clone_template(template: AccountTemplate, schema_name: str, kind: str) -> None:
    """Create `schema_name` as a copy of the template for `kind`, defaults included. Call inside
    the provisioning transaction."""
    _replay(template.ddl, source=kind_schema(kind), target=schema_name, rows=template.seeded_tables[kind])
