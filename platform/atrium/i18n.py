"""Compile the shipped translations (locale/*/LC_MESSAGES/*.po) into .mo files.

Compiled catalogues are build products and stay out of git; a fresh machine has no gettext
tools, so Babel (pure Python) compiles them whenever a .po is newer than its .mo. `atrium up`,
`atrium test` and the container build call this. Editing translations: `./dev manage
makemessages -l ru` (needs gettext's xgettext), translate, and the next run compiles.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def compile_messages(root: Path = ROOT) -> list[Path]:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    compiled = []
    for po_path in sorted((root / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        compiled.append(mo_path)
    return compiled


if __name__ == "__main__":
    for path in compile_messages():
        print(f"compiled {path.relative_to(ROOT)}")
