"""Money as text, as Saleor 2.10.1 writes it (django-prices)."""


def format_money(amount, currency: str) -> str:
    from django_prices.utils.formatting import format_price

    return format_price(amount, currency, html=False)
