"""Saleor glue of the cart rules: checkout → ``rules.Cart``, results → prices and orders.

The discount is spread over the checkout's line totals (whole cents per unit), so Saleor
copies it into the order's unit prices and keeps it when it recalculates the order; free
shipping goes through the shipping price hooks; gifts become zero-priced order lines with
stock allocated when the order is created.
"""
import dataclasses
import logging
import threading
from decimal import Decimal
from typing import List, Optional

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from prices import Money, TaxedMoney

from ..core import checkout_completion, checkout_rows, taxes
from . import rules
from .models import (
    CheckoutCode,
    CodeRedemption,
    DiscountCode,
    DiscountRule,
    OrderRule,
    RuleCondition,
    RuleUse,
)

logger = logging.getLogger(__name__)


_compiled = {"stamp": None, "rules": ()}
_compiled_lock = threading.Lock()


def rules_state(checkout_token=None) -> tuple:
    """One query: a stamp that changes whenever a rule, condition or code is added or
    changed, the rules with a usage limit and those that reached it (orders change only
    those), and the shop's VAT mode (the rules' other per-request read); with
    ``checkout_token``, also the request's question of ``core.checkout_rows`` about it."""
    rule_table = DiscountRule._meta.db_table
    condition_table = RuleCondition._meta.db_table
    code_table = DiscountCode._meta.db_table
    rows_columns, rows_params, rows_names = "", [], []
    if checkout_token is not None and checkout_rows.unanswered(checkout_token):
        rows_columns, rows_params, rows_names = checkout_rows.sql(checkout_token)
        rows_columns = ", " + rows_columns
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {rule_table}), (SELECT max(id) FROM {rule_table}), "
            f"(SELECT max(updated_at) FROM {rule_table}), "
            f"(SELECT count(*) FROM {condition_table}), (SELECT max(id) FROM {condition_table}), "
            f"(SELECT count(*) FROM {code_table}), (SELECT max(id) FROM {code_table}), "
            f"(SELECT array_agg(id) FROM {rule_table} WHERE usage_limit IS NOT NULL), "
            f"(SELECT array_agg(id) FROM {rule_table} "
            f"WHERE usage_limit IS NOT NULL AND used_count >= usage_limit), "
            f"{taxes.include_taxes_sql()}{rows_columns}", rows_params
        )
        row = cursor.fetchone()
    if rows_names:
        checkout_rows.remember(checkout_token, rows_names, row[-len(rows_names):])
        row = row[:-len(rows_names)]
    *stamp, limited, used_up, include_taxes = row
    return (connection.settings_dict["NAME"],) + tuple(stamp), frozenset(limited or ()), \
        frozenset(used_up or ()), include_taxes


def load_rules(now=None, fallback: Optional[dict] = None, checkout_token=None
               ) -> List[rules.Rule]:
    """Active rules in their date window and under their usage limit.

    Compiled rules are kept per process and rebuilt only when the stamp of ``rules_state``
    changes, so a request costs one small query instead of three; counting a rule's use
    does not rebuild them. The VAT mode read with it goes to ``core.taxes`` (``fallback``:
    where it is kept outside a request).
    """
    now = now or timezone.now()
    stamp, limited, used_up, include_taxes = rules_state(checkout_token)
    taxes.remember_include_taxes(include_taxes, fallback)
    with _compiled_lock:
        if _compiled["stamp"] != stamp:
            queryset = DiscountRule.objects.filter(is_active=True).prefetch_related(
                "conditions", "codes")
            _compiled["rules"] = tuple(
                (to_rule(rule), rule.starts_at, rule.ends_at) for rule in queryset)
            _compiled["stamp"] = stamp
        compiled = _compiled["rules"]
    return [
        dataclasses.replace(rule, usage_limited=True) if rule.id in limited else rule
        for rule, starts, ends in compiled
        if (starts is None or starts <= now) and (ends is None or ends > now)
        and rule.id not in used_up
    ]


def to_rule(rule: DiscountRule) -> rules.Rule:
    codes = list(rule.codes.all())
    conditions = []
    for c in rule.conditions.all():
        code_ids = frozenset()
        if c.type == rules.CODE:
            code_ids = frozenset(code.pk for code in codes)
        elif c.type == rules.SINGLE_USE_CODE:
            code_ids = frozenset(code.pk for code in codes if code.once_per_customer)
        conditions.append(rules.Condition(
            type=c.type,
            amount=rules.cents(c.amount or 0),
            quantity=c.quantity or 0,
            product_id=c.product_id,
            category_id=c.category_id,
            group_id=c.customer_group_id,
            shipping_method_id=c.shipping_method_id,
            country=c.country,
            code_ids=code_ids,
        ))
    return rules.Rule(
        id=rule.pk, name=rule.name, kind=rule.kind, direction=rule.direction,
        value=rule.value, conditions=tuple(conditions), priority=rule.priority,
        stop_further=rule.stop_further, gift_variant_id=rule.gift_variant_id,
        gift_quantity=rule.gift_quantity,
    )


