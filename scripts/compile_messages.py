"""Compile saleor_plugins/locale/*/LC_MESSAGES/django.po to .mo with Babel (no GNU gettext needed)."""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent / "saleor_plugins" / "locale"

for po_path in sorted(ROOT.glob("*/LC_MESSAGES/django.po")):
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file)
    with po_path.with_suffix(".mo").open("wb") as mo_file:
        write_mo(mo_file, catalog)
    print(f"compiled {po_path.relative_to(ROOT)} ({len(catalog)} messages)")
