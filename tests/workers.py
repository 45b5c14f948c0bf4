"""Per-worker isolation for parallel runs (pytest-xdist), loaded early through `-p tests.workers`
(pyproject.toml's addopts): it runs in every worker process before pytest-django reads the Django
settings, so each worker talks to resources of its own.

- test database: pytest-django suffixes the name with the worker id (`test_atrium_gw0`, ...); the
  live processes a worker starts get that database's URL (tests/conftest.py `_test_database_url`);
- Redis: worker N uses the block of four databases at `ATRIUM_REDIS_DB_OFFSET + 4 * N` (cache,
  broker, results, channel layer), so Celery queues, control pings, channel groups and cache keys
  of one worker are never seen by another;
- mail and media: `ATRIUM_MAIL_DIR/<worker>` and `ATRIUM_MEDIA_ROOT/<worker>`;
- ports: every live process binds a free port chosen by its own worker (`_free_port`).

Without xdist (a single file, `-p no:xdist`, `-n 0`) nothing of this changes.

It also says how the suite is split (`--dist loadgroup`): a file whose tests share a fixture of
ours scoped to the module, class or package runs whole on one worker, others test by test; files
that start processes are scheduled first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

REDIS_DBS_PER_WORKER = 4


def worker_index() -> int | None:
    """0, 1, ... in an xdist worker; None in a plain (or controlling) pytest process."""
    found = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(found.group(1)) if found else None


def _isolate_worker() -> None:
    index = worker_index()
    if index is None or os.environ.get("ATRIUM_TEST_WORKER_ISOLATED") == os.environ["PYTEST_XDIST_WORKER"]:
        return
    name = os.environ["PYTEST_XDIST_WORKER"]
    base = int(os.environ.get("ATRIUM_REDIS_DB_OFFSET", "0"))
    offset = base + REDIS_DBS_PER_WORKER * index
    if offset + REDIS_DBS_PER_WORKER > 64:  # the embedded Redis has 64 databases
        raise RuntimeError(
            f"xdist worker {name} would use Redis databases {offset}..{offset + 3}: fewer workers "
            f"or a lower ATRIUM_REDIS_DB_OFFSET (now {base})"
        )
    os.environ["ATRIUM_REDIS_DB_OFFSET"] = str(offset)
    for variable in ("ATRIUM_MAIL_DIR", "ATRIUM_MEDIA_ROOT"):
        if os.environ.get(variable):
            folder = Path(os.environ[variable]) / name
            folder.mkdir(parents=True, exist_ok=True)
            os.environ[variable] = str(folder)
    os.environ["ATRIUM_TEST_WORKER_ISOLATED"] = name  # once per process, even if imported twice


_isolate_worker()


# ---------------------------------------------------------------------------- how the suite is split
SHARED_SCOPES = {"class", "module", "package"}


def _file_of(item) -> str:
    return item.nodeid.split("::")[0]


def _shares_fixtures(item) -> bool:
    """Whether the test uses a fixture of ours shared by several tests of its file (a module-scoped
    server, accounts provisioned once per module, ...). Plugins' fixtures (baseid "") do not count:
    pytest-django's class-scoped autouse one is in every test."""
    return any(
        definitions[-1].scope in SHARED_SCOPES and definitions[-1].baseid
        for definitions in item._fixtureinfo.name2fixturedefs.values()
    )


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Before every other plugin's hook (xdist's reads the group marks): a file whose tests share
    such a fixture is one xdist group (`--dist loadgroup` keeps a group on one worker, so the fixture
    is set up once); every other test goes to whichever worker is free. A file may name a group
    itself: `pytestmark = pytest.mark.xdist_group("name")`.

    After them, in an xdist worker only (pytest-django has put database tests first): files that
    start processes (`live`, `e2e`) first, then other grouped files, then the rest, so that the long
    ones do not end a parallel run alone. The sort is stable: a file's tests keep their order."""
    grouped = {_file_of(item) for item in items if _shares_fixtures(item)}
    for item in items:
        if _file_of(item) in grouped and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(_file_of(item)))
    result = yield
    if worker_index() is None:  # a serial run keeps the order of old (pytest-django's)
        return result
    _name_groups(config, items)
    slow = {
        _file_of(item) for item in items if item.get_closest_marker("live") or item.get_closest_marker("e2e")
    }
    grouped = {_file_of(item) for item in items if item.get_closest_marker("xdist_group")}

    def rank(item) -> int:
        path = _file_of(item)
        return (0 if path in slow else 2) + (0 if path in grouped else 1)

    items[:] = sorted(items, key=rank)
    return result


def _name_groups(config, items) -> None:
    """xdist's `--dist loadgroup` keeps a group on one worker by the `@<group>` its worker appends
    to each test's nodeid; xdist 3.8 appends it by assigning `item._nodeid`, which pytest 9.2 no
    longer reads (a node's id is `item._id` now), so every test was scheduled alone: a module-scoped
    fixture was set up again on each worker its file's tests went to. Append it here when xdist's
    did not take."""
    from _pytest.nodeid import NodeId

    if not config.getvalue("loadgroup"):
        return
    for item in items:
        names = sorted(
            {
                str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                for m in item.iter_markers("xdist_group")
            }
        )
        if not names or "@" in item.nodeid:
            continue
        old = item._id
        named = NodeId(path=old.path, names=old.names, params=old.params)
        object.__setattr__(named, "_str_cache", f"{old}@{'_'.join(names)}")
        item._id = named
