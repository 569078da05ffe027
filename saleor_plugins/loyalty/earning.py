"""What a purchase earns on: its earning products' amount excluding VAT and shipping and
excluding the part paid with points, before or after discounts as the merchant chose.

One computation serves the order (what the customer gets) and what the customer is told
before buying (the checkout's ``pointsToEarn``, the product page's ``loyaltyPoints``): the
checkout's lines are priced the way Saleor prices the order's lines from them (the
plugins' line total, the unit price rounded to the cent, its VAT rate as the order line
stores it), so both agree to the point, with or without a tax plugin.
"""
from dataclasses import dataclass
from decimal import Decimal
from typing import Dict, Iterable, List, Optional

from . import program

CENT = Decimal("0.01")


@dataclass
class EarningLine:
    product_id: Optional[int]  # None: the product is gone, the line earns nothing
    quantity: int
    unit_net: Decimal  # after every line discount and the points
    unit_gross: Decimal
    tax_rate: Decimal
    base_price: Decimal  # the catalogue unit price, as the shop enters prices
    points_cents: int  # cents of the unit price paid with points


def earn_base(lines: Iterable[EarningLine], voucher_discount: Decimal, config,
              gross_prices: bool, exceptions) -> Decimal:
    """The amount the points are earned on (``points_for`` turns it into points).

    A voucher lowers only the order total (Saleor takes it off the gross): the earning
    lines take their share of it, net of VAT. A shipping voucher is no product discount
    (callers pass 0 for it)."""
    base = Decimal(0)
    earning_net = Decimal(0)
    all_gross = Decimal(0)
    for line in lines:
        all_gross += line.unit_gross * line.quantity
        if line.product_id is None or not program.earns(line.product_id, exceptions):
            continue
        net = line.unit_net * line.quantity
        earning_net += net
        if config.earn_after_discounts:
            base += net  # unit prices carry every line discount and the points already
        else:
            divisor = (1 + line.tax_rate) if gross_prices else Decimal(1)
            points_part = Decimal(line.points_cents * line.quantity) / 100
            base += (line.base_price * line.quantity - points_part) / divisor
    if config.earn_after_discounts and voucher_discount and all_gross:
        base -= voucher_discount * earning_net / all_gross
    return max(base, Decimal(0)).quantize(CENT)


def _is_shipping_voucher(voucher_type) -> bool:
    from saleor.discount import VoucherType

    return voucher_type == VoucherType.SHIPPING


# --- the order ----------------------------------------------------------------------------

def order_lines(order, per_unit: Dict[str, int]) -> List[EarningLine]:
    """``per_unit``: variant pk (str) -> cents per unit paid with points."""
    lines = []
    for line in order.lines.select_related("variant__product"):
        variant = line.variant
        lines.append(EarningLine(
            product_id=variant.product_id if variant else None, quantity=line.quantity,
            unit_net=line.unit_price_net_amount, unit_gross=line.unit_price_gross_amount,
            tax_rate=line.tax_rate or Decimal(0),
            base_price=variant.base_price.amount if variant else Decimal(0),
            points_cents=per_unit.get(str(line.variant_id), 0)))
    return lines


def order_voucher_discount(order) -> Decimal:
    if not order.discount_amount:
        return Decimal(0)
    voucher = order.voucher if order.voucher_id else None
    if voucher is not None and _is_shipping_voucher(voucher.type):
        return Decimal(0)
    return order.discount_amount


def order_earn_base(order, config, per_unit: Dict[str, int], gross_prices: bool) -> Decimal:
    exceptions = program.product_exceptions(program.cache())
    return earn_base(order_lines(order, per_unit), order_voucher_discount(order), config,
                     gross_prices, exceptions)


# --- before buying ------------------------------------------------------------------------

def checkout_lines(lines, discounts, redemption, manager) -> List[EarningLine]:
    """The checkout's lines as Saleor will write them on the order (see
    ``saleor.checkout.utils.create_line_for_order``)."""
    from saleor.core.taxes import quantize_price

    result = []
    for line in lines:
        total = manager.calculate_checkout_line_total(line, discounts)
        unit = quantize_price(total / line.quantity, total.currency)
        rate = (unit.tax.amount / unit.net.amount).quantize(CENT) if unit.net.amount \
            else Decimal(0)  # the order line keeps two decimals
        result.append(EarningLine(
            product_id=line.variant.product_id, quantity=line.quantity,
            unit_net=unit.net.amount, unit_gross=unit.gross.amount, tax_rate=rate,
            base_price=line.variant.base_price.amount,
            points_cents=redemption.per_unit.get(line.pk, 0)))
    return result


def checkout_voucher_discount(checkout) -> Decimal:
    from saleor.discount.models import Voucher

    if not checkout.voucher_code or not checkout.discount_amount:
        return Decimal(0)
    voucher_type = Voucher.objects.filter(code=checkout.voucher_code).values_list(
        "type", flat=True).first()
    return Decimal(0) if _is_shipping_voucher(voucher_type) else checkout.discount_amount


def checkout_points(checkout, lines, discounts, config, store, redemption, manager) -> int:
    """Points the checkout's order will earn."""
    base = earn_base(checkout_lines(lines, discounts, redemption, manager),
                     checkout_voucher_discount(checkout), config,
                     program.taxes_included(store), program.product_exceptions(store))
    return program.points_for(base, config)


def product_points(product, variants, collections, discounts, config, manager,
                   country) -> int:
    """Points one unit of the product earns (its cheapest variant; sales count when the
    points are earned after discounts), net of VAT as the tax plugins price it."""
    from saleor.product.utils.availability import get_product_price_range

    price = get_product_price_range(
        product=product, variants=variants, collections=collections,
        discounts=discounts if config.earn_after_discounts else []).start
    taxed = manager.apply_taxes_to_product(product, price, country)
    return program.points_for(taxed.net.amount.quantize(CENT), config)
