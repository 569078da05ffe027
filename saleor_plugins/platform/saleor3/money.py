"""Money as text in the request's language (Saleor 3.23 has no django-prices: Babel)."""


def format_money(amount, currency: str) -> str:
    from babel.numbers import format_currency
    from django.conf import settings
    from django.utils.translation import get_language, to_locale

    return format_currency(amount, currency, locale=to_locale(
        get_language() or settings.LANGUAGE_CODE))
