"""The checkout an order is created from, handed from ``preprocess_order_creation`` to
``order_created`` within one ``checkoutComplete`` request.

Saleor 2.10.1 gives ``order_created`` only the order. The checkout (still in the database
until the order exists) and the sales Saleor priced it with were handed to
``preprocess_order_creation`` a moment before in the same request; outside a request, or
when no plugin saw that hook, both are read again.
"""
from . import request_cache

SECTION = "order_checkout"


def remember(checkout, discounts) -> None:
    cache = request_cache.get()
    if cache is not None:
        cache.setdefault(SECTION, {})[str(checkout.token)] = (checkout, discounts)


def checkout_of(order):
    """``(checkout, discounts)`` the order was created from; ``(None, None)`` without one."""
    from django.utils import timezone
    from saleor.checkout.models import Checkout
    from saleor.discount.utils import fetch_discounts

    if not order.checkout_token:
        return None, None
    remembered = request_cache.section(SECTION, {}).get(str(order.checkout_token))
    if remembered is not None:
        return remembered
    checkout = Checkout.objects.filter(token=order.checkout_token).first()
    if checkout is None:
        return None, None
    return checkout, fetch_discounts(timezone.now())
