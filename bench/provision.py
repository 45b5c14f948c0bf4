"""Sign-up cost: provision_account by cloning the template vs by running every migration.

    ./dev bench provision [--count 20]

Each sign-up is the full service call users trigger: validation, schema, admin (with the
production Argon2 password hasher), domain, readiness mark. Prints p50/p95 for both paths and the
ratio. Target (issue 2): clone p95 <= 1 s on the 2-core development machine.
"""

from __future__ import annotations

import argparse
import time

from _setup import percentile, setup_django, summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    setup_django("atrium_bench_provision")

    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from tenants_shared.accounts.services import provision_account
    from tenants_shared.accounts.template import current_fingerprint, ensure_template

    hashes = []
    for _ in range(5):
        t0 = time.perf_counter()
        make_password("Bench-password-2026")
        hashes.append(time.perf_counter() - t0)
    print(
        f"password hasher: {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]} "
        f"({percentile(hashes, 50) * 1000:.0f} ms of each sign-up, by design)"
    )
    started = time.perf_counter()
    ensure_template()
    print(
        f"template build (once per deploy, fingerprint {current_fingerprint()[:12]}): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )

    results: dict[str, list[float]] = {"clone": [], "migrations": []}
    for method in ("clone", "migrations"):
        for i in range(args.count):
            slug = f"bench-{method[0]}-{i:03d}"
            t0 = time.perf_counter()
            provision_account(
                name=f"Bench {i}",
                slug=slug,
                kind="mall_operator",
                admin_name="Bench Admin",
                admin_email=f"admin{i}@bench.example",
                admin_password="Bench-password-2026",
                method=method,
                send_welcome=False,
            )
            results[method].append(time.perf_counter() - t0)

    print(summary("sign-up, template clone", results["clone"]))
    print(summary("sign-up, migrations", results["migrations"]))
    p50 = percentile(results["migrations"], 50) / percentile(results["clone"], 50)
    p95 = percentile(results["migrations"], 95) / percentile(results["clone"], 95)
    print(f"ratio migrations/clone: p50 x{p50:.1f}, p95 x{p95:.1f}")
    target = percentile(results["clone"], 95) <= 1.0
    print(f"target clone p95 <= 1000 ms: {'met' if target else 'NOT met'}")


if __name__ == "__main__":
    main()
