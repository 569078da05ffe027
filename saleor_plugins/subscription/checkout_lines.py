"""Subscription lines of a checkout: the first-order discount and what Klarna is told.

The discount lowers the line total (whole cents per unit), so Saleor copies it into the
order's unit price and keeps it when the order is recalculated.
"""
from decimal import ROUND_HALF_UP, Decimal

from prices import TaxedMoney

from .models import CheckoutSubscriptionLine
from .scheduling import DAYS, MONTHS, WEEKS, Interval

CACHE_SECTION = "subscription"
KLARNA_UNITS = {DAYS: "DAY", WEEKS: "WEEK", MONTHS: "MONTH"}


def first_order_discounts(marked_lines) -> dict:
    """{checkout line pk: percent} for the subscription lines (``marked_lines``, with their
    plans) that have a first-order discount."""
    return {mark.checkout_line_id: mark.plan.first_order_discount for mark in marked_lines
            if mark.plan.first_order_discount > 0}


def discount_per_unit_cents(line_total: TaxedMoney, quantity: int, percent: Decimal) -> int:
    unit_cents = line_total.gross.amount * 100 / quantity
    return int((unit_cents * Decimal(percent) / 100).quantize(Decimal(1), ROUND_HALF_UP))


def discounted_line_total(line_total: TaxedMoney, quantity: int, percent: Decimal
                          ) -> TaxedMoney:
    from saleor_plugins.platform.saleor2.discount_rules.prices import adjust_line_total

    if not quantity:
        return line_total
    cents = discount_per_unit_cents(line_total, quantity, percent)
    return adjust_line_total(line_total, -cents, quantity, include_taxes=True)


def wants_token(checkout, lines) -> bool:
    """Klarna tokenizes the payment method of a checkout with subscription lines."""
    return CheckoutSubscriptionLine.objects.filter(checkout_token=checkout.token).exists()


def klarna_line_subscription(line):
    """Klarna's ``subscription`` object for a checkout line bought as a subscription."""
    from saleor.checkout.models import CheckoutLine

    if not isinstance(line, CheckoutLine):
        return None
    mark = CheckoutSubscriptionLine.objects.filter(checkout_line_id=line.pk).select_related(
        "plan").first()
    if mark is None:
        return None
    return klarna_subscription(mark.plan.name, mark.interval)


def klarna_subscription(name: str, interval_code: str) -> dict:
    interval = Interval.parse(interval_code)
    return {"name": name[:255], "interval": KLARNA_UNITS[interval.unit],
            "interval_count": interval.count}
