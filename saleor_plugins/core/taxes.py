"""The shop's VAT mode.

Read from the database, not through ``Site.objects.get_current()``: Django caches the
current site with its settings per process, so a change made by staff would not be seen.
``include_taxes`` reads it once per request (cart rules, loyalty and the till price with
it); outside a request the caller's ``fallback`` dict keeps it (none given: every call
reads it).
"""
from typing import Optional

from . import request_cache

SECTION = "taxes"


def include_taxes_in_prices() -> bool:
    from saleor.site.models import SiteSettings

    value = SiteSettings.objects.values_list("include_taxes_in_prices", flat=True).first()
    return value is not False


def include_taxes_sql() -> str:
    """The setting as a sub-select, for a query that reads it along with its own data."""
    from saleor.site.models import SiteSettings

    table = SiteSettings._meta.db_table
    return f"(SELECT include_taxes_in_prices FROM {table} ORDER BY id LIMIT 1)"


def include_taxes(fallback: Optional[dict] = None) -> bool:
    cache = request_cache.section(SECTION, fallback if fallback is not None else {})
    if "include_taxes" not in cache:
        cache["include_taxes"] = include_taxes_in_prices()
    return cache["include_taxes"]


def remember_include_taxes(value: Optional[bool], fallback: Optional[dict] = None) -> None:
    """The setting as read by ``include_taxes_sql`` (None: no site settings row)."""
    cache = request_cache.section(SECTION, fallback if fallback is not None else {})
    cache["include_taxes"] = value is not False