def customer_facts(user_id, groups=True, history=True) -> Optional[rules.Customer]:
    """The customer's groups and order history (``groups``/``history``: read them at all)."""
    if not user_id:
        return None
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    from .models import CustomerGroup

    group_ids = frozenset(CustomerGroup.members.through.objects.filter(
        user_id=user_id).values_list("customergroup_id", flat=True)) if groups else frozenset()
    totals = (
        Order.objects.filter(user_id=user_id)
        .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELED])
        .aggregate(count=Count("pk"), total=Sum("total_gross_amount"))
    ) if history else {"count": 0, "total": 0}
    return rules.Customer(
        user_id=user_id,
        group_ids=group_ids,
        previous_orders=totals["count"] or 0,
        lifetime_total=rules.cents(totals["total"] or 0),
    )


def _entered_codes(checkout) -> list:
    """The codes entered on the checkout, with their uses by other checkouts."""
    return list(
        DiscountCode.objects.filter(
            pk__in=CheckoutCode.objects.filter(checkout_token=checkout.token).values("code_id")
        ).annotate(
            other_uses=Count("redemptions", filter=~Q(redemptions__checkout_token=checkout.token)),
            customer_uses=Count("redemptions", filter=Q(
                redemptions__user_id=checkout.user_id, redemptions__per_customer=True
            ) & ~Q(redemptions__checkout_token=checkout.token)),
        ).order_by("code")
    )


def _unusable_because(code, checkout) -> Optional[str]:
    """Why the checkout may not use an entered code (for the shopper), or None."""
    if code.max_uses is not None and code.other_uses >= code.max_uses:
        return _("The code %(code)s has been used up.") % {"code": code.code}
    if code.once_per_customer and (not checkout.user_id or code.customer_uses):
        return _("You have already used the code %(code)s.") % {"code": code.code}
    return None


def usable_code_ids(checkout) -> frozenset:
    """Codes entered on the checkout that this checkout may still use."""
    return frozenset(code.pk for code in _entered_codes(checkout)
                     if _unusable_because(code, checkout) is None)


def refuse_lost_code(checkout) -> None:
    """Refuse completion naming a code the checkout entered but may no longer use (another
    order took its last use while this one was paid), if there is one."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    for code in _entered_codes(checkout):
        reason = _unusable_because(code, checkout)
        if reason is not None:
            raise ValidationError(reason, code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value)


def _amount(price: TaxedMoney, include_taxes: bool) -> Decimal:
    return (price.gross if include_taxes else price.net).amount


# What each kind of fact is read for: a cart is built with only what its rules ask about.
GROUP_CONDITIONS = frozenset({rules.CUSTOMER_GROUP})
ORDER_HISTORY_CONDITIONS = frozenset(
    {rules.SECOND_ORDER, rules.FROM_SECOND_ORDER, rules.LIFETIME_TOTAL_AT_LEAST})
CODE_CONDITIONS = frozenset({rules.CODE, rules.SINGLE_USE_CODE})
COUNTRY_CONDITIONS = frozenset({rules.SHIPPING_COUNTRY})


def condition_types(rule_list) -> frozenset:
    return frozenset(c.type for rule in rule_list for c in rule.conditions)


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


def adjust_line_total(price: TaxedMoney, per_unit_cents: int, quantity: int,
                      include_taxes: bool) -> TaxedMoney:
    """Add signed cents per unit to a line total, keeping its tax proportion."""
    if not per_unit_cents:
        return price
    change = Decimal(per_unit_cents * quantity) / 100
    currency = price.currency
    net, gross = price.net.amount, price.gross.amount
    if include_taxes:
        new_gross = max(gross + change, Decimal(0))
        new_net = (net * new_gross / gross).quantize(Decimal("0.01")) if gross else new_gross
    else:
        new_net = max(net + change, Decimal(0))
        new_gross = (gross * new_net / net).quantize(Decimal("0.01")) if net else new_net
    return TaxedMoney(net=Money(new_net, currency), gross=Money(new_gross, currency))


def zero_shipping(currency: str) -> TaxedMoney:
    return TaxedMoney(net=Money(0, currency), gross=Money(0, currency))


OPEN_RULE_USES = "discount_rules_open_rule_uses"
checkout_completion.ask_when_claimed(
    OPEN_RULE_USES, f"EXISTS (SELECT 1 FROM {RuleUse._meta.db_table} "
    f"WHERE checkout_token = %s AND order_id IS NULL)")


def reserve_uses(checkout, evaluation) -> None:
    """Before payment: take this checkout's uses of limited rules and codes, or refuse."""
    reserve_rule_uses(checkout, evaluation)
    reserve_codes(checkout, evaluation)


