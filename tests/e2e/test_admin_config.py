"""Account administration I in the browser: an admin builds a workflow, a ticket type with its own
form and a routing rule; the tester predicts the group; a tenant files that type and it lands
there. Every screen axe-clean at 1440×900; nothing of it for a non-admin (no navigation, 403s)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, Api, assert_accessible
from tests.support.worlds import make_mall

pytestmark = pytest.mark.e2e

SCREENS = {
    "types": "Ticket types & forms",
    "workflows": "Workflows",
    "routing": "Routing",
    "checklists": "Checklist templates",
    "policies": "Approval policies",
}


def png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (32, 24), (40, 90, 160)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def mall(live_db):
    return make_mall()


def admin_page(web, mall, path: str):
    page = web.signed_in(mall.host, mall.people["admin"].email, path=path)
    page.set_viewport_size({"width": 1440, "height": 900})
    return page


def shoot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"admin-config-{name}.png"), full_page=True)


def build_workflow(page) -> None:
    """Three statuses; Start, then Finish, which needs a comment."""
    page.get_by_label("Name", exact=True).first.fill("Fit-out")
    page.get_by_label("Code", exact=True).fill("fitout-flow")
    page.get_by_role("button", name="Add status").click()
    statuses = page.get_by_role("group", name=re.compile(r"^Status \d"))
    expect(statuses).to_have_count(3)
    statuses.nth(0).get_by_label("Name", exact=True).fill("Received")
    statuses.nth(1).get_by_label("Name", exact=True).fill("Done")
    third = statuses.nth(2)
    third.get_by_label("Name", exact=True).fill("In work")
    third.get_by_label("Key", exact=True).fill("doing")
    expect(third.get_by_label("Category")).to_have_value("open")
    rows = page.locator("table.wf-transitions tbody tr")
    for index, (source, target, name) in enumerate([("new", "doing", "Start"), ("doing", "done", "Finish")]):
        page.get_by_role("button", name="Add transition").click()
        row = rows.nth(index)
        row.locator("select").nth(0).select_option(source)
        row.locator("select").nth(1).select_option(target)
        row.get_by_label(f"Name of transition {index + 1}").fill(name)
    rows.nth(1).get_by_label("Comment").check()


def test_admin_configures_a_type_that_routes_where_the_tester_said(web, mall):
    admin = Api(web.server, mall, "admin")

    # ---- the workflow: a problem shown by the API's dry run before saving, then saved
    page = admin_page(web, mall, "/app/admin/workflows/new")
    expect(page.get_by_role("heading", name="New workflow", level=1)).to_be_visible()
    build_workflow(page)
    page.get_by_role("button", name="Remove transition Start", exact=True).click()
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("region", name="Transitions").get_by_role("alert")).to_contain_text(
        "no way out: new"
    )
    page.get_by_role("button", name="Add transition").click()
    row = page.locator("table.wf-transitions tbody tr").nth(1)
    row.locator("select").nth(0).select_option("new")
    row.locator("select").nth(1).select_option("doing")
    row.get_by_label("Name of transition 2").fill("Start")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_text("No problems: saving keeps every ticket")).to_be_visible()
    assert "fitout-flow" not in [w["code"] for w in admin("GET", "/workflows/").json()]  # checked, not saved
    diagram = page.get_by_role("img", name=re.compile("Diagram of 3 statuses and 2 transitions"))
    expect(diagram).to_be_visible()
    assert_accessible(page)
    shoot(page, "workflow-edit")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/app/admin/workflows/\d+$"))
    workflow = next(w for w in admin("GET", "/workflows/").json() if w["code"] == "fitout-flow")
    assert [(s["key"], s["category"]) for s in workflow["statuses"]] == [
        ("new", "new"),
        ("done", "closed"),
        ("doing", "open"),
    ]
    finish = next(t for t in workflow["transitions"] if t["name"] == "Finish")
    assert (finish["source"], finish["target"], finish["comment_required"]) == ("doing", "done", True)

    # ---- the ticket type and its form, previewed, one field moved from the keyboard
    page.goto(web.url(mall.host, "/app/admin/types/new"))
    expect(page.get_by_role("heading", name="New ticket type", level=1)).to_be_visible()
    settings = page.get_by_role("region", name="Settings")
    settings.get_by_label("Name", exact=True).fill("Shop fit-out")
    settings.get_by_label("Code", exact=True).fill("fitout")
    settings.get_by_label("Number prefix").fill("FIT")
    settings.get_by_label("Workflow").select_option(label="Fit-out")
    settings.get_by_role("checkbox", name="Company key user").check()
    fields = page.get_by_role("group", name=re.compile(r"^Field \d"))
    for kind, label in [
        ("text", "Shop name"),
        ("date", "Start date"),
        ("choice", "Work kind"),
        ("file", "Photo of the site"),
    ]:
        page.get_by_label("Kind of the new field").select_option(kind)
        page.get_by_role("button", name="Add field").click()
        fields.last.get_by_label("Label", exact=True).fill(label)
    fields.nth(2).get_by_label("Choices").fill("Electrics\nPlumbing")
    fields.nth(3).get_by_label("Required").check()
    fields.nth(3).get_by_label("Help text").fill("One picture of the unit")
    # "Work kind" up above "Start date", from the keyboard: its "up" button
    page.get_by_role("button", name="Move Work kind up", exact=True).focus()
    page.keyboard.press("Enter")
    expect(fields.nth(1)).to_have_accessible_name(re.compile("Field 2: Work kind"))
    preview = page.get_by_role("region", name="Preview")
    expect(preview.get_by_role("combobox", name="Work kind")).to_be_visible()
    expect(preview.get_by_label(re.compile("Photo of the site"))).to_be_visible()
    expect(preview.get_by_text("One picture of the unit")).to_be_visible()
    assert_accessible(page)
    shoot(page, "type-edit")
    page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_url(re.compile(r"/app/admin/types/\d+$"))
    ticket_type = next(t for t in admin("GET", "/ticket-types/").json() if t["code"] == "fitout")
    assert ticket_type["workflow"] == workflow["id"] and ticket_type["filing_roles"] == ["key_user"]
    assert [(f["key"], f["kind"], f["required"]) for f in ticket_type["form_fields"]] == [
        ("shop_name", "text", False),
        ("work_kind", "choice", False),
        ("start_date", "date", False),
        ("photo_of_the_site", "file", True),
    ]
    assert ticket_type["form_fields"][1]["choices"] == ["Electrics", "Plumbing"]

    # ---- a routing rule
    page.goto(web.url(mall.host, "/app/admin/routing"))
    page.get_by_role("button", name="New rule").click()
    editor = page.get_by_role("form", name="New rule")
    editor.get_by_label("Name", exact=True).fill("Fit-out electrics to engineering")
    editor.get_by_role("group", name="Ticket types").get_by_role("checkbox", name="Shop fit-out").check()
    editor.get_by_role("button", name="Add field condition").click()
    editor.get_by_label("Field key of condition 1").fill("work_kind")
    editor.get_by_label("Value of condition 1").fill("Electrics")
    editor.get_by_label("Group", exact=True).select_option(label="Engineering")
    editor.get_by_role("button", name="Save").click()
    rules = page.get_by_role("region", name="Rules, in the order they are tried")
    expect(rules.get_by_role("button", name="Fit-out electrics to engineering", exact=True)).to_be_visible()
    saved_rule = next(
        r
        for r in admin("GET", "/routing-rules/").json()["results"]
        if r["name"] == "Fit-out electrics to engineering"
    )
    assert saved_rule["conditions"] == {
        "types": ["fitout"],
        "fields": [{"key": "work_kind", "op": "eq", "value": "Electrics"}],
    }

    # ---- the tester: a draft of that type with Electrics goes to Engineering
    tester = page.get_by_role("region", name="Tester")
    tester.get_by_label("Ticket type").select_option(label="Shop fit-out")
    tester.get_by_label("Work kind").select_option("Electrics")
    tester.get_by_role("button", name="Test", exact=True).click()
    answer = tester.get_by_role("status")
    expect(answer).to_contain_text("Rule “Fit-out electrics to engineering” fires")
    expect(answer.get_by_test_id("tester-group")).to_have_text("Engineering")
    expect(answer).to_contain_text("sets group “Engineering”")
    assert_accessible(page)
    shoot(page, "routing")
    assert page.errors == []

    # ---- a tenant files that type on the portal: the required photo is uploaded into its field
    # before filing (POST /uploads/, adopted by the new ticket), and it lands where the tester said
    tenant_page = web.signed_in(
        mall.host, mall.people["key_user"].email, path="/portal/new/fitout", viewport="phone"
    )
    expect(tenant_page.get_by_role("heading", name="Shop fit-out", level=1)).to_be_visible()
    tenant_page.get_by_label("In short").fill("Fit-out of 2-14")
    tenant_page.get_by_label("Shop name").fill("Coffee Point")
    tenant_page.get_by_label("Work kind").select_option("Electrics")
    tenant_page.get_by_label("Start date").fill("2026-12-10")
    tenant_page.get_by_role("button", name="Send the request").click()
    photo_field = tenant_page.get_by_role("combobox", name=re.compile("^Photo of the site"))
    expect(photo_field).to_have_attribute("aria-invalid", "true")  # refused inline, nothing sent
    assert admin("GET", "/tickets/?type=fitout").json()["results"] == []
    tenant_page.locator("input[type=file]:not([accept])").first.set_input_files(
        files=[{"name": "unit.png", "mimeType": "image/png", "buffer": png()}]
    )
    expect(photo_field).to_have_value(re.compile(r"^\d+$"))
    expect(photo_field.locator("option:checked")).to_have_text("unit.png")
    assert_accessible(tenant_page)
    tenant_page.get_by_role("button", name="Send the request").click()
    expect(tenant_page).to_have_url(re.compile(r"/portal/requests/\d+$"))
    filed = admin("GET", f"/tickets/{int(tenant_page.url.rsplit('/', 1)[1])}/").json()
    photo = filed["fields"]["photo_of_the_site"]
    assert isinstance(photo, int)
    assert filed["fields"] == {
        "shop_name": "Coffee Point",
        "work_kind": "Electrics",
        "start_date": "2026-12-10",
        "photo_of_the_site": photo,
    }
    files = admin("GET", f"/tickets/{filed['id']}/attachments/").json()
    assert [(f["id"], f["name"]) for f in files] == [(photo, "unit.png")]
    assert tenant_page.errors == []
    assert filed["key"].startswith("FIT-") and filed["status"]["key"] == "new"
    seen = admin("GET", f"/tickets/{filed['id']}/").json()
    assert seen["group"]["name"] == "Engineering"
    # and the workflow holds: Finish needs a comment
    assert admin("POST", f"/tickets/{filed['id']}/transition/", json={"to": "doing"}).status_code == 200
    refused = admin("POST", f"/tickets/{filed['id']}/transition/", json={"to": "done"})
    assert refused.status_code == 400 and "comment" in refused.json()["fields"]


@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_is_accessible(web, mall, screen):
    page = admin_page(web, mall, f"/app/admin/{screen}")
    expect(page.get_by_role("heading", name=SCREENS[screen], level=1)).to_be_visible()
    nav = page.get_by_role("navigation", name="Administration")
    expect(nav.get_by_role("link", name=SCREENS[screen])).to_have_class(re.compile("is-active"))
    page.wait_for_load_state("networkidle")
    if screen in ("routing", "checklists", "policies"):  # their editors, open
        page.get_by_role("button", name=re.compile("^New ")).click()
        expect(page.get_by_role("form")).to_be_visible()
    assert_accessible(page)
    shoot(page, screen)
    assert page.errors == []


def test_a_type_can_be_copied_and_archived(web, mall):
    admin = Api(web.server, mall, "admin")
    page = admin_page(web, mall, "/app/admin/types")
    page.get_by_role("button", name="Copy Leak", exact=True).click()
    expect(page).to_have_url(re.compile(r"/app/admin/types/\d+$"))
    copy = next(t for t in admin("GET", "/ticket-types/").json() if t["code"] == "leak-copy")
    leak = next(t for t in admin("GET", "/ticket-types/").json() if t["code"] == "leak")
    assert copy["is_active"] is False and copy["form_fields"] == leak["form_fields"]
    assert copy["name"] == "Leak (copy)"  # never two types under one name
    page.goto(web.url(mall.host, "/app/admin/types"))
    page.get_by_role("button", name="Archive Leak", exact=True).click()
    expect(page.get_by_role("button", name="Restore Leak", exact=True)).to_be_visible()
    assert next(t for t in admin("GET", "/ticket-types/").json() if t["code"] == "leak")["is_active"] is False
    page.get_by_role("button", name="Restore Leak", exact=True).click()
    expect(page.get_by_role("button", name="Archive Leak", exact=True)).to_be_visible()


def test_a_non_admin_agent_gets_no_admin_navigation_and_403_from_the_api(web, mall):
    page = web.signed_in(mall.host, mall.people["dispatcher"].email, path="/app/queues")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    page.goto(web.url(mall.host, "/app/admin/routing"))
    expect(page.get_by_text("Only account admins can configure the account.")).to_be_visible()
    expect(page.get_by_role("navigation", name="Administration")).to_have_count(0)
    dispatcher = Api(web.server, mall, "dispatcher")
    assert dispatcher("POST", "/routing-rules/test/", json={"type": "leak"}).status_code == 403
    assert dispatcher("POST", "/ticket-types/", json={"code": "x", "name": "x"}).status_code == 403
    assert dispatcher("PUT", "/workflows/1/?dry_run=1", json={"code": "x", "statuses": []}).status_code == 403
    assert dispatcher("POST", "/checklist-templates/", json={}).status_code == 403
    assert dispatcher("POST", "/approval-policies/", json={}).status_code == 403


def test_a_dispatcher_plans_maintenance_and_sees_it_in_the_plan(web, mall):
    """Issue #19: a schedule made in the editor (a leak-type template with its form field, at a
    location, weekly) shows its next four weeks in the plan, grouped under its location."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    dispatcher = Api(web.server, mall, "dispatcher")
    zone = ZoneInfo(dispatcher("GET", "/me/").json()["account"]["time_zone"])
    first = (datetime.now(zone) + timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)

    page = web.signed_in(mall.host, mall.people["dispatcher"].email, path="/app/maintenance")
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(page.get_by_role("heading", name="Maintenance plan", level=1)).to_be_visible()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Maintenance").click()
    page.get_by_role("link", name="New schedule").first.click()
    expect(page.get_by_role("heading", name="New schedule", level=1)).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Escalator drip check")
    page.get_by_label("Ticket type", exact=True).select_option(label="Leak")
    page.get_by_label("Ticket title", exact=True).fill("Check the escalator pit for water")
    page.get_by_role("combobox", name=re.compile("^How bad")).select_option("drip")
    location = page.get_by_role("combobox", name="Location", exact=True)
    location.fill("Building B")
    page.get_by_role("option", name=re.compile("^Building B")).click()
    page.get_by_label("First occurrence", exact=True).fill(first.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Repeat", exact=True).select_option("weeks")
    page.get_by_label("Every", exact=True).fill("1")
    assert_accessible(page)
    shoot(page, "schedule-edit")
    page.get_by_role("button", name="Save").first.click()
    expect(page).to_have_url(re.compile(r"/app/maintenance/schedules/\d+$"))
    saved = next(
        s for s in dispatcher("GET", "/schedules/").json()["results"] if s["name"] == "Escalator drip check"
    )
    assert (saved["period_unit"], saved["interval"], saved["fields"]) == ("weeks", 1, {"severity": "drip"})
    assert saved["location"] == mall.building_b.pk
    assert datetime.fromisoformat(saved["first_at"]) == first

    page.goto(web.url(mall.host, "/app/maintenance"))
    group = page.get_by_role("region", name="Building B")
    occurrences = group.get_by_role("link", name="Escalator drip check")
    expect(occurrences).to_have_count(4)  # weekly, within the four weeks shown
    expect(group.get_by_text("Planned")).to_have_count(4)
    # The span lives in the URL and React Router applies a navigation in a transition, so the
    # controlled radio shows the new span a moment after the click: click, then wait for it.
    week = page.get_by_role("radio", name="Week", exact=True)
    week.click()
    expect(week).to_be_checked()
    expect(occurrences).to_have_count(1 if first.weekday() >= datetime.now(zone).weekday() else 0)
    four_weeks = page.get_by_role("radio", name="4 weeks", exact=True)
    four_weeks.click()
    expect(four_weeks).to_be_checked()
    expect(occurrences).to_have_count(4)
    assert_accessible(page)
    shoot(page, "maintenance-plan")
    assert page.errors == []
