"""App icons (192 and 512 px PNG) for the portal's web manifest, drawn with Pillow.

With a logo: the logo fitted into the middle of a square of the primary colour; without one: the
account's initials on it. Everything that matters stays inside the central 80 % circle, so the
icons work as "maskable" (an OS may cut them to a circle or a squircle). Drawn once per account,
version and size in each process.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from threading import Lock

from django.db import connection

from .models import Branding

SIZES = (192, 512)
_cache: OrderedDict[tuple, bytes] = OrderedDict()
_lock = Lock()
CACHE_SIZE = 256


def initials(name: str) -> str:
    words = [w for w in (name or "").replace("-", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "A"


def _colour(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def _text_colour(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    luminance = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]
    return (17, 24, 39) if luminance > 160 else (255, 255, 255)


def draw_icon(branding: Branding, account_name: str, size: int) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    background = _colour(branding.primary_color)
    icon = Image.new("RGB", (size, size), background)
    if branding.logo:
        with branding.logo.open("rb") as fh, Image.open(fh) as logo:
            logo = logo.convert("RGBA")
            box = int(size * 0.56)  # inside the maskable safe zone
            logo.thumbnail((box, box), Image.LANCZOS)
            icon.paste(logo, ((size - logo.width) // 2, (size - logo.height) // 2), logo)
    else:
        draw = ImageDraw.Draw(icon)
        text = initials(account_name)
        font = ImageFont.load_default(size=int(size * (0.36 if len(text) > 1 else 0.44)))
        draw.text((size / 2, size / 2), text, fill=_text_colour(background), font=font, anchor="mm")
    out = io.BytesIO()
    icon.save(out, "PNG", optimize=True)
    return out.getvalue()


def icon_png(branding: Branding, account_name: str, size: int) -> bytes:
    key = (connection.schema_name, branding.version, branding.primary_color, account_name, size)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    data = draw_icon(branding, account_name, size)
    with _lock:
        _cache[key] = data
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return data
