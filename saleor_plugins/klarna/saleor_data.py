"""Klarna order data from Saleor checkouts and orders (the only Saleor-specific builder).

The lines always add up to the amount Saleor asks the customer to pay: product lines at
Saleor's line totals (without the parts of named adjustments inside them), shipping, the
voucher, named adjustments from other package features (a cart rule's discount or
surcharge), gift cards, and a last ``discount``/``surcharge`` line for any difference left
by other plugins so that ``order_amount`` equals Saleor's total.
"""
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterable, List, Optional

from django.conf import settings
from django.utils import translation
from prices import Money, TaxedMoney

from .amounts import (
    KlarnaLine,
    KlarnaOrderData,
    adjustment_line,
    average_tax_rate,
    klarna_locale,
    minor_units,
    product_line,
    shipping_line,
    tax_of,
    tax_rate_basis_points,
)

# Callables (checkout, lines, discounts) → [Adjustment] that name amounts the package's
# features add to a checkout total (discount rules). Whatever is left unexplained becomes
# one "Adjustment" line.
CHECKOUT_ADJUSTMENTS: List[Callable] = []


@dataclass
class Adjustment:
    """A named, signed change of the checkout total (negative: a discount line, positive:
    a surcharge line). ``line_parts``: checkout line id → the part of it already inside that
    line's total; the product line is shown without it, so the name carries the amount."""

    name: str
    amount: TaxedMoney
    reference: str = ""
    line_parts: Dict[int, TaxedMoney] = field(default_factory=dict)


# Callables (checkout_line) → Klarna ``subscription`` dict or None.
LINE_SUBSCRIPTIONS: List[Callable] = []


def register_checkout_adjustments(provider: Callable) -> Callable:
    if provider not in CHECKOUT_ADJUSTMENTS:
        CHECKOUT_ADJUSTMENTS.append(provider)
    return provider


def register_line_subscription(provider: Callable) -> Callable:
    if provider not in LINE_SUBSCRIPTIONS:
        LINE_SUBSCRIPTIONS.append(provider)
    return provider


def klarna_address(address, email: str = "") -> Optional[dict]:
    if address is None:
        return None
    data = {
        "given_name": address.first_name,
        "family_name": address.last_name,
        "organization_name": address.company_name,
        "street_address": address.street_address_1,
        "street_address2": address.street_address_2,
        "postal_code": address.postal_code,
        "city": address.city,
        "region": address.country_area,
        "country": getattr(address.country, "code", address.country) or "",
        "email": email,
        "phone": address.phone.as_e164 if address.phone else "",
    }
    return {key: str(value) for key, value in data.items() if value}


def _line_name(variant, product_name: str = "", variant_name: str = "") -> str:
    if variant is not None:
        product_name = product_name or variant.product.name
        variant_name = variant_name or variant.name
    if variant_name and variant_name != product_name:
        return f"{product_name} ({variant_name})"
    return product_name


def _line_subscription(line) -> Optional[dict]:
    for provider in LINE_SUBSCRIPTIONS:
        subscription = provider(line)
        if subscription:
            return subscription
    return None


def purchase_country(*addresses, default: str = "") -> str:
    for address in addresses:
        code = getattr(getattr(address, "country", None), "code", None)
        if code:
            return code
    return default or getattr(settings, "DEFAULT_COUNTRY", "NO")


