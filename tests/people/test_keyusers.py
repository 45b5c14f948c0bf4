"""Tenant companies and their key users: company cards, invitations, a key user's team, blocking
and access expiry during open sessions, password reset and change, rate limits."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from knox.models import AuthToken
from rest_framework.throttling import SimpleRateThrottle

from tenant_apps.objects.models import Location
from tenant_apps.people import services
from tenant_apps.people.models import Company, User
from tenant_apps.people.tokens import invitation_tokens
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Fresh-lantern-2026"


# ---------------------------------------------------------------------------- helpers
def post(host: str, path: str, body: dict, client: Client | None = None, **headers):
    return (client or Client()).post(
        f"/api/v1{path}", body, content_type="application/json", HTTP_HOST=host, **headers
    )


def run_task(mall, task, **kwargs):
    """Run a mail task's service the way the worker does: in the account's schema."""
    with tenant_context(mall.made.account):
        result = task(**kwargs)
    connection.set_schema_to_public()
    return result


def link_in(message) -> dict[str, str]:
    link = re.search(r"http://\S+", message.body).group(0)
    query = parse_qs(urlsplit(link).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}


def invite(mall, who: str, path: str, body: dict, capture) -> dict:
    """Invite through the API; the invitation mail task is queued after commit (checked), then run."""
    with capture(execute=False) as callbacks:
        response = mall.api(who, "post", path, body)
    assert response.status_code == 201, response.content
    assert callbacks, "the invitation mail was not queued"
    person = response.json()
    sent = len(mail.outbox)
    assert run_task(mall, services.send_invitation, user_id=person["id"])
    assert len(mail.outbox) == sent + 1 and mail.outbox[-1].to == [person["email"]]
    return {**person, "link": link_in(mail.outbox[-1])}


def accept(host: str, link: dict, password: str = NEW_PASSWORD):
    return post(host, "/auth/invitations/accept/", {**link, "password": password})


def sign_in(host: str, email: str, password: str) -> Client:
    client = Client()
    response = post(host, "/auth/session/", {"email": email, "password": password}, client)
    assert response.status_code == 200, response.content
    return client


def token_for(host: str, email: str, password: str = PASSWORD) -> str:
    response = post(host, "/auth/tokens/", {"email": email, "password": password})
    assert response.status_code == 201, response.content
    return response.json()["token"]


def me(host: str, client: Client | None = None, token: str | None = None) -> int:
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"} if token else {}
    return (client or Client()).get("/api/v1/me/", HTTP_HOST=host, **headers).status_code


def card(mall, pk: int) -> dict:
    response = mall.api("dispatcher", "get", f"/companies/{pk}/")
    assert response.status_code == 200, response.content
    return response.json()


# ---------------------------------------------------------------------------- company cards
def test_staff_create_a_full_company_card_with_premises_and_contacts(mall):
    body = {
        "name": "Sport Point",
        "legal_name": "LLC Sport Point",
        "brand": "SP",
        "lease_start": "2026-01-01",
        "lease_end": "2028-12-31",
        "premises": [mall.unit.pk],
        "contacts": [{"name": "Olga", "position": "Director", "phone": "+7 900 1", "email": "o@sp.example"}],
    }
    created = mall.api("dispatcher", "post", "/companies/", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert {k: data[k] for k in ("legal_name", "brand", "lease_start", "lease_end", "premises")} == {
        "legal_name": "LLC Sport Point",
        "brand": "SP",
        "lease_start": "2026-01-01",
        "lease_end": "2028-12-31",
        "premises": [mall.unit.pk],
    }
    assert data["contacts"] == body["contacts"]
    # the unit moved from Coffee Point's lease to this card: the latest lease wins
    with schema_context(mall.schema):
        assert Location.objects.get(pk=mall.unit.pk).company_id == data["id"]
    assert card(mall, mall.company.pk)["premises"] == []
    # premises left out of a later change are no longer the company's
    assert (
        mall.api("dispatcher", "patch", f"/companies/{data['id']}/", {"premises": []}).json()["premises"]
        == []
    )
    with schema_context(mall.schema):
        assert Location.objects.get(pk=mall.unit.pk).company_id is None

    bad = mall.api(
        "admin",
        "post",
        "/companies/",
        {"name": "X", "premises": [999999], "lease_start": "2027-01-01", "lease_end": "2026-01-01"},
    )
    assert bad.status_code == 400 and {"premises", "lease_end"} <= set(bad.json()["fields"])
    # the lease check also holds against the stored start when only the end changes
    partial = mall.api("admin", "patch", f"/companies/{data['id']}/", {"lease_end": "2025-06-01"})
    assert partial.status_code == 400 and "lease_end" in partial.json()["fields"]
    assert card(mall, data["id"])["lease_end"] == "2028-12-31"  # nothing half-written
    # requesters never edit cards
    assert mall.api("key_user", "patch", f"/companies/{mall.company.pk}/", {"brand": "x"}).status_code == 403


def test_external_upsert_is_idempotent_and_sets_premises_and_contacts(mall):
    body = {
        "name": "Book Corner",
        "legal_name": "LLC Book Corner",
        "lease_start": "2026-02-01",
        "lease_end": "2027-01-31",
        "premises": [mall.unit.pk],
        "contacts": [{"name": "Anna", "phone": "+7 901"}, {"name": "Boris", "email": "b@bc.example"}],
    }
    first = mall.api("dispatcher", "put", "/companies/external/ACC-77/", body)
    second = mall.api("dispatcher", "put", "/companies/external/ACC-77/", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json() == second.json()  # same payload twice: same state
    assert first.json()["premises"] == [mall.unit.pk] and first.json()["external_id"] == "ACC-77"
    with schema_context(mall.schema):
        assert Company.objects.filter(external_id="ACC-77").count() == 1
        company = Company.objects.get(external_id="ACC-77")
        assert company.contacts.count() == 2
    connection.set_schema_to_public()
    # a later push replaces the contacts and keeps what it leaves out
    third = mall.api("admin", "put", "/companies/external/ACC-77/", {"contacts": [{"name": "Vera"}]})
    assert third.status_code == 200
    assert [c["name"] for c in third.json()["contacts"]] == ["Vera"]
    assert third.json()["legal_name"] == "LLC Book Corner" and third.json()["premises"] == [mall.unit.pk]
    bad = mall.api(
        "admin",
        "put",
        "/companies/external/ACC-78/",
        {"name": "Y", "lease_start": "2026-05-01", "lease_end": "2026-04-30"},
    )
    assert bad.status_code == 400 and "lease_end" in bad.json()["fields"]
    with schema_context(mall.schema):
        assert not Company.objects.filter(external_id="ACC-78").exists()
    # the id in the URL wins over one in the body
    moved = mall.api("admin", "put", "/companies/external/ACC-79/", {"name": "Z", "external_id": "ACC-77"})
    assert moved.status_code == 201 and moved.json()["external_id"] == "ACC-79"


def test_a_card_is_active_while_it_has_an_attached_key_user(mall, django_capture_on_commit_callbacks):
    company = mall.api("dispatcher", "post", "/companies/", {"name": "Fresh Juice"}).json()
    assert company["is_active"] is False  # no key user yet
    contractor = mall.api("dispatcher", "post", "/companies/", {"name": "Lifts Ltd", "kind": "contractor"})
    assert contractor.json()["is_active"] is True  # only tenants' cards wait for a key user

    invited = invite(
        mall,
        "admin",
        "/people/",
        {
            "email": "boss@juice.example",
            "full_name": "Juice Boss",
            "role": "key_user",
            "company": company["id"],
        },
        django_capture_on_commit_callbacks,
    )
    assert card(mall, company["id"])["is_active"] is False  # invited, not attached yet
    assert card(mall, company["id"])["key_users"] == [invited["id"]]
    assert accept(mall.host, invited["link"]).status_code == 204
    assert card(mall, company["id"])["is_active"] is True  # attached: the card is active
    active_ids = {
        c["id"] for c in mall.api("dispatcher", "get", "/companies/", {"is_active": "true"}).json()["results"]
    }
    inactive_ids = {
        c["id"]
        for c in mall.api("dispatcher", "get", "/companies/", {"is_active": "false"}).json()["results"]
    }
    assert company["id"] in active_ids and company["id"] not in inactive_ids

    # blocking the last key user deactivates the card; unblocking activates it again
    mall.api("admin", "post", f"/people/{invited['id']}/block/", {"reason": "Lease ended"})
    assert card(mall, company["id"])["is_active"] is False
    mall.api("admin", "post", f"/people/{invited['id']}/unblock/", {})
    assert card(mall, company["id"])["is_active"] is True
    # so does a lapsed access date, and making the last key user an employee
    with schema_context(mall.schema):
        User.objects.filter(pk=invited["id"]).update(access_expires_at=timezone.now() - timedelta(minutes=1))
    assert card(mall, company["id"])["is_active"] is False
    with schema_context(mall.schema):
        User.objects.filter(pk=invited["id"]).update(access_expires_at=None)
    assert card(mall, company["id"])["is_active"] is True
    assert mall.api("admin", "patch", f"/people/{invited['id']}/", {"role": "employee"}).status_code == 200
    assert card(mall, company["id"])["is_active"] is False
    # an active card is not writable by hand
    mall.api("admin", "patch", f"/companies/{company['id']}/", {"is_active": True})
    assert card(mall, company["id"])["is_active"] is False


# ---------------------------------------------------------------------------- invitations
def test_invitation_links_expire_are_single_use_and_stay_in_their_account(
    mall, django_capture_on_commit_callbacks
):
    invited = invite(
        mall,
        "admin",
        "/people/",
        {
            "email": "late@shop.example",
            "full_name": "Late Comer",
            "role": "key_user",
            "company": mall.company.pk,
        },
        django_capture_on_commit_callbacks,
    )
    # a link older than its lifetime is refused with its own code
    with schema_context(mall.schema):
        person = User.objects.get(pk=invited["id"])
        old = invitation_tokens.make_token_issued(person, seconds_ago=invitation_tokens.timeout_seconds + 60)
    expired = accept(mall.host, {**invited["link"], "token": old})
    assert expired.status_code == 400 and expired.json()["code"] == "link_expired"
    assert "token" in expired.json()["fields"]

    # the same link on another account's host, where a person with the same id awaits an invitation
    other = make_mall()
    with schema_context(other.schema):
        User.objects.filter(pk=invited["id"]).delete()
        twin = services.create_person(email="twin@other.example", full_name="Twin", password=None)
        User.objects.filter(pk=twin.pk).update(id=invited["id"])
    connection.set_schema_to_public()
    foreign = accept(other.host, invited["link"])
    assert foreign.status_code == 400 and foreign.json()["code"] == "link_invalid"

    weak = accept(mall.host, invited["link"], "12345")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    assert accept(mall.host, invited["link"]).status_code == 204
    reused = accept(mall.host, invited["link"], "Another-lantern-2027")
    assert reused.status_code == 400 and reused.json()["code"] == "link_invalid"
    sign_in(mall.host, "late@shop.example", NEW_PASSWORD)
    # the twin in the other account is untouched: still without a password
    with schema_context(other.schema):
        assert not User.objects.get(pk=invited["id"]).has_usable_password()
    # nothing left to resend once accepted
    resent = mall.api("admin", "post", f"/people/{invited['id']}/resend-invitation/", {})
    assert resent.status_code == 400 and "person" in resent.json()["fields"]


def test_an_expired_invitation_is_sent_again_with_a_new_link(mall, django_capture_on_commit_callbacks):
    invited = invite(
        mall,
        "admin",
        "/people/",
        {"email": "slow@shop.example", "full_name": "Slow", "role": "employee", "company": mall.company.pk},
        django_capture_on_commit_callbacks,
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert mall.api("admin", "post", f"/people/{invited['id']}/resend-invitation/", {}).status_code == 200
    assert callbacks
    assert run_task(mall, services.send_invitation, user_id=invited["id"])
    assert accept(mall.host, link_in(mail.outbox[-1])).status_code == 204
    # a blocked person's invitation is never accepted
    blocked = invite(
        mall,
        "admin",
        "/people/",
        {"email": "gone@shop.example", "full_name": "Gone", "role": "employee", "company": mall.company.pk},
        django_capture_on_commit_callbacks,
    )
    mall.api("admin", "post", f"/people/{blocked['id']}/block/", {"reason": "Changed plans"})
    refused = accept(mall.host, blocked["link"])
    assert refused.status_code == 400 and refused.json()["code"] == "link_invalid"


# ---------------------------------------------------------------------------- a key user's team
def test_key_user_invites_lists_and_removes_their_own_employees(mall, django_capture_on_commit_callbacks):
    invited = invite(
        mall,
        "key_user",
        "/team/",
        {"email": "Barista@Coffee.example", "full_name": "New Barista", "phone": "+7 902"},
        django_capture_on_commit_callbacks,
    )
    assert invited["role"] == "employee" and invited["invitation_accepted"] is False
    with schema_context(mall.schema):
        assert User.objects.get(pk=invited["id"]).company_id == mall.company.pk
    assert accept(mall.host, invited["link"]).status_code == 204
    barista = sign_in(mall.host, "barista@coffee.example", NEW_PASSWORD)
    barista_token = token_for(mall.host, "barista@coffee.example", NEW_PASSWORD)

    team = {p["email"] for p in mall.api("key_user", "get", "/team/").json()["results"]}
    assert team == {
        mall.people["key_user"].email,
        mall.people["employee"].email,
        mall.people["coworker"].email,
        "barista@coffee.example",
    }
    # another company's key user sees and touches none of them
    other_team = {p["email"] for p in mall.api("other_shop", "get", "/team/").json()["results"]}
    assert other_team == {mall.people["other_shop"].email}
    assert mall.api("other_shop", "get", f"/team/{invited['id']}/").status_code == 404
    assert mall.api("other_shop", "delete", f"/team/{invited['id']}/").status_code == 404
    assert mall.api("other_shop", "post", f"/team/{invited['id']}/resend-invitation/", {}).status_code == 404

    # removing blocks at once: the open session and the token stop working
    assert mall.api("key_user", "delete", f"/team/{invited['id']}/").status_code == 204
    assert me(mall.host, barista) in (401, 403)
    assert me(mall.host, token=barista_token) == 401
    with schema_context(mall.schema):
        removed = User.objects.get(pk=invited["id"])
        assert removed.blocked_at is not None and removed.company_id == mall.company.pk
    listed = {p["id"]: p for p in mall.api("key_user", "get", "/team/").json()["results"]}
    assert listed[invited["id"]]["blocked"] is True
    assert mall.api("key_user", "delete", f"/team/{invited['id']}/").status_code == 204  # already removed


def test_key_user_never_makes_agents_key_users_or_people_of_other_companies(mall):
    def team_invite(body):
        return mall.api("key_user", "post", "/team/", {"email": "x@coffee.example", "full_name": "X", **body})

    for body, field in (
        ({"role": "engineer"}, "role"),
        ({"role": "account_admin"}, "role"),
        ({"role": "key_user"}, "role"),
        ({"company": mall.other_company.pk}, "company"),
    ):
        response = team_invite(body)
        assert response.status_code == 400 and field in response.json()["fields"], (body, response.content)
    with schema_context(mall.schema):
        assert not User.objects.filter(email="x@coffee.example").exists()
    # a fellow key user and the key user themself are not theirs to remove
    with schema_context(mall.schema):
        second = services.create_person(
            email="second@coffee.example",
            full_name="Second Key",
            password=PASSWORD,
            role="key_user",
            validate=False,
        )
        User.objects.filter(pk=second.pk).update(company=mall.company)
    for pk in (second.pk, mall.people["key_user"].pk):
        refused = mall.api("key_user", "delete", f"/team/{pk}/")
        assert refused.status_code == 400 and "person" in refused.json()["fields"]
    # agents are not in any team; the people directory and company editing stay the staff's
    assert mall.api("key_user", "get", f"/team/{mall.people['engineer'].pk}/").status_code == 404
    assert mall.api("key_user", "delete", f"/team/{mall.people['engineer'].pk}/").status_code == 404
    assert mall.api("key_user", "get", "/people/").status_code == 403
    assert (
        mall.api(
            "key_user",
            "post",
            "/people/",
            {"email": "y@coffee.example", "full_name": "Y", "role": "engineer"},
        ).status_code
        == 403
    )
    assert (
        mall.api(
            "key_user", "patch", f"/people/{mall.people['employee'].pk}/", {"role": "dispatcher"}
        ).status_code
        == 403
    )
    # employees, visitors and agents have no team
    for who in ("employee", "visitor", "admin", "dispatcher"):
        assert mall.api(who, "get", "/team/").status_code == 403, who
    with schema_context(mall.schema):
        roles = dict(User.objects.filter(company=mall.company).values_list("email", "role"))
    assert set(roles.values()) <= {"key_user", "employee"}


# ---------------------------------------------------------------------------- blocking and expiry in an open session
@pytest.mark.parametrize("how", ["block", "expired"])
def test_open_session_and_token_end_at_once_and_stay_ended(mall, how):
    person = mall.people["employee"]
    session = mall.client("employee")
    token = token_for(mall.host, person.email)
    assert me(mall.host, session) == 200 and me(mall.host, token=token) == 200
    if how == "block":
        assert mall.api("admin", "post", f"/people/{person.pk}/block/", {"reason": "Left"}).status_code == 200
    else:
        with schema_context(mall.schema):
            User.objects.filter(pk=person.pk).update(access_expires_at=timezone.now() - timedelta(seconds=1))
    assert me(mall.host, session) in (401, 403)
    assert me(mall.host, token=token) == 401
    refused = post(mall.host, "/auth/session/", {"email": person.email, "password": PASSWORD})
    assert refused.status_code == 401
    assert post(mall.host, "/auth/tokens/", {"email": person.email, "password": PASSWORD}).status_code == 401
    # giving access back does not revive what was open: the person signs in again
    if how == "block":
        mall.api("admin", "post", f"/people/{person.pk}/unblock/", {})
    else:
        until = (timezone.now() + timedelta(days=30)).isoformat()
        assert (
            mall.api("admin", "post", f"/people/{person.pk}/access-expiry/", {"until": until}).status_code
            == 200
        )
    assert me(mall.host, session) in (401, 403)
    assert me(mall.host, token=token) == 401
    assert me(mall.host, mall.client("employee")) == 200


def test_extending_access_before_it_lapses_keeps_sessions(mall):
    person = mall.people["visitor"]
    session = mall.client("visitor")
    soon = timezone.now() + timedelta(days=1)
    assert (
        mall.api(
            "admin", "post", f"/people/{person.pk}/access-expiry/", {"until": soon.isoformat()}
        ).status_code
        == 200
    )
    later = (soon + timedelta(days=30)).isoformat()
    assert (
        mall.api("admin", "post", f"/people/{person.pk}/access-expiry/", {"until": later}).status_code == 200
    )
    assert me(mall.host, session) == 200


# ---------------------------------------------------------------------------- passwords
def test_password_reset_answers_the_same_for_everyone_and_mails_only_real_people(
    mall, django_capture_on_commit_callbacks
):
    answers = []
    for email in (
        mall.people["employee"].email,
        "nobody@nowhere.example",
        "",
        mall.people["employee"].email.upper(),
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = post(mall.host, "/auth/password-reset/", {"email": email})
        answers.append((email, response.status_code, response.content, len(callbacks)))
    assert [a[1] for a in answers] == [202, 202, 400, 202]
    assert answers[0][2] == answers[1][2] == answers[3][2]
    assert [a[3] for a in answers] == [1, 0, 0, 1]  # a mail is queued only for the real person
    # blocked people and invitees who never set a password get no reset mail either
    mall.api("admin", "post", f"/people/{mall.people['coworker'].pk}/block/", {"reason": "Left"})
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert (
            post(mall.host, "/auth/password-reset/", {"email": mall.people["coworker"].email}).status_code
            == 202
        )
    assert callbacks == []
    assert run_task(mall, services.send_password_reset, user_id=mall.people["coworker"].pk) is False


def test_password_reset_link_sets_a_new_password_once_and_ends_every_session(mall):
    person = mall.people["employee"]
    session = mall.client("employee")
    token = token_for(mall.host, person.email)
    assert run_task(mall, services.send_password_reset, user_id=person.pk)
    message = mail.outbox[-1]
    assert message.to == [person.email] and mall.made.account.name in message.subject
    link = link_in(message)
    # an invitation-accept endpoint does not take a reset link
    assert accept(mall.host, link).json()["code"] == "link_invalid"
    weak = post(mall.host, "/auth/password-reset/confirm/", {**link, "password": "password"})
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    assert me(mall.host, session) == 200  # a refused attempt changes nothing
    done = post(mall.host, "/auth/password-reset/confirm/", {**link, "password": NEW_PASSWORD})
    assert done.status_code == 204
    assert me(mall.host, session) in (401, 403) and me(mall.host, token=token) == 401
    again = post(mall.host, "/auth/password-reset/confirm/", {**link, "password": "Third-lantern-2028"})
    assert again.status_code == 400 and again.json()["code"] == "link_invalid"
    assert post(mall.host, "/auth/session/", {"email": person.email, "password": PASSWORD}).status_code == 401
    sign_in(mall.host, person.email, NEW_PASSWORD)
    # the link is of this account only
    other = make_mall()
    foreign = post(other.host, "/auth/password-reset/confirm/", {**link, "password": "Fourth-lantern-2029"})
    assert foreign.status_code == 400 and foreign.json()["code"] == "link_invalid"
    sign_in(other.host, other.people["employee"].email, PASSWORD)


def test_password_reset_links_expire(mall, settings):
    person = mall.people["employee"]
    assert run_task(mall, services.send_password_reset, user_id=person.pk)
    link = link_in(mail.outbox[-1])
    settings.PASSWORD_RESET_TIMEOUT = -1  # the link is now older than its lifetime
    expired = post(mall.host, "/auth/password-reset/confirm/", {**link, "password": NEW_PASSWORD})
    assert expired.status_code == 400 and expired.json()["code"] == "link_expired"
    sign_in(mall.host, person.email, PASSWORD)


@pytest.mark.parametrize("current", ["session", "token"])
def test_changing_the_password_ends_other_sessions_and_tokens_but_not_this_one(mall, current):
    person = mall.people["key_user"]
    other_session = mall.client("key_user")
    other_token = token_for(mall.host, person.email)
    this_session = mall.client("key_user")
    this_token = token_for(mall.host, person.email)
    auth = {"HTTP_AUTHORIZATION": f"Token {this_token}"} if current == "token" else {}
    client = Client() if current == "token" else this_session

    wrong = post(
        mall.host,
        "/auth/password/",
        {"old_password": "not-it-at-all", "new_password": NEW_PASSWORD},
        client,
        **auth,
    )
    assert wrong.status_code == 400 and "old_password" in wrong.json()["fields"]
    weak = post(
        mall.host, "/auth/password/", {"old_password": PASSWORD, "new_password": "123"}, client, **auth
    )
    assert weak.status_code == 400 and "new_password" in weak.json()["fields"]
    assert me(mall.host, other_session) == 200

    changed = post(
        mall.host, "/auth/password/", {"old_password": PASSWORD, "new_password": NEW_PASSWORD}, client, **auth
    )
    assert changed.status_code == 204, changed.content
    assert me(mall.host, client, token=this_token if current == "token" else None) == 200
    assert me(mall.host, other_session) in (401, 403)
    assert me(mall.host, token=other_token) == 401
    with schema_context(mall.schema):
        left = AuthToken.objects.filter(user_id=person.pk).count()
    assert left == (1 if current == "token" else 0)
    sign_in(mall.host, person.email, NEW_PASSWORD)
    assert post(
        mall.host, "/auth/password/", {"old_password": NEW_PASSWORD, "new_password": PASSWORD}
    ).status_code in (401, 403)


# ---------------------------------------------------------------------------- rate limits
@pytest.mark.parametrize(
    "scope, path, body",
    [
        ("login", "/auth/session/", {"email": "who@x.example", "password": "wrong-wrong-1"}),
        ("password_reset", "/auth/password-reset/", None),
        ("password_reset_email", "/auth/password-reset/", {"email": "same@x.example"}),
        ("password_link", "/auth/invitations/accept/", {"uid": "MQ", "token": "x-y", "password": "z"}),
        ("password_link", "/auth/password-reset/confirm/", {"uid": "MQ", "token": "x-y", "password": "z"}),
    ],
)
def test_sign_in_reset_and_links_are_rate_limited(mall, monkeypatch, scope, path, body):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "3/hour")
    answers = []
    for n in range(4):
        data = body or {"email": f"someone{n}@x.example"}  # a new e-mail each time: only the address counts
        answers.append(post(mall.host, path, data).status_code)
    assert 429 not in answers[:3]
    assert answers[3] == 429
    # another account's counters are its own
    other = make_mall()
    assert post(other.host, path, body or {"email": "someone@x.example"}).status_code != 429


def test_link_errors_follow_the_language(mall):
    body = {"uid": "MQ", "token": "1-abc", "password": NEW_PASSWORD}
    russian = post(mall.host, "/auth/password-reset/confirm/", body, HTTP_ACCEPT_LANGUAGE="ru")
    english = post(mall.host, "/auth/password-reset/confirm/", body, HTTP_ACCEPT_LANGUAGE="en")
    assert russian.json()["code"] == english.json()["code"] == "link_invalid"
    assert english.json()["fields"]["token"] == [
        "This link is not valid: it was already used, or it belongs to another account."
    ]
    assert russian.json()["fields"]["token"] == [
        "Ссылка недействительна: она уже использована или относится к другому аккаунту."
    ]


def test_key_user_lets_back_their_removed_employee_and_sets_access_within_their_own(
    mall, django_capture_on_commit_callbacks
):
    employee = mall.people["employee"]
    # a removal by the key user is theirs to undo
    assert mall.api("key_user", "delete", f"/team/{employee.pk}/").status_code == 204
    restored = mall.api("key_user", "post", f"/team/{employee.pk}/unblock/", {})
    assert restored.status_code == 200, restored.content
    assert restored.json()["blocked"] is False
    with schema_context(mall.schema):
        again = User.objects.get(pk=employee.pk)
        assert again.blocked_at is None and again.blocked_by_id is None
    # a block the mall's staff made stays the staff's to lift
    assert (
        mall.api("admin", "post", f"/people/{employee.pk}/block/", {"reason": "Unpaid rent"}).status_code
        == 200
    )
    refused = mall.api("key_user", "post", f"/team/{employee.pk}/unblock/", {})
    assert refused.status_code == 400 and "person" in refused.json()["fields"]
    with schema_context(mall.schema):
        assert User.objects.get(pk=employee.pk).blocked_reason == "Unpaid rent"
    assert mall.api("admin", "post", f"/people/{employee.pk}/unblock/", {}).status_code == 200

    # access: extend, shorten, open-ended, but never past the key user's own end
    later = (timezone.now() + timedelta(days=30)).isoformat()
    extended = mall.api("key_user", "post", f"/team/{employee.pk}/access-expiry/", {"until": later})
    assert extended.status_code == 200 and extended.json()["access_expires_at"] is not None
    assert (
        mall.api("key_user", "post", f"/team/{employee.pk}/access-expiry/", {"until": None}).json()[
            "access_expires_at"
        ]
        is None
    )
    past = (timezone.now() - timedelta(days=1)).isoformat()
    refused = mall.api("key_user", "post", f"/team/{employee.pk}/access-expiry/", {"until": past})
    assert refused.status_code == 400 and "until" in refused.json()["fields"]
    own_end = timezone.now() + timedelta(days=10)
    with schema_context(mall.schema):
        User.objects.filter(pk=mall.people["key_user"].pk).update(access_expires_at=own_end)
    for until in (None, (own_end + timedelta(days=1)).isoformat()):
        refused = mall.api("key_user", "post", f"/team/{employee.pk}/access-expiry/", {"until": until})
        assert refused.status_code == 400 and "until" in refused.json()["fields"], until
    within = mall.api(
        "key_user",
        "post",
        f"/team/{employee.pk}/access-expiry/",
        {"until": (own_end - timedelta(days=1)).isoformat()},
    )
    assert within.status_code == 200
    # never a fellow key user, and never another company's people
    for pk in (mall.people["key_user"].pk,):
        refused = mall.api("key_user", "post", f"/team/{pk}/access-expiry/", {"until": None})
        assert refused.status_code == 400 and "person" in refused.json()["fields"]
    assert mall.api("other_shop", "post", f"/team/{employee.pk}/unblock/", {}).status_code == 404
    assert (
        mall.api("other_shop", "post", f"/team/{employee.pk}/access-expiry/", {"until": None}).status_code
        == 404
    )
    with schema_context(mall.schema):  # the world is shared by the file's later tests
        User.objects.filter(pk__in=[employee.pk, mall.people["key_user"].pk]).update(access_expires_at=None)
