"""`platform` must be the standard library's module in the test, web and worker processes.

The repository has a top-level folder named platform/ (a source folder, never a package); if it
ever shadowed the standard library, celery, stripe and twisted would break in odd ways.
"""

from __future__ import annotations

import platform
import sysconfig
from pathlib import Path

import pytest

from atrium.celery import app

ROOT = Path(__file__).resolve().parents[2]


def test_platform_folder_is_not_a_package():
    assert not (ROOT / "platform" / "__init__.py").exists()


def test_test_process_uses_stdlib_platform():
    assert platform.__file__.startswith(sysconfig.get_paths()["stdlib"])
    assert platform.system() == "Linux"


@pytest.mark.live
def test_web_process_uses_stdlib_platform(atrium_server):
    body = atrium_server.request("GET", "atrium.localhost", "/healthz").json()
    assert body == {"status": "ok", "platform_module": "stdlib", "system": platform.system()}


@pytest.mark.live
def test_worker_process_uses_stdlib_platform(celery_worker):
    report = app.send_task("atrium.runtime_report").get(timeout=20)
    assert isinstance(report.pop("db_pid"), int)  # the worker's database session
    assert report == {"system": platform.system(), "stdlib_platform": True, "schema": "public"}
