"""CSV files the package exports, written in one place so that no cell runs as a formula.

Spreadsheets read a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (and
some skip a leading tab or carriage return first): a customer's comment
``=HYPERLINK("http://…", "Click")`` became a live link in staff's picking list. Such text
cells are written with a leading apostrophe, which spreadsheets show as plain text. Numbers
stay numbers.
"""
import csv
import io
from typing import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a cell no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A UTF-8 CSV file of ``header`` and ``rows``, every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")
