"""Operators sign in with password AND a TOTP code; nobody else reaches the console."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tenants_shared.console.models import AuditEntry
from tests.support.worlds import PASSWORD

from .conftest import PUBLIC_HOST, console_login, make_operator, totp_code

pytestmark = pytest.mark.django_db


def test_password_alone_or_a_wrong_code_does_not_open_the_console():
    made = make_operator("support")
    right = totp_code(made.device)
    wrong = "000000" if right != "000000" else "111111"
    for code in (" ", wrong):
        client, response = console_login(made, code=code)
        assert response.status_code == 200 and b"not correct" in response.content
        assert client.get("/console/", HTTP_HOST=PUBLIC_HOST).status_code == 302
    # after a wrong code django-otp throttles the device: even the right code waits a moment. The
    # wait is a second after one failure, which a loaded machine can spend before the next request,
    # so the failure is dated now before the right code is tried (the throttle itself is the check)
    made.device.refresh_from_db()
    assert made.device.throttling_failure_count >= 1
    TOTPDevice.objects.filter(pk=made.device.pk).update(throttling_failure_timestamp=timezone.now())
    assert console_login(made, code=right)[1].status_code == 200
    other = make_operator("support")
    client, response = console_login(other)
    assert response.status_code == 302
    page = client.get("/console/", HTTP_HOST=PUBLIC_HOST)
    assert page.status_code == 200 and other.user.email.encode() in page.content
    assert AuditEntry.objects.filter(operator=other.user, action="operator.sign_in").count() == 1
    assert not AuditEntry.objects.filter(operator=made.user, action="operator.sign_in").exists()


def test_a_code_is_used_once():
    made = make_operator("support")
    code = totp_code(made.device)
    assert console_login(made, code=code)[1].status_code == 302
    assert console_login(made, code=code)[1].status_code == 200  # replayed


def test_a_password_session_without_totp_is_not_enough():
    made = make_operator("owner")
    client = Client()
    client.force_login(made.user, backend="tenant_apps.people.auth.AccountPersonBackend")
    response = client.get("/console/", HTTP_HOST=PUBLIC_HOST)
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    admin = client.get("/admin/", HTTP_HOST=PUBLIC_HOST, follow=True)
    assert admin.redirect_chain[-1][0].startswith("/console/login/")
    assert client.get("/admin/billing/plan/", HTTP_HOST=PUBLIC_HOST).status_code == 302


def test_first_sign_in_enrols_an_authenticator_app():
    made = make_operator("billing")
    TOTPDevice.objects.filter(user=made.user).delete()
    client = Client()
    response = client.post(
        "/console/login/", {"email": made.user.email, "password": PASSWORD, "code": ""}, HTTP_HOST=PUBLIC_HOST
    )
    assert response.status_code == 302 and response["Location"].startswith("/console/enrol/")
    page = client.get(response["Location"], HTTP_HOST=PUBLIC_HOST)
    assert page.status_code == 200 and b"<svg" in page.content and b"otpauth://totp/" in page.content
    assert client.get("/console/", HTTP_HOST=PUBLIC_HOST).status_code == 302  # not in yet
    device = TOTPDevice.objects.get(user=made.user)
    assert not device.confirmed
    done = client.post("/console/enrol/", {"code": totp_code(device)}, HTTP_HOST=PUBLIC_HOST)
    assert done.status_code == 302
    assert client.get("/console/", HTTP_HOST=PUBLIC_HOST).status_code == 200
    assert TOTPDevice.objects.get(user=made.user).confirmed
    assert AuditEntry.objects.filter(operator=made.user, action="operator.totp_enrolled").exists()


def test_create_operator_command_prints_the_totp_secret(capsys, monkeypatch):
    monkeypatch.setenv("ATRIUM_OPERATOR_PASSWORD", PASSWORD)
    call_command("create_operator", email="first@ops.example", name="First Owner", role="owner")
    out = capsys.readouterr().out
    assert "TOTP secret: " in out and "otpauth://totp/" in out
    secret = out.split("TOTP secret: ")[1].split()[0]
    device = TOTPDevice.objects.get(user__email="first@ops.example")
    import base64

    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # the printed secret signs in
    client = Client()
    response = client.post(
        "/console/login/",
        {"email": "first@ops.example", "password": PASSWORD, "code": totp_code(device)},
        HTTP_HOST=PUBLIC_HOST,
    )
    assert response.status_code == 302


def test_account_people_never_reach_the_console(mall):
    """On the public host an account admin's credentials do not exist; on an account host the
    console's (and the admin's) URLs do not exist."""
    admin = mall.people["admin"]
    response = Client().post(
        "/console/login/",
        {"email": admin.email, "password": PASSWORD, "code": "123456"},
        HTTP_HOST=PUBLIC_HOST,
    )
    assert response.status_code == 200 and b"not correct" in response.content
    session = mall.client("admin")
    for path in (
        "/console/",
        "/console/login/",
        "/console/audit/",
        "/admin/",
        f"/console/accounts/{mall.made.account.slug}/",
    ):
        assert session.get(path, HTTP_HOST=mall.host).status_code == 404, path
    posted = session.post(
        f"/console/accounts/{mall.made.account.slug}/suspend/", {"reason": "x"}, HTTP_HOST=mall.host
    )
    assert posted.status_code == 404
    # and an account admin's session cookie means nothing on the public host
    assert session.get("/console/", HTTP_HOST=PUBLIC_HOST).status_code == 302


def test_a_staff_user_without_a_console_role_is_refused():
    from tenant_apps.people.models import User

    User.objects.create_user("staff@ops.example", PASSWORD, full_name="Staff", is_staff=True)
    response = Client().post(
        "/console/login/",
        {"email": "staff@ops.example", "password": PASSWORD, "code": "123456"},
        HTTP_HOST=PUBLIC_HOST,
    )
    assert response.status_code == 200 and b"not correct" in response.content