def reserve_rule_uses(checkout, evaluation) -> None:
    """A rule with a usage limit: its row is locked while the orders made and the uses
    reserved by other checkouts are counted, so the last use goes to one checkout only."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    applied_ids = [applied.rule.id for applied in evaluation.applied]
    # the completion's claim asked (under its lock) whether the checkout holds any
    if checkout_completion.answer(checkout, OPEN_RULE_USES) is not False:
        own = RuleUse.objects.filter(checkout_token=checkout.token, order__isnull=True)
        own.exclude(rule_id__in=applied_ids).delete()  # the cart no longer gets these rules
    # the request's rules say which have a limit: without one applied, nothing to lock
    limited_ids = [applied.rule.id for applied in evaluation.applied if applied.rule.usage_limited]
    if not limited_ids:
        return
    limited = DiscountRule.objects.select_for_update().filter(
        pk__in=limited_ids, usage_limit__isnull=False).order_by("pk")  # one lock order
    for rule in limited:
        reserved = rule.uses.filter(order__isnull=True).exclude(
            checkout_token=checkout.token).count()
        if rule.used_count + reserved >= rule.usage_limit:
            raise ValidationError(
                _("The offer %(name)s has run out.") % {"name": rule.name},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )
        RuleUse.objects.get_or_create(rule=rule, checkout_token=checkout.token)


def reserve_codes(checkout, evaluation) -> None:
    """Take this checkout's uses of the codes it applies, or refuse."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    for applied in evaluation.applied:
        if not applied.code_id:
            continue
        code = DiscountCode.objects.select_for_update().get(pk=applied.code_id)
        other_uses = code.redemptions.exclude(checkout_token=checkout.token).count()
        if code.max_uses is not None and other_uses >= code.max_uses:
            raise ValidationError(
                _("The code %(code)s has been used up.") % {"code": code.code},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )
        try:
            with transaction.atomic():
                CodeRedemption.objects.get_or_create(
                    code=code, checkout_token=checkout.token,
                    defaults={"user_id": checkout.user_id,
                              "per_customer": code.once_per_customer},
                )
        except IntegrityError:
            raise ValidationError(
                _("You have already used the code %(code)s.") % {"code": code.code},
                code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value,
            )


def record_order(order, checkout, evaluation) -> List[OrderRule]:
    """When the order is created: what applied, code uses, rule usage, gift lines."""
    codes = {c.pk: c.code for c in DiscountCode.objects.filter(
        pk__in=[a.code_id for a in evaluation.applied if a.code_id])}
    recorded = [
        OrderRule(
            order=order,
            rule_id=applied.rule.id,
            name=applied.rule.name,
            kind=applied.rule.kind,
            direction=applied.rule.direction,
            amount=Decimal(applied.amount) / 100,
            currency=order.currency,
            code=codes.get(applied.code_id, ""),
            free_shipping=applied.free_shipping,
            gift_line=add_gift_line(order, applied) if applied.gift_variant_id else None,
        )
        for applied in evaluation.applied
    ]
    OrderRule.objects.bulk_create(recorded)
    _settle_uses(order, checkout.token, [applied.rule.id for applied in evaluation.applied])
    return recorded


def _settle_uses(order, checkout_token, rule_ids) -> None:
    """The applied rules count one use more, the checkout's reserved rule and code uses get
    the order, their codes count one use more, and the entered codes go.

    This runs after the charge, so it must not deadlock: rows are locked in the order
    ``reserve_uses`` locks them before payment, rules by id, then codes by id, then the
    codes' redemptions (a checkout reserving the same code holds the code's lock and waits
    for a redemption; updating that redemption first, as one statement did, deadlocked).
    One round trip for the three statements."""
    rules_table, codes_table = DiscountRule._meta.db_table, DiscountCode._meta.db_table
    redemptions_table = CodeRedemption._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {rules_table} SET used_count = used_count + 1 WHERE id IN ("
            f"SELECT id FROM {rules_table} WHERE id = ANY(%s) ORDER BY id FOR UPDATE); "
            f"SELECT id FROM {codes_table} WHERE id IN (SELECT code_id FROM {redemptions_table} "
            f"WHERE checkout_token = %s AND order_id IS NULL) ORDER BY id FOR UPDATE; "
            f"WITH rule_uses AS (UPDATE {RuleUse._meta.db_table} SET order_id = %s "
            f"WHERE checkout_token = %s AND order_id IS NULL), "
            f"redeemed AS (UPDATE {redemptions_table} SET order_id = %s "
            f"WHERE checkout_token = %s AND order_id IS NULL RETURNING code_id), "
            f"counted AS (UPDATE {codes_table} "
            f"SET used_count = used_count + 1 WHERE id IN (SELECT code_id FROM redeemed)) "
            f"DELETE FROM {CheckoutCode._meta.db_table} WHERE checkout_token = %s",
            [list(rule_ids), checkout_token,
             order.pk, checkout_token, order.pk, checkout_token, checkout_token],
        )


def add_gift_line(order, applied):
    from saleor.core.taxes import zero_taxed_money
    from saleor.core.exceptions import InsufficientStock
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
