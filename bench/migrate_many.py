"""migrate_schemas over many accounts: standard vs parallel executor, and with up-to-date skipping.

    ./dev bench migrate_many [--accounts 200]

Creates N accounts (template clone), then times a deploy-time `migrate_schemas --tenant` when
nothing is pending, which is the common case: (1) django-tenants' standard executor, (2) its
multiprocessing executor, both visiting every schema, and (3) the multiprocessing executor behind
Atrium's skip of up-to-date schemas (the default of `atrium migrate`).
"""

from __future__ import annotations

import argparse
import io
import os
import time
from contextlib import redirect_stdout

from _setup import setup_django


def timed_migrate(executor: str, skip: bool) -> float:
    from django.core.management import call_command
    from django.db import connection

    os.environ["ATRIUM_MIGRATE_SKIP_CURRENT"] = "1" if skip else "0"
    connection.close()
    started = time.perf_counter()
    with redirect_stdout(io.StringIO()):
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0, executor=executor)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=200)
    args = parser.parse_args()
    setup_django("atrium_bench_migrate")

    from django.conf import settings

    from tenants_shared.accounts.services import provision_account
    from tenants_shared.accounts.template import ensure_template

    ensure_template()
    started = time.perf_counter()
    for i in range(args.accounts):
        provision_account(
            name=f"Many {i}",
            slug=f"many-{i:04d}",
            kind="retail_chain",
            admin_name="Admin",
            admin_email=f"admin{i}@many.example",
            admin_password="Bench-password-2026",
            send_welcome=False,
        )
    print(f"created {args.accounts} accounts in {time.perf_counter() - started:.1f} s")
    processes = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)

    standard = timed_migrate("standard", skip=False)
    parallel = timed_migrate("multiprocessing", skip=False)
    skipping = timed_migrate("multiprocessing", skip=True)
    print(f"migrate_schemas, {args.accounts} up-to-date accounts:")
    print(
        f"  standard executor, every schema          {standard:7.1f} s  ({standard / args.accounts * 1000:.0f} ms/schema)"
    )
    print(
        f"  multiprocessing x{processes}, every schema       {parallel:7.1f} s  (x{standard / parallel:.1f} vs standard)"
    )
    print(
        f"  multiprocessing + skip up-to-date        {skipping:7.1f} s  (x{standard / skipping:.0f} vs standard)"
    )


if __name__ == "__main__":
    main()
