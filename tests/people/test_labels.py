"""QR labels: an A4 PDF of labels whose QR codes open the portal's report page for each object."""

from __future__ import annotations

import pypdfium2
import pytest
import zxingcpp
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tenant_apps.objects.models import Equipment
from tenant_apps.objects.services import save_location
from tests.support.fixtures import module_mall  # noqa: F401  (the file's one mall, below)

pytestmark = pytest.mark.django_db


@pytest.fixture
def mall(module_mall):  # noqa: F811 - the module's one mall under the name the tests use
    """One mall for the whole file (tests/support/fixtures.py `module_mall`): each test runs in a
    savepoint, so its writes are rolled back before the next test starts."""
    return module_mall


def decoded(pdf: bytes) -> list[str]:
    """Every QR code on every page of the PDF, read back from a 200 dpi rendering."""
    texts = []
    document = pypdfium2.PdfDocument(pdf)
    for page in document:
        image = page.render(scale=200 / 72).to_pil()
        texts += [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.QRCode]
    return texts


def page_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    return "\n".join(page.get_textpage().get_text_range() for page in document)


def base(mall) -> str:
    with schema_context(mall.schema):
        return mall.made.account.url("/").rstrip("/")


def test_labels_for_chosen_locations_carry_name_code_and_the_report_link(mall):
    with tenant_context(mall.made.account):
        kiosk = save_location(
            location=None,
            data={"kind": "store", "name": "Киоск у входа", "code": "K-01", "parent": mall.unit},
        )
    connection.set_schema_to_public()
    response = mall.api("admin", "get", f"/locations/labels.pdf?ids={mall.unit.pk},{kiosk.pk}")
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert sorted(decoded(pdf)) == sorted(
        [
            f"{base(mall)}/portal/report?location={mall.unit.pk}",
            f"{base(mall)}/portal/report?location={kiosk.pk}",
        ]
    )
    text = page_text(pdf)
    assert "Киоск у входа" in text and "K-01" in text and "2-14" in text


def test_a_subtree_prints_the_node_and_everything_under_it(mall):
    response = mall.api("admin", "get", f"/locations/labels.pdf?subtree={mall.building_b.pk}")
    assert response.status_code == 200
    urls = decoded(response.content)
    assert len(urls) == 3  # Building B, Floor 2, 2-14
    assert f"{base(mall)}/portal/report?location={mall.unit.pk}" in urls


def test_many_labels_take_more_than_one_sheet(mall):
    with tenant_context(mall.made.account):
        for n in range(25):
            save_location(location=None, data={"kind": "unit", "name": f"U-{n}", "parent": mall.unit})
    connection.set_schema_to_public()
    response = mall.api("admin", "get", f"/locations/labels.pdf?subtree={mall.unit.pk}")
    document = pypdfium2.PdfDocument(response.content)
    assert len(document) == 2  # 26 labels, 21 to a sheet
    assert len(decoded(response.content)) == 26


def test_equipment_labels_open_the_report_page_for_the_equipment(mall):
    with schema_context(mall.schema):
        pump = Equipment.objects.create(
            kind="pump", name="Pump 3", inventory_number="INV-77", location=mall.unit
        )
    response = mall.api("admin", "get", f"/equipment/labels.pdf?subtree={mall.building_b.pk}")
    assert response.status_code == 200
    assert decoded(response.content) == [f"{base(mall)}/portal/report?equipment={pump.pk}"]
    assert "INV-77" in page_text(response.content)
    by_id = mall.api("admin", "get", f"/equipment/labels.pdf?ids={pump.pk}")
    assert decoded(by_id.content) == [f"{base(mall)}/portal/report?equipment={pump.pk}"]


def test_unknown_ids_are_a_404_and_bad_input_a_400_in_the_error_shape(mall):
    missing = mall.api("admin", "get", f"/locations/labels.pdf?ids={mall.unit.pk},999999")
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"
    assert mall.api("admin", "get", "/locations/labels.pdf?subtree=999999").status_code == 404
    bad = mall.api("admin", "get", "/locations/labels.pdf?ids=one,two")
    assert bad.status_code == 400 and "ids" in bad.json()["fields"]
    neither = mall.api("admin", "get", "/equipment/labels.pdf")
    assert neither.status_code == 400 and set(neither.json()["fields"]) == {"ids", "subtree"}


def test_only_managers_print_labels(mall):
    for who in ("engineer", "key_user"):
        response = mall.api(who, "get", f"/locations/labels.pdf?ids={mall.unit.pk}")
        assert response.status_code == 403, who
        assert response.json()["code"] == "permission_denied"
