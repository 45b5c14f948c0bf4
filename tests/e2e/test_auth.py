"""Signing in and out of the web app, and the forgotten-password round trip through the mail."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, mailed_link
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def test_a_wrong_password_is_refused_with_the_apis_message_and_the_right_one_opens_the_desk(web, mall):
    page = web.page()
    page.goto(web.url(mall.host, "/"))
    expect(page).to_have_url(web.url(mall.host, "/app/sign-in"))
    assert_accessible(page)
    page.get_by_label("Email").fill(mall.people["dispatcher"].email)
    page.get_by_label("Password").fill("not-the-password-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("The e-mail or password is not correct.")
    expect(page).to_have_url(web.url(mall.host, "/app/sign-in"))

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(web.url(mall.host, "/app/queues"))
    expect(page.get_by_text(mall.people["dispatcher"].full_name).first).to_be_visible()
    assert page.errors == []

    # the person's menu signs out; the desk is then closed to this browser
    page.get_by_role("button", name=mall.people["dispatcher"].full_name).click()
    page.get_by_role("menuitem", name="Sign out").click()
    expect(page).to_have_url(web.url(mall.host, "/app/sign-in"))
    page.goto(web.url(mall.host, "/app/queues"))
    expect(page).to_have_url(web.url(mall.host, "/app/sign-in?next=%2Fapp%2Fqueues"))


def test_a_requester_signing_in_lands_in_the_portal_in_their_language(web, mall):
    page = web.page(viewport="phone", locale="ru-RU")
    page.goto(web.url(mall.host, "/app/sign-in"))
    page.get_by_label("Электронная почта").fill(mall.people["key_user"].email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page).to_have_url(web.url(mall.host, "/portal/"))
    expect(page.get_by_text(mall.people["key_user"].full_name).first).to_be_visible()


def test_a_forgotten_password_is_reset_through_the_mailed_link_once(web, mall):
    person = mall.people["engineer"]
    page = web.page()
    page.goto(web.url(mall.host, "/app/sign-in"))
    page.get_by_role("link", name="Forgot your password?").click()
    # the sign-in page has an Email field too: fill the one of the page that replaced it
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    page.get_by_label("Email").fill(person.email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_text("Check your mail")).to_be_visible()

    link, _query = mailed_link(person.email, "reset-password")
    assert link.startswith(web.url(mall.host, "/app/reset-password?"))  # scheme, host and port right
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("short")
    page.get_by_label("Repeat the new password").fill("short")
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_text("too short", exact=False).first).to_be_visible()  # the API's field message

    new_password = "Fresh-start-2026-pass"
    page.get_by_label("New password", exact=True).fill(new_password)
    page.get_by_label("Repeat the new password").fill(new_password)
    page.get_by_role("button", name="Set the password").click()
    expect(page).to_have_url(web.url(mall.host, "/app/sign-in"))
    expect(page.get_by_text("Your password has been changed.")).to_be_visible()
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(new_password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(web.url(mall.host, "/app/queues"))

    # the link worked once
    again = web.page()
    again.goto(link)
    again.get_by_label("New password", exact=True).fill("Another-pass-2026-x")
    again.get_by_label("Repeat the new password").fill("Another-pass-2026-x")
    again.get_by_role("button", name="Set the password").click()
    expect(again.get_by_role("alert")).to_be_visible()
    expect(again).to_have_url(link)


def test_home_sends_a_signed_in_agent_to_the_workspace_and_a_requester_to_the_portal(web, mall):
    agent = web.signed_in(mall.host, mall.people["dispatcher"].email, path="/")
    expect(agent).to_have_url(web.url(mall.host, "/app/queues"))
    requester = web.signed_in(mall.host, mall.people["key_user"].email, path="/app/queues")
    expect(requester).to_have_url(web.url(mall.host, "/portal/"))