def checkout_order_data(
    checkout, lines: Iterable, discounts, manager, *, default_country: str = ""
) -> KlarnaOrderData:
    """The order body for a checkout, adding up to what the customer must pay."""
    lines = list(lines)
    currency = checkout.currency
    country = purchase_country(
        checkout.billing_address, checkout.shipping_address, default=default_country
    )
    language = getattr(checkout, "language_code", "") or translation.get_language() or "en"
    data = KlarnaOrderData(
        purchase_country=country,
        purchase_currency=currency,
        locale=klarna_locale(language, country),
    )
    totals = [(line, manager.calculate_checkout_line_total(line, discounts)) for line in lines]
    adjustments = [adjustment for provider in CHECKOUT_ADJUSTMENTS
                   for adjustment in provider(checkout, lines, discounts)]
    for line, total in totals:
        for adjustment in adjustments:
            if line.pk in adjustment.line_parts:
                total = total - adjustment.line_parts[line.pk]
        data.order_lines.append(
            product_line(
                _line_name(line.variant),
                line.quantity,
                total,
                reference=line.variant.sku,
                line_type="physical" if line.variant.is_shipping_required() else "digital",
                subscription=_line_subscription(line),
            )
        )
    if checkout.shipping_method_id and checkout.is_shipping_required():
        shipping = manager.calculate_checkout_shipping(checkout, lines, discounts)
        if shipping.gross.amount:
            data.order_lines.append(shipping_line(checkout.shipping_method.name, shipping))
    rate = average_tax_rate(data.order_lines)
    if checkout.discount and checkout.discount.amount:
        name = checkout.discount_name or checkout.voucher_code or "Voucher"
        data.order_lines.append(
            adjustment_line(name, -checkout.discount, rate, reference=checkout.voucher_code or "")
        )
    for adjustment in adjustments:
        if adjustment.amount.gross.amount:
            data.order_lines.append(adjustment_line(
                adjustment.name, adjustment.amount.gross,
                _rate_of(adjustment.amount, default=rate), adjustment.reference))
    total = manager.calculate_checkout_total(checkout, lines, discounts)
    _reconcile(data, minor_units(total.gross), rate, "Adjustment")
    gift_cards = checkout.get_total_gift_cards_balance()
    if gift_cards.amount:
        payable = max(minor_units(total.gross) - minor_units(gift_cards), 0)
        data.order_lines.append(_gift_card_line(payable - data.order_amount))
    return data


def order_order_data(order, *, default_country: str = "", lines=None) -> KlarnaOrderData:
    """The order body for a Saleor order (renewals, tills): adds up to ``order.total``."""
    currency = order.currency
    country = purchase_country(
        order.billing_address, order.shipping_address, default=default_country
    )
    data = KlarnaOrderData(
        purchase_country=country,
        purchase_currency=currency,
        locale=klarna_locale(order.language_code, country),
    )
    for line in lines if lines is not None else order.lines.all():
        total = TaxedMoney(
            net=line.unit_price.net * line.quantity, gross=line.unit_price.gross * line.quantity
        )
        data.order_lines.append(
            product_line(
                _line_name(None, line.product_name, line.variant_name),
                line.quantity,
                total,
                reference=line.product_sku,
                line_type="physical" if line.is_shipping_required else "digital",
                subscription=_line_subscription(line),
            )
        )
    if order.shipping_price.gross.amount:
        data.order_lines.append(
            shipping_line(order.shipping_method_name or "Shipping", order.shipping_price)
        )
    rate = average_tax_rate(data.order_lines)
    discount = getattr(order, "discount", None)
    if discount is not None and discount.amount:
        name = order.discount_name or ("Voucher" if order.voucher_id else "Discount")
        data.order_lines.append(adjustment_line(name, -discount, rate))
    _reconcile(data, minor_units(order.total.gross), rate, "Adjustment")
    return data


def _rate_of(amount: TaxedMoney, default: int) -> int:
    """The VAT rate of a signed amount (a discount's net and gross are both negative)."""
    if not amount.net.amount:
        return default
    if amount.gross.amount < 0:
        amount = TaxedMoney(net=Money(-amount.net.amount, amount.currency),
                            gross=Money(-amount.gross.amount, amount.currency))
    return tax_rate_basis_points(amount)


def _reconcile(data: KlarnaOrderData, expected: int, rate: int, name: str):
    difference = expected - data.order_amount
    if difference:
        line = adjustment_line(name, Money(0, data.purchase_currency), rate)
        line.unit_price = line.total_amount = difference
        line.type = "discount" if difference < 0 else "surcharge"
        line.total_tax_amount = tax_of(difference, rate)
        data.order_lines.append(line)


def _gift_card_line(amount: int) -> KlarnaLine:
    return KlarnaLine(
        name="Gift card", quantity=1, unit_price=amount, total_amount=amount,
        type="gift_card", reference="gift-card",
    )
