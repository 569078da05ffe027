"""Rule amounts as Saleor money, exact in the checkout, the order and Klarna.

Saleor 2.10.1 keeps an order line as a unit price times a quantity and recalculates an
order as its lines plus shipping minus its voucher discount. So:

- a rule's cents on a line become at most two unit prices a cent apart (``unit_prices``):
  337.00 for 3 units is 2 x 112.33 + 1 x 112.34, and the order line is split in two when
  the order is made; net and gross are both whole cents per unit, in the line's own tax
  proportion;
- Saleor cannot create an order line at zero (its tax rate is tax / net), so on the checkout
  a line keeps a cent per unit; a discount that takes more comes off the checkout total and
  off the order line once it exists.

Shops whose prices include VAT have rule amounts in gross, the others in net.
"""
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, Iterable, List, Optional, Tuple

from prices import Money, TaxedMoney

from ....discount_rules import rules

CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _sides(price: TaxedMoney, include_taxes: bool) -> Tuple[Decimal, Decimal]:
    """(the shop's price basis, the other side) of a price."""
    if include_taxes:
        return price.gross.amount, price.net.amount
    return price.net.amount, price.gross.amount


def _taxed(basis: Decimal, other: Decimal, include_taxes: bool, currency: str) -> TaxedMoney:
    net, gross = (other, basis) if include_taxes else (basis, other)
    return TaxedMoney(net=Money(net, currency), gross=Money(gross, currency))


def split_units(basis_cents: int, other_per_basis: Decimal, quantity: int,
                include_taxes: bool, currency: str) -> List[Tuple[int, TaxedMoney]]:
    """``basis_cents`` over ``quantity`` units as ``(units, unit price)``: at most two unit
    prices a cent apart, the other side of each from the line's tax proportion."""
    base, extra = divmod(max(basis_cents, 0), quantity)
    groups = []
    for units, unit_cents in ((quantity - extra, base), (extra, base + 1)):
        if units:
            unit_basis = Decimal(unit_cents) / 100
            groups.append((units, _taxed(unit_basis, _cents(unit_basis * other_per_basis),
                                         include_taxes, currency)))
    return groups


def _proportion(price: TaxedMoney, include_taxes: bool) -> Decimal:
    basis, other = _sides(price, include_taxes)
    return other / basis if basis else Decimal(1)


def unit_prices(price: TaxedMoney, change_cents: int, quantity: int,
                include_taxes: bool) -> List[Tuple[int, TaxedMoney]]:
    """A line total changed by signed cents, as ``(units, unit price)``."""
    basis_cents = rules.cents(_sides(price, include_taxes)[0]) + change_cents
    return split_units(basis_cents, _proportion(price, include_taxes), quantity, include_taxes,
                       price.currency)


def unit_prices_of(total: TaxedMoney, quantity: int,
                   include_taxes: bool) -> List[Tuple[int, TaxedMoney]]:
    """A line total as ``(units, unit price)``, what an order line can keep of it."""
    return split_units(rules.cents(_sides(total, include_taxes)[0]),
                       _proportion(total, include_taxes), quantity, include_taxes,
                       total.currency)


def discounted_line(price: TaxedMoney, change_cents: int, quantity: int,
                    include_taxes: bool) -> TaxedMoney:
    """The line total after a signed change of cents, as its order lines will keep it."""
    if not change_cents:
        return price
    total = TaxedMoney(net=Money(0, price.currency), gross=Money(0, price.currency))
    for units, unit in unit_prices(price, change_cents, quantity, include_taxes):
        total += unit * units
    return total


def on_checkout_line(price: TaxedMoney, change_cents: int, quantity: int,
                     include_taxes: bool) -> int:
    """The part of a line's change its checkout line carries: a cent per unit stays."""
    if change_cents >= 0:
        return change_cents
    basis_cents = rules.cents(_sides(price, include_taxes)[0])
    return -min(-change_cents, max(basis_cents - quantity, 0))


def checkout_line_total(price: TaxedMoney, change_cents: int, quantity: int,
                        include_taxes: bool) -> TaxedMoney:
    return discounted_line(price, on_checkout_line(price, change_cents, quantity,
                                                   include_taxes), quantity, include_taxes)


def kept_on_checkout_line(price: TaxedMoney, change_cents: int, quantity: int,
                          include_taxes: bool) -> TaxedMoney:
    """What a checkout line keeps that its order line will not (zero if nothing)."""
    return checkout_line_total(price, change_cents, quantity, include_taxes) - \
        discounted_line(price, change_cents, quantity, include_taxes)


# --- prices of the lines before the rules ------------------------------------------------

