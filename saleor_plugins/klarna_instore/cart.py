"""Till cart maths in Decimal: line sums, item count, VAT per rate, Klarna order lines.

Prices at the till are gross (VAT included), as on a shop shelf. Each line's VAT is taken
from its rounded gross total (``gross - gross / (1 + rate)``), and the totals are the sums
of the lines, so receipt, Saleor order and Klarna order agree to the cent.
"""
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Dict, Iterable, List

from prices import Money

from ..klarna.amounts import KlarnaLine, KlarnaOrderData, klarna_locale, minor_units, tax_of

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def net_of(gross: Decimal, rate: Decimal) -> Decimal:
    return cents(gross * HUNDRED / (HUNDRED + rate))


@dataclass
class LineAmounts:
    total: Decimal  # gross
    net: Decimal
    vat: Decimal
    price_change: Decimal  # per unit, against the list price (negative = discount)


def line_amounts(line) -> LineAmounts:
    total = cents(line.unit_price * line.quantity)
    net = net_of(total, line.vat_rate)
    return LineAmounts(total=total, net=net, vat=total - net,
                       price_change=cents(line.unit_price - line.list_unit_price))


@dataclass
class VatGroup:
    rate: Decimal
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    gross: Decimal = Decimal("0.00")


@dataclass
class CartTotals:
    total: Decimal = Decimal("0.00")
    net: Decimal = Decimal("0.00")
    vat: Decimal = Decimal("0.00")
    item_count: int = 0
    vat_groups: List[VatGroup] = field(default_factory=list)


def cart_totals(lines: Iterable) -> CartTotals:
    totals = CartTotals()
    groups: Dict[Decimal, VatGroup] = {}
    for line in lines:
        amounts = line_amounts(line)
        totals.total += amounts.total
        totals.net += amounts.net
        totals.vat += amounts.vat
        if not line.is_text:
            totals.item_count += line.quantity
        if amounts.total:
            group = groups.setdefault(line.vat_rate, VatGroup(rate=line.vat_rate))
            group.net += amounts.net
            group.vat += amounts.vat
            group.gross += amounts.total
    totals.vat_groups = [groups[rate] for rate in sorted(groups)]
    return totals


def klarna_line(line) -> KlarnaLine:
    """One till line as Klarna wants it; an override below list price shows as a discount."""
    currency = line.sale.currency
    amounts = line_amounts(line)
    total = minor_units(amounts.total, currency)
    rate = int(line.vat_rate * 100)
    name = f"{line.name} ({line.variant_name})" if line.variant_name else line.name
    if total < 0:  # a free-text deduction
        return KlarnaLine(name=name, quantity=1, unit_price=total, total_amount=total,
                          tax_rate=rate, total_tax_amount=tax_of(total, rate), type="discount",
                          reference=line.sku)
    unit = minor_units(line.list_unit_price, currency)
    if unit * line.quantity < total:  # override above list price: no discount to show
        unit = int((Decimal(total) / line.quantity).to_integral_value(rounding=ROUND_CEILING))
    return KlarnaLine(
        name=name,
        quantity=line.quantity,
        unit_price=unit,
        total_amount=total,
        total_discount_amount=unit * line.quantity - total,
        tax_rate=rate,
        total_tax_amount=tax_of(total, rate),
        type="physical" if line.is_shipping_required else "digital",
        reference=line.sku,
    )


def klarna_order_data(sale, lines) -> KlarnaOrderData:
    data = KlarnaOrderData(
        purchase_country=sale.country,
        purchase_currency=sale.currency,
        locale=klarna_locale(sale.language_code, sale.country),
    )
    for line in lines:
        if line.unit_price * line.quantity != 0:
            data.order_lines.append(klarna_line(line))
    return data


def money(amount: Decimal, currency: str) -> Money:
    return Money(cents(amount), currency)
