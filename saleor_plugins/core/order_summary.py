"""The amounts an order e-mail lists: product lines, named adjustments, shipping, total.

Saleor keeps some of the package's amounts inside the order's unit prices (cart-rule
discounts and surcharges, which may split a line in two unit prices a cent apart). A
feature registers a provider that says which part of each line is its adjustment and which
lines are one line split; the e-mail then shows the lines before the adjustments and each
adjustment as a named row, adding up to the order's total.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Dict, List, Optional

from prices import Money

PROVIDERS: List[Callable] = []


def register_order_adjustments(provider: Callable) -> Callable:
    """``provider(order)`` → ``OrderAdjustments`` or None."""
    if provider not in PROVIDERS:
        PROVIDERS.append(provider)
    return provider


@dataclass
class Adjustment:
    label: str  # what it is, translated ("Discount", "Surcharge")
    name: str  # what the shop called it
    amount: Optional[Money]  # signed gross; None: nothing to add (free shipping, a gift)
    code: str = ""


@dataclass
class OrderAdjustments:
    rows: List[Adjustment] = field(default_factory=list)
    line_changes: Dict[int, Decimal] = field(default_factory=dict)  # order line → gross in it
    shown_with: Dict[int, int] = field(default_factory=dict)  # a split line → its first part


@dataclass
class SummaryLine:
    line: object
    quantity: int
    unit: Money
    total: Money


@dataclass
class Summary:
    lines: List[SummaryLine]
    subtotal: Money
    rows: List[Adjustment]


def summary(order) -> Summary:
    currency = order.currency
    changes: Dict[int, Decimal] = {}
    shown_with: Dict[int, int] = {}
    rows: List[Adjustment] = []
    for provider in PROVIDERS:
        adjustments = provider(order)
        if adjustments is None:
            continue
        for line_id, change in adjustments.line_changes.items():
            changes[line_id] = changes.get(line_id, Decimal(0)) + change
        shown_with.update(adjustments.shown_with)
        rows.extend(adjustments.rows)
    shown: Dict[int, list] = {}  # first part → [line, quantity, total]
    for line in order.lines.all():
        key = shown_with.get(line.pk, line.pk)
        entry = shown.setdefault(key, [line, 0, Money(0, currency)])
        if key == line.pk:
            entry[0] = line
        entry[1] += line.quantity
        entry[2] += line.get_total().gross
    lines = []
    subtotal = Money(0, currency)
    for key, (line, quantity, total) in shown.items():
        total -= Money(changes.get(key, Decimal(0)), currency)
        unit = Money((total.amount / quantity).quantize(Decimal("0.01"), ROUND_HALF_UP),
                     currency)
        lines.append(SummaryLine(line=line, quantity=quantity, unit=unit, total=total))
        subtotal += total
    return Summary(lines=lines, subtotal=subtotal, rows=rows)
