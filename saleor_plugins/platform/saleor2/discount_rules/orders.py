"""What the rules leave in a Saleor order: exact unit prices (a line split in two where its
units differ by a cent), the recorded rules, gift lines, and the rows the order e-mails
show."""
import logging
from decimal import Decimal
from typing import Dict, List

from django.db import transaction
from prices import Money

from ....discount_rules import rules

from . import prices
from ....discount_rules.models import DiscountCode, OrderRule
from ....discount_rules.uses import settle_uses

logger = logging.getLogger(__name__)


SPLIT_LINES_KEY = "saleor_plugins.discount_rules.split_lines"  # order private metadata


def _order_lines_by_checkout_line(order, checkout_lines) -> Dict[int, object]:
    """Saleor makes one order line per checkout line, in the same order; a line is found
    by its variant (a checkout holds a variant once)."""
    order_lines = [line for line in order.lines.all() if line.variant_id is not None]
    found, taken = {}, set()
    for checkout_line in checkout_lines:
        match = next((line for line in order_lines if line.variant_id == checkout_line.variant_id
                      and line.pk not in taken), None)
        if match is not None:
            found[checkout_line.pk] = match
            taken.add(match.pk)
    return found


def record_order(order, checkout, evaluation, checkout_lines, line_prices, line_totals,
                 include_taxes: bool) -> List[OrderRule]:
    """When the order is created: the lines' exact unit prices, what applied (each rule's
    signed amount and its share of each line), gift lines, code uses and rule usage.

    ``line_prices``: the checkout lines' totals before the rules; ``line_totals``: after
    every plugin (what Saleor made the order lines of)."""
    currency = order.currency
    codes = {c.pk: c.code for c in DiscountCode.objects.filter(
        pk__in=[a.code_id for a in evaluation.applied if a.code_id])}
    parts = prices.line_parts(evaluation, checkout_lines, line_prices, include_taxes)
    totals = prices.rule_totals(evaluation, parts, currency)
    order_lines = _order_lines_by_checkout_line(order, checkout_lines)
    split = {}
    for checkout_line in checkout_lines:
        cents_on_line = evaluation.line_cents.get(checkout_line.pk, 0)
        price = line_prices.get(checkout_line.pk)
        if not cents_on_line or price is None or checkout_line.pk not in order_lines:
            continue
        # the line as every plugin priced it (Saleor kept only a rounded unit price of it),
        # less what the checkout line kept of a discount that takes the whole line
        total = line_totals[checkout_line.pk] - prices.kept_on_checkout_line(
            price, cents_on_line, checkout_line.quantity, include_taxes)
        original = order_lines[checkout_line.pk]
        for half in set_unit_prices(original, prices.unit_prices_of(
                total, checkout_line.quantity, include_taxes)):
            split[str(half.pk)] = original.pk
    if split:
        order.store_value_in_private_metadata({SPLIT_LINES_KEY: split})
        order.save(update_fields=["private_metadata"])
    recorded = []
    for applied in evaluation.applied:
        rule_parts = parts.get(applied.rule.id, {})
        recorded.append(OrderRule(
            order=order,
            rule_id=applied.rule.id,
            name=applied.rule.name,
            kind=applied.rule.kind,
            direction=applied.rule.direction,
            amount=Decimal(applied.amount) / 100,
            gross_amount=totals[applied.rule.id].gross.amount,
            net_amount=totals[applied.rule.id].net.amount,
            line_changes={str(order_lines[line_id].pk): str(part.gross.amount)
                          for line_id, part in rule_parts.items() if line_id in order_lines},
            currency=currency,
            code=codes.get(applied.code_id, ""),
            free_shipping=applied.free_shipping,
            gift_line=add_gift_line(order, applied) if applied.gift_variant_id else None,
        ))
    OrderRule.objects.bulk_create(recorded)
    settle_uses(order, checkout.token, [applied.rule.id for applied in evaluation.applied])
    return recorded


def _tax_rate(price) -> Decimal:
    return (price.tax.amount / price.net.amount).quantize(Decimal("0.01")) \
        if price.net.amount else Decimal(0)


