"""An order line whose discounted total does not divide by its quantity, split in two, so
that every line's unit price times its quantity is its total (no cent lost or made up when
Saleor, an e-mail or a payment provider multiplies the unit price again).

``n`` units for ``T`` cents (in the price basis the channel's prices are entered in) become
``n - r`` units at ``T // n`` and ``r`` units at one cent more, ``r = T % n``; the line's
discount rows, its allocations and its other-basis (net or gross) total are shared between
the two so that the order's totals stay what they were. Done when the order is made, not on
the checkout: Saleor refuses ``variantId`` updates of a variant that stands in two checkout
lines.
"""
import uuid
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from .facts import is_package_row

CENT = Decimal("0.01")


def _cents(amount) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _money(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def _shares(amounts, part_total, whole_total):
    """Each amount's part (cents) so that the parts add up to ``part_total`` exactly."""
    parts = [amount * part_total // whole_total for amount in amounts]
    if parts:
        largest = max(range(len(amounts)), key=lambda i: abs(amounts[i]))
        parts[largest] += part_total - sum(parts)
    return parts


def _set_prices(line, units, unit_cents, entered_with_tax, other_total):
    """The line's quantity and prices for ``units`` at ``unit_cents`` (entered basis), with
    ``other_total`` (the other basis' total, a Decimal)."""
    total = _money(unit_cents * units)
    net_total, gross_total = (other_total, total) if entered_with_tax else (total, other_total)
    line.quantity = units
    line.base_unit_price_amount = _money(unit_cents)
    line.unit_discount_amount = line.unit_discount_value = (
        line.undiscounted_base_unit_price_amount - _money(unit_cents))
    line.total_price_net_amount, line.total_price_gross_amount = net_total, gross_total
    line.unit_price_net_amount = (net_total / units).quantize(CENT, rounding=ROUND_HALF_UP)
    line.unit_price_gross_amount = (gross_total / units).quantize(CENT, rounding=ROUND_HALF_UP)
    line.undiscounted_total_price_net_amount = line.undiscounted_unit_price_net_amount * units
    line.undiscounted_total_price_gross_amount = (
        line.undiscounted_unit_price_gross_amount * units)


def _set_amount(row, amount):
    row.amount_value = amount
    if row.value_type == "fixed":  # a percentage stays the percentage
        row.value = amount


def _other_total(total: Decimal, rate: Decimal, entered_with_tax: bool) -> Decimal:
    value = total / (1 + rate) if entered_with_tax else total * (1 + rate)
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def split_line(line, entered_with_tax: bool) -> bool:
    """Split ``line`` (an ``OrderLine`` with the package's rows) when its total does not
    divide by its quantity."""
    from saleor.warehouse.models import Allocation

    quantity = line.quantity
    rows = list(line.discounts.all())
    if quantity < 2 or not any(is_package_row(row) for row in rows):
        return False
    entered = line.total_price_gross_amount if entered_with_tax else line.total_price_net_amount
    total = _cents(entered)
    rest = total % quantity
    if not rest:
        return False
    unit = total // quantity
    first_units, second_units = quantity - rest, rest
    other = line.total_price_net_amount if entered_with_tax else line.total_price_gross_amount
    rate = line.tax_rate or Decimal(0)
    first_other = _other_total(_money(unit * first_units), rate, entered_with_tax)
    undiscounted = _cents(line.undiscounted_base_unit_price_amount)
    first_discount = first_units * (undiscounted - unit)
    whole_discount = quantity * undiscounted - total
    row_cents = [_cents(row.amount_value) for row in rows]
    first_rows = _shares(row_cents, first_discount, whole_discount) if whole_discount else \
        [0] * len(rows)
    with transaction.atomic():
        second = type(line).objects.get(pk=line.pk)
        second.id = uuid.uuid4()
        _set_prices(second, second_units, unit + 1, entered_with_tax, other - first_other)
        second.save(force_insert=True)
        _set_prices(line, first_units, unit, entered_with_tax, first_other)
        line.save()
        for row, whole, first in zip(rows, row_cents, first_rows):
            if whole - first:
                copy = type(row).objects.get(pk=row.pk)
                copy.id = uuid.uuid4()
                copy.line = second
                _set_amount(copy, _money(whole - first))
                copy.save(force_insert=True)
            _set_amount(row, _money(first))
            row.save(update_fields=["amount_value", "value"])
        moving = second_units
        for allocation in Allocation.objects.select_for_update().filter(order_line=line):
            take = min(moving, allocation.quantity_allocated)
            if take:
                allocation.quantity_allocated -= take
                allocation.save(update_fields=["quantity_allocated"])
                Allocation.objects.create(order_line=second, stock_id=allocation.stock_id,
                                          quantity_allocated=take)
                moving -= take
    return True


def split_order_lines(order) -> int:
    """Split every line of the order (with the package's rows) whose total does not divide
    by its quantity."""
    from saleor.order.models import OrderLine

    config = order.channel.tax_configuration
    lines = OrderLine.objects.filter(order_id=order.pk).prefetch_related("discounts")
    split = sum(split_line(line, config.prices_entered_with_tax) for line in list(lines))
    if split:  # on the object Saleor holds too: it may save it again
        order.lines_count = OrderLine.objects.filter(order_id=order.pk).count()
        type(order).objects.filter(pk=order.pk).update(lines_count=order.lines_count)
    return split
