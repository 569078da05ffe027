"""Which shipping methods can ship a subscription's renewals, and choosing one.

The test is Saleor's checkout test (``applicable_shipping_methods``): the shipping zone of
the address's country, the method's currency, and its price or weight limits against the
renewal's goods (unit price × quantity, gross; the variant's weight × quantity). A new
address keeps the subscription's method and price when that method ships there; otherwise
the change is refused until the customer picks a method that does, which is then priced
at its current price (as a checkout prices it).
"""
from typing import Optional

from django.utils.translation import gettext as _


def requires_shipping(subscription) -> bool:
    variant = subscription.variant
    return variant.is_shipping_required() if variant is not None else True


def available(subscription, country_code: Optional[str]):
    """The methods that ship the subscription's next renewal to ``country_code``."""
    from saleor.core.weight import zero_weight
    from saleor.shipping.models import ShippingMethod

    from .subscriptions import renewal_prices

    if not country_code:
        return ShippingMethod.objects.none()
    goods = renewal_prices(subscription, with_shipping=False).total.gross
    variant = subscription.variant
    weight = variant.get_weight() if variant is not None else None
    weight = (weight or zero_weight()) * subscription.quantity
    return ShippingMethod.objects.applicable_shipping_methods(goods, weight, country_code)


def _country(address) -> Optional[str]:
    code = getattr(getattr(address, "country", None), "code", None)
    return code or None


def check(subscription, address, method=None):
    """Ship to ``address`` with ``method`` (``None``: the current method) or refuse with a
    typed error; a new method replaces the shipping method, its name and its price."""
    from .subscriptions import SubscriptionError

    if not requires_shipping(subscription):
        return
    chosen = method or subscription.shipping_method
    if chosen is None:
        raise SubscriptionError(_("Choose a shipping method for this address."),
                                "subscription_shipping_method_unavailable", "shippingMethodId")
    if not available(subscription, _country(address)).filter(pk=chosen.pk).exists():
        raise SubscriptionError(
            _("%(method)s does not ship to this address. Choose another shipping method.")
            % {"method": chosen.name},
            "subscription_shipping_method_unavailable", "shippingMethodId")
    if method is not None and method.pk != subscription.shipping_method_id:
        subscription.shipping_method = method
        subscription.shipping_method_name = method.name
        subscription.shipping_price = method.price.amount
