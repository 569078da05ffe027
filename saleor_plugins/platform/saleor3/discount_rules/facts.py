"""A Saleor 3.23 checkout as the rules see it (``rules.Cart``), and the rules of its channel."""
from decimal import Decimal
from typing import Dict, List, Optional, Tuple

from django.utils import timezone

from ....discount_rules import cart as shared, rules
from ....discount_rules.codes import usable_code_ids
from ....discount_rules.models import DiscountRule

GIFT_KEY = "saleor_plugins.discount_rules.gift"  # a gift line's private metadata: its rule


def is_package_row(row) -> bool:
    """A line discount the package wrote: typed order promotion, with no promotion rule."""
    from saleor.discount import DiscountType

    return row.type == DiscountType.ORDER_PROMOTION and row.promotion_rule_id is None \
        and row.voucher_id is None


def gift_rule_id(line) -> Optional[int]:
    return (line.private_metadata or {}).get(GIFT_KEY)


def channel_rules(channel_slug: str, now=None) -> List[rules.Rule]:
    """Active rules of the channel (None: of any channel), in their date window and under
    their usage limit."""
    now = now or timezone.now()
    found = []
    queryset = DiscountRule.objects.filter(is_active=True).prefetch_related("conditions", "codes")
    for row in queryset:
        if channel_slug is not None and row.channels and channel_slug not in row.channels:
            continue
        if (row.starts_at and row.starts_at > now) or (row.ends_at and row.ends_at <= now):
            continue
        if row.usage_limit is not None and row.used_count >= row.usage_limit:
            continue
        rule = shared.to_rule(row)
        if row.usage_limit is not None:
            rule = rules.Rule(**{**rule.__dict__, "usage_limited": True})
        found.append(rule)
    return found


def checkout_lines(checkout) -> list:
    from saleor.checkout.models import CheckoutLine

    return list(CheckoutLine.objects.filter(checkout_id=checkout.pk).select_related(
        "variant__product").prefetch_related("discounts").order_by("created_at", "pk"))


def unit_prices(checkout, lines) -> Dict[object, Decimal]:
    """Each line's undiscounted unit price in the checkout's channel (as entered)."""
    from saleor.product.models import ProductVariantChannelListing

    listed = dict(ProductVariantChannelListing.objects.filter(
        channel_id=checkout.channel_id, variant_id__in={line.variant_id for line in lines}
    ).values_list("variant_id", "price_amount"))
    return {
        line.pk: line.price_override if line.price_override is not None
        else (listed.get(line.variant_id) or Decimal(0))
        for line in lines
    }


def shipping_method_id(checkout) -> Optional[int]:
    delivery = checkout.assigned_delivery
    if delivery is not None and delivery.built_in_shipping_method_id:
        return delivery.built_in_shipping_method_id
    return checkout.shipping_method_id


def build_cart(checkout, lines, prices, rule_list) -> rules.Cart:
    """The untouched cart: prices before the package's rows (Saleor's catalogue promotions
    lower a line's ``total``, not its ``undiscounted``); gift lines are not judged."""
    needed = shared.condition_types(rule_list)
    cart_lines = []
    for line in lines:
        if gift_rule_id(line) is not None:
            continue
        undiscounted = prices[line.pk] * line.quantity
        saleor_off = sum((row.amount_value for row in line.discounts.all()
                          if not is_package_row(row)), Decimal(0))
        cart_lines.append(rules.CartLine(
            id=line.pk, variant_id=line.variant_id, product_id=line.variant.product_id,
            category_id=line.variant.product.category_id, quantity=line.quantity,
            undiscounted=rules.cents(undiscounted),
            total=max(rules.cents(undiscounted - saleor_off), 0),
        ))
    address = checkout.shipping_address if needed & shared.COUNTRY_CONDITIONS else None
    return rules.Cart(
        lines=tuple(cart_lines),
        customer=shared.customer_facts(
            checkout.user_id, groups=bool(needed & shared.GROUP_CONDITIONS),
            history=bool(needed & shared.ORDER_HISTORY_CONDITIONS), currency=checkout.currency),
        shipping_method_id=shipping_method_id(checkout),
        shipping_country=address.country.code if address else "",
        code_ids=usable_code_ids(checkout) if needed & shared.CODE_CONDITIONS else frozenset(),
    )


def evaluate(checkout) -> Tuple[rules.Evaluation, list, dict]:
    """The checkout's evaluation with the lines and unit prices it was made from."""
    rule_list = channel_rules(checkout.channel.slug)
    lines = checkout_lines(checkout)
    prices = unit_prices(checkout, lines)
    if not rule_list:
        return rules.Evaluation(), lines, prices
    return rules.evaluate(rule_list, build_cart(checkout, lines, prices, rule_list)), lines, prices
