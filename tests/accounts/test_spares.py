"""Spare schemas (tenants_shared/accounts/spares.py): a sign-up renames a ready spare of the current
template into place; a stale or half-made spare is never handed out; concurrent sign-ups never
share one; the pool refills."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading

import pytest
from django.db import connection, connections

from billing.plans import seed_plans
from tenants_shared.accounts import services, spares, template
from tenants_shared.accounts.models import Account, SpareSchema
from tests.support.processes import ROOT, child_env, wait_for
from tests.support.worlds import make_mall, provision

KIND = "mall_operator"


def schema_exists(name: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = %s)", [name])
        return cur.fetchone()[0]


def drop_all_spares() -> None:
    connection.set_schema_to_public()
    for spare in SpareSchema.objects.all():
        with connection.cursor() as cur:
            cur.execute(f'DROP SCHEMA IF EXISTS "{spare.schema_name}" CASCADE')
        spare.delete()


@pytest.fixture
def committed_pool(live_db):
    """Committed data (other sessions see it; DDL and its drop in separate transactions)."""
    drop_all_spares()
    yield
    connections.close_all()
    drop_all_spares()


@pytest.fixture
def adopted(monkeypatch) -> list[tuple[str, str]]:
    """(spare, account schema) of every rename a sign-up made."""
    seen: list[tuple[str, str]] = []
    real = spares.adopt

    def recording(spare_name, schema_name):
        seen.append((spare_name, schema_name))
        real(spare_name, schema_name)

    monkeypatch.setattr(spares, "adopt", recording)
    return seen


@pytest.mark.django_db
def test_signup_renames_a_ready_spare_into_place_and_the_account_works(adopted):
    assert spares.refill(size=1, kinds=[KIND]) == {KIND: 1}
    spare = SpareSchema.objects.get(kind=KIND)
    assert spare.ready_at is not None and schema_exists(spare.schema_name)

    mall = make_mall()  # provision_account, then people and locations in the renamed schema
    assert adopted == [(spare.schema_name, mall.account.schema_name)]
    connection.set_schema_to_public()
    assert not schema_exists(spare.schema_name) and schema_exists(mall.account.schema_name)
    assert not SpareSchema.objects.exists()
    assert Account.objects.get(pk=mall.account.pk).ready_at is not None

    # a quick API smoke in the renamed schema: sign in, file a ticket (routing, events), read it back
    response = mall.api(
        "key_user",
        "post",
        "/tickets/",
        {"type": "leak", "title": "Drip", "fields": {"severity": "drip"}, "location": mall.unit.pk},
    )
    assert response.status_code == 201, response.content
    ticket = mall.api("dispatcher", "get", f"/tickets/{response.json()['id']}/")
    assert ticket.status_code == 200, ticket.content
    assert ticket.json()["title"] == "Drip"
    assert mall.api("admin", "get", "/me/").json()["account"]["slug"] == mall.account.slug


def test_spare_of_an_old_fingerprint_is_never_claimed_and_the_refill_replaces_it(committed_pool, adopted):
    spares.refill(size=1, kinds=[KIND])
    old = SpareSchema.objects.get(kind=KIND)
    SpareSchema.objects.filter(pk=old.pk).update(fingerprint="0" * 64)  # cloned before a deploy

    made = provision()
    assert adopted == []  # the sign-up cloned the template instead
    connection.set_schema_to_public()
    assert schema_exists(made.account.schema_name) and schema_exists(old.schema_name)
    from django_tenants.utils import schema_context

    from tenant_apps.people.models import User

    with schema_context(made.account.schema_name):
        assert list(User.objects.values_list("email", flat=True)) == [made.admin.email]

    assert spares.refill(size=1, kinds=[KIND]) == {KIND: 1}
    assert not schema_exists(old.schema_name)
    (fresh,) = SpareSchema.objects.all()
    assert fresh.fingerprint == template.current_fingerprint() and fresh.ready_at is not None


@pytest.mark.django_db
def test_pool_refills_after_claims_and_only_up_to_its_size(adopted):
    assert spares.refill(size=2, kinds=[KIND]) == {KIND: 2}
    assert spares.refill(size=2, kinds=[KIND]) == {KIND: 0}
    provision()
    provision()
    assert len(adopted) == 2 and len({spare for spare, _ in adopted}) == 2
    assert spares.ready_count(KIND) == 0
    provision()  # pool empty: the clone fallback
    assert len(adopted) == 2
    assert spares.refill(size=2, kinds=[KIND]) == {KIND: 2}
    assert spares.ready_count(KIND) == 2


@pytest.mark.django_db
def test_a_claim_queues_a_refill_after_commit_when_the_pool_is_on(
    settings, queued_tasks, django_capture_on_commit_callbacks
):
    settings.ACCOUNT_SPARE_SCHEMAS = 1
    spares.refill(kinds=[KIND])
    with django_capture_on_commit_callbacks(execute=True):
        provision()
    assert [name for name, _schema, _kw in queued_tasks] == [spares.REFILL_TASK]
    assert queued_tasks[0][1] == "public"


def test_a_spare_without_its_schema_is_dropped_not_handed_out(committed_pool, adopted):
    spares.refill(size=1, kinds=[KIND])
    spare = SpareSchema.objects.get()
    with connection.cursor() as cur:
        cur.execute(f'DROP SCHEMA "{spare.schema_name}" CASCADE')
    made = provision()
    assert adopted == [] and schema_exists(made.account.schema_name)
    assert not SpareSchema.objects.exists()


# ---------------------------------------------------------------------------- committed: other sessions
def test_two_concurrent_signups_get_different_spares(committed_pool, adopted, monkeypatch):
    spares.refill(size=2, kinds=[KIND])
    # The plans exist before both sign-ups start: the first sign-up on an empty catalogue seeds it
    # inside its transaction, and the second would wait on those rows instead of on the spare.
    seed_plans()
    # Both sign-ups hold their claim at the same time: the second must skip the first's locked row
    # (with a plain FOR UPDATE it would wait for it, and the barrier would break).
    barrier = threading.Barrier(2, timeout=20)
    real_claim = spares.claim

    def claim_then_wait(kind, fingerprint):
        name = real_claim(kind, fingerprint)
        barrier.wait()
        return name

    monkeypatch.setattr(spares, "claim", claim_then_wait)
    made, failures = [], []

    def sign_up():
        try:
            made.append(provision())
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert len(made) == 2
    assert len(adopted) == 2
    assert adopted[0][0] != adopted[1][0]
    assert {schema for _, schema in adopted} == {m.account.schema_name for m in made}
    connection.set_schema_to_public()
    assert not SpareSchema.objects.exists()
    assert all(schema_exists(m.account.schema_name) for m in made)


KILLED_FILLER = textwrap.dedent(
    """
    import os, sys, time
    sys.path[:0] = [os.path.join(os.getcwd(), "platform"), os.getcwd()]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
    import django
    django.setup()
    from django.db import transaction
    from tenants_shared.accounts import spares, template
    from tenants_shared.accounts.models import SpareSchema

    current = template.ensure_template()
    spare = SpareSchema.objects.create(schema_name=sys.argv[1], kind=sys.argv[2], fingerprint=current.fingerprint)
    with transaction.atomic():
        template.clone_template(current, spare.schema_name, spare.kind)
        print("CLONED", flush=True)  # the DDL ran, the transaction is still open: killed here
        time.sleep(120)
    """
)


def test_a_half_made_spare_killed_mid_clone_is_never_claimed(committed_pool, adopted):
    name = "spare_mall_operator_killedmidclone"
    filler = subprocess.Popen(
        [sys.executable, "-c", KILLED_FILLER, name, KIND],
        env=child_env(),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = filler.stdout.readline()
        while line and "CLONED" not in line:
            line = filler.stdout.readline()
        assert "CLONED" in line, filler.stdout.read()
        assert SpareSchema.objects.filter(schema_name=name, ready_at__isnull=True).exists()
    finally:
        filler.kill()
        filler.wait(10)

    # the clone rolled back with the killed session; the row it registered stays, never ready
    wait_for(lambda: not schema_exists(name))
    made = provision()
    assert adopted == []  # nothing ready to claim: the sign-up cloned
    connection.set_schema_to_public()
    assert schema_exists(made.account.schema_name)
    assert SpareSchema.objects.filter(schema_name=name, ready_at__isnull=True).exists()

    # the next refill removes the leftover and makes a real spare
    assert spares.refill(size=1, kinds=[KIND]) == {KIND: 1}
    assert not SpareSchema.objects.filter(schema_name=name).exists()
    (spare,) = SpareSchema.objects.all()
    assert spare.ready_at is not None and schema_exists(spare.schema_name)
    again = provision()
    assert adopted == [(spare.schema_name, again.account.schema_name)]


def test_the_refill_task_fills_every_kind_to_the_pool_size(committed_pool, settings):
    from tenants_shared.accounts.tasks import refill_spare_schemas

    settings.ACCOUNT_SPARE_SCHEMAS = 1
    made = refill_spare_schemas.run()
    assert made == {kind: 1 for kind in spares.pool_kinds()}
    assert sorted(SpareSchema.objects.values_list("kind", flat=True)) == sorted(spares.pool_kinds())
    assert set(services.SIGNUP_KINDS) == set(spares.pool_kinds())