def set_unit_prices(line, groups) -> list:
    """Give an order line its exact unit price(s): with two (a cent apart), the units at the
    second become a line of their own, taking their share of the stock allocated. Returns
    the new lines."""
    from saleor.warehouse.models import Allocation

    (units, unit), *rest = groups
    line.quantity, line.unit_price, line.tax_rate = units, unit, _tax_rate(unit)
    line.save(update_fields=["quantity", "unit_price_net_amount", "unit_price_gross_amount",
                             "tax_rate"])
    created = []
    for units, unit in rest:
        new = line.order.lines.create(
            variant=line.variant, product_name=line.product_name,
            variant_name=line.variant_name,
            translated_product_name=line.translated_product_name,
            translated_variant_name=line.translated_variant_name,
            product_sku=line.product_sku, is_shipping_required=line.is_shipping_required,
            quantity=units, unit_price=unit, tax_rate=_tax_rate(unit),
        )
        to_move = units
        for allocation in Allocation.objects.select_for_update().filter(order_line=line):
            if to_move <= 0:
                break
            moved = min(to_move, allocation.quantity_allocated)
            Allocation.objects.create(order_line=new, stock=allocation.stock,
                                      quantity_allocated=moved)
            allocation.quantity_allocated -= moved
            if allocation.quantity_allocated:
                allocation.save(update_fields=["quantity_allocated"])
            else:
                allocation.delete()
            to_move -= moved
        created.append(new)
    return created


def add_gift_line(order, applied):
    from saleor.core.exceptions import InsufficientStock
    from saleor.core.taxes import zero_taxed_money
    from saleor.product.models import ProductVariant
    from saleor.warehouse.management import allocate_stock

    variant = ProductVariant.objects.select_related("product").filter(
        pk=applied.gift_variant_id).first()
    if variant is None:
        return None
    line = order.lines.create(
        product_name=variant.product.name,
        variant_name=variant.name,
        product_sku=variant.sku,
        is_shipping_required=variant.is_shipping_required(),
        quantity=applied.gift_quantity,
        variant=variant,
        unit_price=zero_taxed_money(order.currency),
        tax_rate=Decimal(0),
    )
    country = order.shipping_address.country.code if order.shipping_address else None
    try:
        with transaction.atomic():
            allocate_stock(line, country, applied.gift_quantity)
    except InsufficientStock:
        # the customer paid for the rest; a missing gift must not undo the order
        logger.warning("Gift %s out of stock for order %s", variant.sku, order.pk)
        line.delete()
        return None
    return line


# --- the rules in the order e-mails ---------------------------------------------------------

def order_adjustments(order):
    """The rules of an order for its e-mails (``core.order_summary``)."""
    from django.utils.translation import gettext as _

    from ....core.order_summary import Adjustment, OrderAdjustments

    recorded = list(OrderRule.objects.filter(order=order))
    if not recorded:
        return None
    labels = {(rules.FIXED, rules.DISCOUNT): _("Discount"),
              (rules.PERCENTAGE, rules.DISCOUNT): _("Discount"),
              (rules.FIXED, rules.SURCHARGE): _("Surcharge"),
              (rules.PERCENTAGE, rules.SURCHARGE): _("Surcharge"),
              (rules.FREE_SHIPPING, rules.DISCOUNT): _("Free shipping"),
              (rules.GIFT, rules.DISCOUNT): _("Gift")}
    line_changes: Dict[int, Decimal] = {}
    rows = []
    for rule in recorded:
        for line_id, change in (rule.line_changes or {}).items():
            line_changes[int(line_id)] = line_changes.get(int(line_id), Decimal(0)) + \
                Decimal(change)
        amount = None
        if rule.kind in (rules.FIXED, rules.PERCENTAGE):
            amount = Money(rule.gross_amount, order.currency)
        rows.append(Adjustment(label=labels.get((rule.kind, rule.direction), rule.kind),
                               name=rule.name, amount=amount, code=rule.code))
    split = order.get_value_from_private_metadata(SPLIT_LINES_KEY) or {}
    return OrderAdjustments(rows=rows, line_changes=line_changes,
                            shown_with={int(half): original for half, original in split.items()})
