"""The New ticket form: a dispatcher files on a tenant's behalf; client-side checks refuse before
sending, the API's refusals show next to the fields they name, axe passes on laptop and tablet."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.support.worlds import PASSWORD, make_mall

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


@pytest.fixture(scope="module")
def dispatcher_api(atrium_server, mall):
    response = atrium_server.request(
        "POST",
        mall.host,
        "/api/v1/auth/tokens/",
        json={"email": mall.people["dispatcher"].email, "password": PASSWORD},
    )
    assert response.status_code == 201, response.text
    headers = {"Authorization": f"Token {response.json()['token']}"}

    def call(method, path, **kwargs):
        return atrium_server.request(method, mall.host, f"/api/v1{path}", headers=headers, **kwargs)

    return call


def ticket_ids(api) -> set[int]:
    response = api("GET", "/tickets/?page_size=200")
    assert response.status_code == 200, response.text
    return {t["id"] for t in response.json()["results"]}


def open_form(web, mall, viewport="laptop"):
    page = web.signed_in(
        mall.host, mall.people["dispatcher"].email, path="/app/tickets/new", viewport=viewport
    )
    expect(page.get_by_role("heading", name="New ticket", level=1)).to_be_visible()
    return page


def choose_requester(page, mall):
    box = page.get_by_role("combobox", name="Requester")
    box.fill("key_user")
    page.get_by_role("option", name=re.compile(re.escape(mall.people["key_user"].email))).click()
    expect(box).to_have_value(mall.people["key_user"].full_name)


def test_a_required_field_is_refused_inline_then_the_ticket_is_filed_for_the_requester(
    web, mall, dispatcher_api
):
    before = ticket_ids(dispatcher_api)
    page = open_form(web, mall)
    page.get_by_label("Type").select_option("leak")
    page.get_by_label("Title").fill("Water under the sink in 2-14")
    assert_accessible(page)

    page.get_by_role("button", name="Create ticket").click()
    severity = page.get_by_label("How bad")
    expect(severity).to_have_attribute("aria-invalid", "true")
    expect(severity).to_have_accessible_description("Fill this in.")
    expect(severity).to_be_focused()
    assert_accessible(page)  # with the messages shown
    assert ticket_ids(dispatcher_api) == before  # nothing was sent

    severity.select_option("stream")
    choose_requester(page, mall)
    expect(page.get_by_role("combobox", name="Company")).to_have_value(mall.company.name)  # the requester's
    page.get_by_label("Title").press("Control+Enter")

    expect(page).to_have_url(re.compile(r"/app/tickets/\d+$"))
    ticket_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    ticket = dispatcher_api("GET", f"/tickets/{ticket_id}/").json()
    expect(page.get_by_text(f"{ticket['key']} created")).to_be_visible()
    assert ticket["type"]["code"] == "leak"
    assert ticket["title"] == "Water under the sink in 2-14"
    assert ticket["requester"]["id"] == mall.people["key_user"].pk
    assert ticket["company"]["id"] == mall.company.pk
    assert ticket["fields"] == {"severity": "stream"}
    assert ticket["channel"] == "web"
    assert ticket_ids(dispatcher_api) == before | {ticket_id}

    # the draft went with the filing: the form is empty again
    page.goto(web.url(mall.host, "/app/tickets/new"))
    expect(page.get_by_label("Title")).to_have_value("")


@pytest.mark.parametrize("viewport", ["tablet", "tablet_portrait"])
def test_the_apis_refusal_shows_next_to_the_field_it_names(web, mall, dispatcher_api, viewport):
    before = ticket_ids(dispatcher_api)
    page = open_form(web, mall, viewport=viewport)
    page.get_by_label("Type").select_option("dirt")
    page.get_by_label("Title").fill("Spilled coffee at the entrance")
    choose_requester(page, mall)
    # a tenant's key user files for their own company: the server refuses another one
    company = page.get_by_role("combobox", name="Company")
    company.fill(mall.other_company.name)
    page.get_by_role("option", name=mall.other_company.name).click()
    page.get_by_role("button", name="Create ticket").click()

    expect(company).to_have_accessible_description(re.compile("A requester files for their own company."))
    expect(company).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_contain_text("The ticket was not created")
    assert_accessible(page)
    assert ticket_ids(dispatcher_api) == before

    # the draft survives a reload
    page.reload()
    expect(page.get_by_label("Title")).to_have_value("Spilled coffee at the entrance")
    page.get_by_role("button", name="Clear the form").click()
    expect(page.get_by_label("Title")).to_have_value("")
