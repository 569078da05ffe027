"""Checks every page's test uses: nothing shown in English on a page in another language.

``untranslated(html, language)`` lists the texts of a page (text nodes and the attributes a
person reads or hears: ``aria-label``, ``placeholder``, ``title``, ``alt``, and the script's
texts in the page's configuration) that are English messages of the package's catalogue with
a different translation in ``language``: a string left out of ``{% trans %}``/``gettext``, or
translated in the catalogue but shown in English anyway.
"""
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "saleor_plugins" / "locale"
READ_ATTRIBUTES = ("aria-label", "placeholder", "title", "alt")


def catalogue(language: str) -> dict:
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        return {message.id: message.string for message in read_po(po_file)
                if message.id and isinstance(message.id, str)}


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts, self.config, self._skip, self._in_config = [], None, 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and attrs.get("id") == "page-config":
            self._in_config = True
        elif tag in ("script", "style"):
            self._skip += 1
        self.texts += [attrs[name] for name in READ_ATTRIBUTES if attrs.get(name)]

    def handle_endtag(self, tag):
        if tag == "script" and self._in_config:
            self._in_config = False
        elif tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)

    def handle_data(self, data):
        if self._in_config:
            self.config = json.loads(data)
        elif not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


def page_texts(html: str):
    parser = _Texts()
    parser.feed(html)
    script_texts = list((parser.config or {}).get("texts", {}).values())
    return parser.texts, script_texts


def untranslated(html: str, language: str) -> list:
    """English messages shown on a page rendered in ``language`` (empty: all translated)."""
    messages = catalogue(language)
    english = {msgid for msgid, msgstr in messages.items() if msgstr and msgstr != msgid}
    texts, script_texts = page_texts(html)
    return sorted({text for text in texts + script_texts if text in english})


def english_texts(html: str) -> set:
    """Every text of the page in English (to check a page in English uses the catalogue)."""
    texts, script_texts = page_texts(html)
    return {text for text in texts + script_texts if re.search(r"[A-Za-z]", text)}
