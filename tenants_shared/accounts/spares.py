"""Spare account schemas: sign-up without DDL on its path.

Cloning the template (template.py) replays ~140 kB of DDL inside the sign-up's transaction, and
that grows with every table the tenant apps add. Instead, a Celery task (`refill`) keeps a small
pool of spare schemas per account kind, cloned ahead of time from the current template; a sign-up
claims one and renames it into place (`ALTER SCHEMA ... RENAME` only changes the catalogue row:
constant time whatever the schema's size). With the pool empty (or stale) the sign-up clones as
before: the pool only ever makes a sign-up faster.

Rules that keep a spare safe to hand out:
- a spare is registered (its row committed, `ready_at` empty) before its clone starts, and marked
  ready in the clone's own transaction: a filler killed mid-clone leaves a row that is never ready
  (and no schema, the clone rolled back); the next refill removes it;
- a claim takes only a ready spare of the template fingerprint the code expects, with
  `SELECT ... FOR UPDATE SKIP LOCKED`: two concurrent sign-ups never get the same spare, and a
  claim never waits for another; the claim, the rename and the row's deletion happen in the
  sign-up's transaction, so a failed sign-up leaves the spare where it was;
- after a deploy changes the fingerprint, spares of the old one are never claimed; the refill
  drops them and clones new ones.

Spares hold the kind's default configuration and no person: the admin is created at sign-up.
The pool size per kind is `ACCOUNT_SPARE_SCHEMAS` (env `ATRIUM_SPARE_SCHEMAS`; 0 turns it off).
"""

from __future__ import annotations

import contextlib
import logging
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import template
from .models import AccountKind, SpareSchema

log = logging.getLogger(__name__)

POOL_LOCK_ID = 0x41545253  # pg advisory lock key: one filler at a time in the cluster
PREFIX = "spare_"
REFILL_TASK = "accounts.refill_spare_schemas"


def pool_size() -> int:
    return max(0, int(getattr(settings, "ACCOUNT_SPARE_SCHEMAS", 0)))


def pool_kinds() -> list[str]:
    """The kinds people sign up as (services.SIGNUP_KINDS), in a stable order."""
    from .services import SIGNUP_KINDS

    return sorted(str(kind) for kind in SIGNUP_KINDS if kind in AccountKind.values)


# ---------------------------------------------------------------------------- claim (sign-up)
def claim(kind: str, fingerprint: str) -> str | None:
    """A ready spare of `kind` cloned from the template `fingerprint`, taken for the current
    transaction (the caller's sign-up): its row is locked and deleted, its name returned. None when
    the pool has none. Must run inside `transaction.atomic()`."""
    if not connection.in_atomic_block:
        raise RuntimeError("claim a spare inside the sign-up's transaction")
    while True:
        spare = (
            SpareSchema.objects.select_for_update(skip_locked=True)
            .filter(kind=kind, fingerprint=fingerprint, ready_at__isnull=False)
            .order_by("id")
            .first()
        )
        if spare is None:
            return None
        spare.delete()
        if _schema_exists(spare.schema_name):
            return spare.schema_name
        log.warning("spare %s has no schema: dropped from the pool", spare.schema_name)


def adopt(spare_name: str, schema_name: str) -> None:
    """Rename a claimed spare to the account's schema (inside the same transaction as `claim`)."""
    for name in (spare_name, schema_name):
        if not template._IDENT.match(name):
            raise ValueError(f"invalid schema name {name!r}")
    with connection.cursor() as cur:
        cur.execute(f'ALTER SCHEMA "{spare_name}" RENAME TO "{schema_name}"')


def request_refill() -> None:
    """Queue a refill now (after a sign-up took a spare). A broker that is away costs nothing
    here: the beat's periodic refill catches up."""
    if pool_size() == 0:
        return
    from django_tenants.utils import get_public_schema_name
    from kernel.tasks import send_now

    send_now(
        REFILL_TASK, schema_name=get_public_schema_name(), once_key="accounts:spares:refill", once_seconds=60
    )


# ---------------------------------------------------------------------------- refill (worker)
def _schema_exists(name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [name])
        return cur.fetchone()[0]


@contextlib.contextmanager
def _pool_lock():
    """Yields True while this process is the only filler (a lock on a connection of its own, so a
    filler that dies releases it with its session); False when another filler runs."""
    import psycopg

    params, _env = template._libpq_settings()
    with psycopg.connect(**params, autocommit=True) as lock_conn:
        got = lock_conn.execute("SELECT pg_try_advisory_lock(%s)", [POOL_LOCK_ID]).fetchone()[0]
        try:
            yield got
        finally:
            if got:
                lock_conn.execute("SELECT pg_advisory_unlock(%s)", [POOL_LOCK_ID])


def _drop(spare: SpareSchema) -> None:
    with transaction.atomic():
        locked = SpareSchema.objects.select_for_update(skip_locked=True).filter(pk=spare.pk).first()
        if locked is None:
            return  # being claimed right now (or gone)
        with connection.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{locked.schema_name}" CASCADE')
        locked.delete()


def make_spare(account_template, kind: str) -> SpareSchema:
    """Register a spare, then clone it and mark it ready in one transaction."""
    name = f"{PREFIX}{kind}_{uuid.uuid4().hex[:16]}"
    spare = SpareSchema.objects.create(schema_name=name, kind=kind, fingerprint=account_template.fingerprint)
    with transaction.atomic():
        template.clone_template(account_template, name, kind)
        SpareSchema.objects.filter(pk=spare.pk).update(ready_at=timezone.now())
    spare.refresh_from_db()
    return spare


def refill(*, size: int | None = None, kinds: list[str] | None = None) -> dict[str, int] | None:
    """Bring every kind's pool (or those of `kinds`) to `size` ready spares of the current template, after dropping
    spares of another fingerprint and leftovers of fillers that died. None when another filler is
    at work (it does the same). Returns the spares made per kind."""
    size = pool_size() if size is None else size
    connection.set_schema_to_public()
    with _pool_lock() as got:
        if not got:
            return None
        account_template = template.ensure_template()
        # Holding the pool lock, no clone is under way: a row that is not ready is a dead filler's.
        for spare in SpareSchema.objects.exclude(fingerprint=account_template.fingerprint):
            _drop(spare)
        for spare in SpareSchema.objects.filter(ready_at__isnull=True):
            _drop(spare)
        made: dict[str, int] = {}
        for kind in kinds or pool_kinds():
            ready = SpareSchema.objects.filter(kind=kind, fingerprint=account_template.fingerprint).count()
            made[kind] = 0
            for _ in range(max(0, size - ready)):
                make_spare(account_template, kind)
                made[kind] += 1
        if any(made.values()):
            log.info("spare schemas made: %s", made)
        return made


def ready_count(kind: str | None = None, fingerprint: str | None = None) -> int:
    spares = SpareSchema.objects.filter(ready_at__isnull=False)
    if kind is not None:
        spares = spares.filter(kind=kind)
    return spares.filter(fingerprint=fingerprint or template.current_fingerprint()).count()
