"""What the admin types screen sends for the auto-confirm days: the type's whole document by PUT
with `auto_confirm_days` a number or null (the account's default), and the default by PATCH
/desk-settings/; a wrong value is a field error, never a 500."""

from __future__ import annotations

import pytest

from tests.support.worlds import make_mall

pytestmark = pytest.mark.django_db


def test_a_type_takes_its_own_days_by_put_and_null_returns_it_to_the_default():
    mall = make_mall()
    leak = next(t for t in mall.api("admin", "get", "/ticket-types/").json() if t["code"] == "leak")
    doc = {k: v for k, v in leak.items() if k != "id"}
    own = mall.api("admin", "put", f"/ticket-types/{leak['id']}/", {**doc, "auto_confirm_days": 4})
    assert own.status_code == 200, own.content
    assert own.json()["auto_confirm_days"] == 4
    back = mall.api("admin", "put", f"/ticket-types/{leak['id']}/", {**doc, "auto_confirm_days": None})
    assert back.status_code == 200, back.content
    assert back.json()["auto_confirm_days"] is None
    for wrong in (400, -1, 1.5, "soon"):
        refused = mall.api(
            "admin", "put", f"/ticket-types/{leak['id']}/", {**doc, "auto_confirm_days": wrong}
        )
        assert refused.status_code == 400, (wrong, refused.content)
        assert list(refused.json()["fields"]) == ["auto_confirm_days"], wrong
    after = next(t for t in mall.api("admin", "get", "/ticket-types/").json() if t["code"] == "leak")
    assert after["auto_confirm_days"] is None


def test_the_default_refuses_an_empty_box_as_a_field_error():
    mall = make_mall()
    for wrong in (None, "", 366):
        refused = mall.api("admin", "patch", "/desk-settings/", {"auto_confirm_days": wrong})
        assert refused.status_code == 400, (wrong, refused.content)
        assert list(refused.json()["fields"]) == ["auto_confirm_days"], wrong
    assert mall.api("admin", "get", "/desk-settings/").json() == {"auto_confirm_days": 3}
