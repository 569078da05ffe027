"""The shop's VAT mode.

Read from the database, not through ``Site.objects.get_current()``: Django caches the
current site with its settings per process, so a change made by staff would not be seen.
"""


def include_taxes_in_prices() -> bool:
    from saleor.site.models import SiteSettings

    value = SiteSettings.objects.values_list("include_taxes_in_prices", flat=True).first()
    return value is not False
