"""Saleor 2.10.1's checkout → ``rules.Cart`` and its evaluation, once per request and cart
state (2.10.1 prices through the plugin's price hooks, many times per request)."""
from decimal import Decimal
from typing import Optional

from prices import TaxedMoney

from ....discount_rules import rules
from ....discount_rules.cart import (
    CODE_CONDITIONS,
    COUNTRY_CONDITIONS,
    GROUP_CONDITIONS,
    ORDER_HISTORY_CONDITIONS,
    condition_types,
    customer_facts,
)
from ....discount_rules.codes import usable_code_ids


def _amount(price: TaxedMoney, include_taxes: bool) -> Decimal:
    return (price.gross if include_taxes else price.net).amount


def build_cart(checkout, lines, discounts, include_taxes: bool,
               needed: Optional[frozenset] = None) -> rules.Cart:
    """The cart the rules judge; ``needed`` (condition types) leaves out the facts, and
    their queries, that no rule asks about (None: every fact)."""
    from saleor.checkout.base_calculations import base_checkout_line_total

    def wanted(types):
        return needed is None or bool(needed & types)

    cart_lines = []
    discounts = list(discounts or [])
    _load_variants(lines)
    for line in lines:
        variant = line.variant
        undiscounted = variant.base_price * line.quantity
        if discounts:  # Saleor sales lower the line; without any, the price is the price
            total = base_checkout_line_total(line, discounts)
        else:
            total = TaxedMoney(net=undiscounted, gross=undiscounted)
        cart_lines.append(rules.CartLine(
            id=line.pk,
            variant_id=variant.pk,
            product_id=variant.product_id,
            category_id=variant.product.category_id,
            quantity=line.quantity,
            undiscounted=rules.cents(undiscounted.amount),
            total=rules.cents(_amount(total, include_taxes)),
        ))
    address = checkout.shipping_address if wanted(COUNTRY_CONDITIONS) else None
    return rules.Cart(
        lines=tuple(cart_lines),
        customer=customer_facts(checkout.user_id, groups=wanted(GROUP_CONDITIONS),
                                history=wanted(ORDER_HISTORY_CONDITIONS)),
        shipping_method_id=checkout.shipping_method_id,
        shipping_country=address.country.code if address else "",
        code_ids=usable_code_ids(checkout) if wanted(CODE_CONDITIONS) else frozenset(),
    )


def _load_variants(lines) -> None:
    """Saleor's lines come with at most the priced ones' variants: the rest with their
    products in one query, which Saleor's own pricing of those lines then uses."""
    from saleor.product.models import ProductVariant

    missing = [line for line in lines if "variant" not in line._state.fields_cache]
    if not missing:
        return
    variants = ProductVariant.objects.select_related("product").in_bulk(
        {line.variant_id for line in missing})
    for line in missing:
        if line.variant_id in variants:  # else read (and fail) as Saleor would
            line.variant = variants[line.variant_id]


def _lines(checkout):
    return list(checkout.lines.select_related("variant__product"))


def lines_with_checkout(checkout_token) -> list:
    from saleor.checkout.models import CheckoutLine

    return list(CheckoutLine.objects.filter(checkout_id=checkout_token).select_related(
        "checkout", "variant__product"))


def evaluation_key(checkout):
    return (checkout.pk, checkout.shipping_method_id, checkout.shipping_address_id,
            checkout.user_id, checkout.last_change)


def evaluate_checkout(checkout, discounts, rule_list, include_taxes, cache: dict, lines=None):
    """The checkout's evaluation, computed once per request (``cache``) and cart state.

    Saleor's resolvers load a checkout and its lines several times per request, each time as
    new objects, so the cache is keyed by the checkout's identity and state, not the object.
    """
    key = evaluation_key(checkout)
    cached = cache.get(key)
    if cached is not None:
        cache[("latest", checkout.pk)] = cached
        return cached
    lines = _lines(checkout) if lines is None else list(lines)
    cache[("lines", checkout.pk)] = lines
    cart = build_cart(checkout, lines, discounts, include_taxes, condition_types(rule_list))
    evaluation = rules.evaluate(rule_list, cart)
    signature = {line.id: (line.variant_id, line.quantity) for line in cart.lines}
    cache[key] = cache[("latest", checkout.pk)] = (evaluation, signature)
    return evaluation, signature


def loaded_lines(cache: dict, checkout, saleor_lines) -> Optional[list]:
    """The lines this request loaded for the checkout, while Saleor's own ``lines`` of it
    are still the same lines (a new shipping method needs a new evaluation, not new lines)."""
    loaded = cache.get(("lines", checkout.pk))
    if loaded is None or not isinstance(saleor_lines, (list, tuple)):
        return None

    def state(lines):
        return {(line.pk, line.variant_id, line.quantity) for line in lines}

    return loaded if state(loaded) == state(saleor_lines) else None


def forget(cache: dict, checkout):
    for key in [k for k in cache if checkout.pk in (k[0], k[1])]:
        del cache[key]
