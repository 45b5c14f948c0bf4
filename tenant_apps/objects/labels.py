"""Printable QR labels for locations and equipment: an A4 PDF sheet, a grid of labels, each with the
object's name, its code and a QR code that opens the portal's "report a problem here" page for it
(`<account base url>/portal/report?location=<id>` or `?equipment=<id>`).

reportlab draws the sheet; segno (the QR library passes use) makes the code, drawn as vector
squares so it stays sharp at any print size. Names are set in DejaVu Sans (Cyrillic included) from
the system's fonts (Debian's fonts-dejavu-core; settings.LABEL_FONT overrides the file); without it
the sheet falls back to Helvetica, which has no Cyrillic.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.db import connection
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

DEFAULT_FONT_FILE = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_NAME = "AtriumLabelSans"

COLUMNS, ROWS = 3, 7  # 21 labels per A4 sheet (70 × 42.4 mm cells, a common label stock)
MARGIN_X, MARGIN_Y = 0 * mm, 4.5 * mm


@dataclass(frozen=True)
class Label:
    name: str
    code: str
    url: str


def report_url(*, location_id: int | None = None, equipment_id: int | None = None) -> str:
    """The portal page a label's QR code opens, on the account's primary host."""
    query = {"location": location_id} if location_id is not None else {"equipment": equipment_id}
    return connection.tenant.url("/portal/report?" + urlencode(query))


def location_labels(locations) -> list[Label]:
    return [Label(name=item.name, code=item.code, url=report_url(location_id=item.pk)) for item in locations]


def equipment_labels(equipment) -> list[Label]:
    return [
        Label(
            name=item.name,
            code=item.inventory_number or item.serial_number,
            url=report_url(equipment_id=item.pk),
        )
        for item in equipment
    ]


def _font() -> str:
    path = getattr(settings, "LABEL_FONT", "") or DEFAULT_FONT_FILE
    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    if os.path.exists(path):
        pdfmetrics.registerFont(TTFont(FONT_NAME, path))
        return FONT_NAME
    return "Helvetica"


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _qr(pdf: canvas.Canvas, url: str, x: float, y: float, size: float) -> None:
    """The QR code as filled squares, `size` wide including the quiet zone of 4 modules."""
    matrix = list(segno.make(url, error="m").matrix_iter(scale=1, border=4))
    module = size / len(matrix)
    pdf.setFillColorRGB(0, 0, 0)
    for row, line in enumerate(matrix):
        for col, dark in enumerate(line):
            if dark:
                pdf.rect(x + col * module, y + size - (row + 1) * module, module, module, stroke=0, fill=1)


def render(labels: list[Label], *, title: str) -> bytes:
    """The A4 sheets (as many as the labels need) as PDF bytes."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(title)
    pdf.setCreator("Atrium")
    font = _font()
    page_w, page_h = A4
    cell_w = (page_w - 2 * MARGIN_X) / COLUMNS
    cell_h = (page_h - 2 * MARGIN_Y) / ROWS
    pad = 3 * mm
    qr_size = cell_h - 2 * pad
    text_x_offset = pad + qr_size + 2 * mm
    text_w = cell_w - text_x_offset - pad
    for index, label in enumerate(labels):
        slot = index % (COLUMNS * ROWS)
        if index and slot == 0:
            pdf.showPage()
        col, row = slot % COLUMNS, slot // COLUMNS
        x = MARGIN_X + col * cell_w
        y = page_h - MARGIN_Y - (row + 1) * cell_h
        pdf.setStrokeColorRGB(0.8, 0.8, 0.8)
        pdf.setLineWidth(0.3)
        pdf.rect(x, y, cell_w, cell_h, stroke=1, fill=0)  # a cutting guide
        _qr(pdf, label.url, x + pad, y + pad, qr_size)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.setFont(font, 10)
        pdf.drawString(x + text_x_offset, y + cell_h - pad - 10, _fit(label.name, font, 10, text_w))
        if label.code:
            pdf.setFont(font, 8)
            pdf.drawString(x + text_x_offset, y + cell_h - pad - 22, _fit(label.code, font, 8, text_w))
    if not labels:
        pdf.setFont(font, 10)
        pdf.drawString(20 * mm, page_h - 20 * mm, title)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
