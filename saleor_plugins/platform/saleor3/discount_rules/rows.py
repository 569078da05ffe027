"""The rules' results as Saleor 3.23's own rows, written where Saleor prices from.

- A discount or surcharge: one ``CheckoutLineDiscount`` per line and rule, typed
  ``order_promotion`` with no promotion rule (Saleor leaves such rows alone, copies them to
  the order's ``OrderLineDiscount`` and names the line's ``unitDiscountReason`` after
  them); a surcharge is a negative amount. Order-level amounts are spread over the lines in
  whole cents (``rules.allocate``): they add up to the rule's amount exactly.
- A gift: a real line of the gift variant (marked in its private metadata) at a 100 % row.
- Free shipping: the assigned delivery's price is 0 while the rule applies.
- Never a ``CheckoutDiscount``: Saleor takes the first checkout-level row as the voucher's.
Every write expires the checkout's prices, so the next read prices with the rows.
"""
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .facts import GIFT_KEY, gift_rule_id, is_package_row

CENT = Decimal("0.01")


def _amount(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def wanted_rows(evaluation, lines, prices) -> dict:
    """``{(line id, rule name): (reason, amount)}`` the evaluation asks for (gift lines are
    keyed by their rule, as their line may not exist yet)."""
    wanted = {}
    for applied in evaluation.applied:
        for line_id, signed in applied.line_cents.items():
            if signed:
                key = (line_id, applied.rule.name)
                wanted[key] = wanted.get(key, Decimal(0)) + _amount(-signed)
    for line in lines:
        rule_id = gift_rule_id(line)
        applied = next((a for a in evaluation.applied if a.rule.id == rule_id), None)
        if applied is not None:
            wanted[(line.pk, applied.rule.name)] = (prices[line.pk] * line.quantity).quantize(CENT)
    return wanted


def _sync_gift_lines(checkout, evaluation, lines) -> bool:
    """A line per applied gift rule; a gift line whose rule no longer applies goes."""
    from saleor.checkout.models import CheckoutLine

    gifts = {a.rule.id: a for a in evaluation.applied if a.gift_variant_id}
    changed = False
    for line in lines:
        rule_id = gift_rule_id(line)
        if rule_id is None:
            continue
        applied = gifts.pop(rule_id, None)
        if applied is None or applied.gift_variant_id != line.variant_id:
            line.delete()
            changed = True
            if applied is not None:
                gifts[rule_id] = applied
        elif line.quantity != applied.gift_quantity:
            extra = line.quantity - applied.gift_quantity
            if extra > 0:  # Saleor added the shopper's units of the variant to the gift line
                CheckoutLine.objects.create(checkout=checkout, variant_id=line.variant_id,
                                            quantity=extra, currency=checkout.currency)
            line.quantity = applied.gift_quantity
            line.save(update_fields=["quantity"])
            changed = True
    for rule_id, applied in gifts.items():
        CheckoutLine.objects.create(
            checkout=checkout, variant_id=applied.gift_variant_id,
            quantity=applied.gift_quantity, currency=checkout.currency,
            private_metadata={GIFT_KEY: rule_id})
        changed = True
    return changed


def _sync_free_shipping(checkout, free: bool) -> bool:
    """The assigned delivery at 0 while a free-shipping rule applies, else at its price."""
    from saleor.shipping.models import ShippingMethodChannelListing

    delivery = checkout.assigned_delivery
    if delivery is None or not delivery.built_in_shipping_method_id:
        return False
    if free:
        delivery = _fresh_delivery(checkout) or delivery
        price = Decimal(0)
    else:
        price = ShippingMethodChannelListing.objects.filter(
            shipping_method_id=delivery.built_in_shipping_method_id,
            channel_id=checkout.channel_id).values_list("price_amount", flat=True).first()
        if price is None:
            return False
    if delivery.price_amount == price:
        return False
    delivery.price_amount = price
    delivery.save(update_fields=["price_amount", "updated_at"])
    checkout.undiscounted_base_shipping_price_amount = price
    checkout.save(update_fields=["undiscounted_base_shipping_price_amount"])
    return True


def _fresh_delivery(checkout):
    """The assigned delivery after Saleor refreshed the checkout's delivery methods, if they
    were stale (after an address change): Saleor would otherwise refresh them later, at the
    next read or at completion, and put the method's price back."""
    from saleor.checkout.delivery_context import get_or_fetch_checkout_deliveries
    from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
    from saleor.plugins.manager import get_plugins_manager

    stale = checkout.delivery_methods_stale_at
    if stale is not None and stale > timezone.now():
        return None
    lines, _unavailable = fetch_checkout_lines(checkout)
    info = fetch_checkout_info(checkout, lines, get_plugins_manager(allow_replica=False))
    get_or_fetch_checkout_deliveries(info, requestor=None).get()
    checkout.refresh_from_db(fields=["assigned_delivery", "delivery_methods_stale_at"])
    return checkout.assigned_delivery


def write(checkout, evaluate) -> bool:
    """Bring the checkout's rows to what the rules give now (``evaluate(checkout)`` →
    evaluation, lines, unit prices); True when anything changed. Idempotent."""
    return write_and_evaluate(checkout, evaluate)[0]


def write_and_evaluate(checkout, evaluate):
    """``write``, also giving the evaluation the rows now hold (None: no checkout)."""
    from saleor.checkout.models import Checkout

    with transaction.atomic():
        checkout = Checkout.objects.select_for_update(of=("self",)).select_related(
            "channel", "assigned_delivery", "shipping_address").filter(pk=checkout.pk).first()
        if checkout is None:
            return False, None
        evaluation, lines, prices = evaluate(checkout)
        changed = _sync_gift_lines(checkout, evaluation, lines)
        if changed:  # a gift line came or went: the rows follow the lines as they are now
            evaluation, lines, prices = evaluate(checkout)
        changed |= _sync_free_shipping(checkout, evaluation.free_shipping)
        wanted = wanted_rows(evaluation, lines, prices)
        existing = [row for line in lines for row in line.discounts.all() if is_package_row(row)]
        changed |= _sync_rows(checkout, existing, wanted)
        if changed:
            checkout.price_expiration = timezone.now()
            checkout.save(update_fields=["price_expiration"])
    return changed, evaluation


def _sync_rows(checkout, existing, wanted) -> bool:
    """Only what differs is written: a moved amount is one row updated, not every line's
    rows of every rule deleted and made again (100 lines and 30 rules are 1 000+ rows)."""
    from saleor.discount import DiscountType, DiscountValueType
    from saleor.discount.models import CheckoutLineDiscount

    kept, surplus, moved = {}, [], []
    for row in existing:
        key = (row.line_id, row.name)
        if key in kept or key not in wanted:
            surplus.append(row.pk)
            continue
        kept[key] = row
        if row.amount_value != wanted[key] or row.value != wanted[key]:
            row.amount_value = row.value = wanted[key]
            moved.append(row)
    if surplus:
        CheckoutLineDiscount.objects.filter(pk__in=surplus).delete()
    if moved:
        CheckoutLineDiscount.objects.bulk_update(moved, ["amount_value", "value"])
    new = [CheckoutLineDiscount(
        line_id=line_id, type=DiscountType.ORDER_PROMOTION, value_type=DiscountValueType.FIXED,
        value=amount, amount_value=amount, currency=checkout.currency, name=name, reason=name)
        for (line_id, name), amount in wanted.items() if (line_id, name) not in kept]
    if new:
        CheckoutLineDiscount.objects.bulk_create(new)
    return bool(surplus or moved or new)


def nothing_applies(checkout):
    """``write``'s evaluation when the rules are off: no rule, the lines as they are."""
    from ....discount_rules import rules
    from .facts import checkout_lines, unit_prices

    lines = checkout_lines(checkout)
    return rules.Evaluation(), lines, unit_prices(checkout, lines)


def clear_open_checkouts() -> int:
    """The plugin was switched off: every open checkout loses the package's rows, gift lines
    and free delivery (Saleor does not call an inactive plugin, which could not do it
    later). Returns how many checkouts changed."""
    from saleor.checkout.models import Checkout, CheckoutLine
    from saleor.discount import DiscountType
    from saleor.discount.models import CheckoutLineDiscount

    with_rows = CheckoutLineDiscount.objects.filter(
        type=DiscountType.ORDER_PROMOTION, promotion_rule__isnull=True, voucher__isnull=True,
        line__isnull=False).values("line__checkout_id")
    with_gifts = CheckoutLine.objects.filter(
        private_metadata__has_key=GIFT_KEY).values("checkout_id")
    from django.db.models import Q

    changed = 0
    for checkout in Checkout.objects.filter(
            Q(pk__in=with_rows) | Q(pk__in=with_gifts)
            | Q(assigned_delivery__price_amount=0, assigned_delivery__isnull=False)):
        changed += write(checkout, nothing_applies)
    return changed