def remember_line_price(cache: dict, checkout_line, price: TaxedMoney) -> None:
    """The line's total as the plugins before the rules priced it (taxes included)."""
    cache[("price", checkout_line.checkout_id, checkout_line.pk)] = (
        checkout_line.variant_id, checkout_line.quantity, price)


def line_prices(cache: dict, checkout, lines: Iterable, discounts,
                manager=None) -> Dict[int, TaxedMoney]:
    """Line id → total before the rules; lines not priced yet in this request are priced."""
    lines = list(lines)
    found = {}
    for line in lines:
        remembered = cache.get(("price", checkout.pk, line.pk))
        if remembered is not None and remembered[:2] == (line.variant_id, line.quantity):
            found[line.pk] = remembered[2]
    missing = [line for line in lines if line.pk not in found]
    if missing:
        from saleor.plugins.manager import get_plugins_manager

        from .plugin import DiscountRulesPlugin

        manager = manager or get_plugins_manager()
        for line in missing:
            manager.calculate_checkout_line_total(line, discounts)
        plugin = manager.get_plugin(DiscountRulesPlugin.PLUGIN_ID)
        priced = plugin.evaluations if plugin is not None else cache
        for line in missing:
            remembered = priced.get(("price", checkout.pk, line.pk)) or cache.get(
                ("price", checkout.pk, line.pk))
            if remembered is not None:
                found[line.pk] = remembered[2]
    return found


# --- beyond the lines -----------------------------------------------------------------------

def _zero(currency: str) -> TaxedMoney:
    return TaxedMoney(net=Money(0, currency), gross=Money(0, currency))


def checkout_total_change(evaluation: rules.Evaluation, lines: Iterable,
                          prices: Dict[int, TaxedMoney], include_taxes: bool,
                          currency: str) -> Optional[TaxedMoney]:
    """The cents per unit checkout lines keep of a discount that takes more: they come off
    the total (None: nothing to take off)."""
    change = _zero(currency)
    for line in lines:
        cents_on_line = evaluation.line_cents.get(line.pk, 0)
        price = prices.get(line.pk)
        if not cents_on_line or price is None:
            continue
        change -= kept_on_checkout_line(price, cents_on_line, line.quantity, include_taxes)
    if not change.net.amount and not change.gross.amount:
        return None
    return change


# --- each rule's share of each line --------------------------------------------------------

def line_parts(evaluation: rules.Evaluation, lines: Iterable, prices: Dict[int, TaxedMoney],
               include_taxes: bool) -> Dict[int, Dict[int, TaxedMoney]]:
    """Rule id → line id → the signed part of the rule in the line's total (as the order
    keeps it). The shop's price basis is each rule's cents; the other side of the line's
    change is split between its rules by their cents."""
    parts: Dict[int, Dict[int, TaxedMoney]] = {}
    for line in lines:
        line_total_cents = evaluation.line_cents.get(line.pk, 0)
        price = prices.get(line.pk)
        if not line_total_cents or price is None:
            continue
        change = discounted_line(price, line_total_cents, line.quantity, include_taxes) - price
        other_total = _sides(change, include_taxes)[1]
        sharing = [a for a in evaluation.applied if a.line_cents.get(line.pk)]
        other_left = other_total
        for index, applied in enumerate(sharing):
            cents_on_line = applied.line_cents[line.pk]
            if index == len(sharing) - 1:
                other = other_left
            else:
                other = _cents(other_total * cents_on_line / line_total_cents)
                other_left -= other
            parts.setdefault(applied.rule.id, {})[line.pk] = _taxed(
                Decimal(cents_on_line) / 100, other, include_taxes, price.currency)
    return parts


def rule_totals(evaluation: rules.Evaluation, parts: Dict[int, Dict[int, TaxedMoney]],
                currency: str) -> Dict[int, TaxedMoney]:
    """Rule id → its signed change of the total, net and gross."""
    totals = {}
    for applied in evaluation.applied:
        total = _zero(currency)
        for part in parts.get(applied.rule.id, {}).values():
            total += part
        totals[applied.rule.id] = total
    return totals


def adjust_line_total(price: TaxedMoney, per_unit_cents: int, quantity: int,
                      include_taxes: bool) -> TaxedMoney:
    """Add signed cents per unit to a line total, keeping its tax proportion, so that net
    and gross are whole cents per unit (what an order line keeps); used by loyalty points
    and subscriptions."""
    return discounted_line(price, per_unit_cents * quantity, quantity, include_taxes)


def zero_shipping(currency: str) -> TaxedMoney:
    return TaxedMoney(net=Money(0, currency), gross=Money(0, currency))
