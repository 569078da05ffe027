"""The cart rules' facts on every Saleor: the rules in force (compiled once per change of the
rule tables) and what the rules ask about a customer (groups, order history).

How a platform turns a checkout into a ``rules.Cart`` is in its adapter
(``platform/saleor2/discount_rules/checkout_cart``, ``platform/saleor3/discount_rules/facts``).
"""
import dataclasses
import threading
from decimal import Decimal
from typing import List, Optional

from django.db import connection
from django.utils import timezone

from ..core import checkout_rows, taxes
from . import rules
from .models import DiscountCode, DiscountRule, RuleCondition



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
        elif c.type == rules.SINGLE_USE_CODE:  # every code of the rule: once per customer
            code_ids = frozenset(code.pk for code in codes)
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


def customer_facts(user_id, groups=True, history=True, currency=None
                   ) -> Optional[rules.Customer]:
    """The customer's groups and order history (``groups``/``history``: read them at all;
    ``currency``: of the amounts that count, the shop's when not given)."""
    if not user_id:
        return None
    from .models import CustomerGroup

    group_ids = frozenset(CustomerGroup.members.through.objects.filter(
        user_id=user_id).values_list("customergroup_id", flat=True)) if groups else frozenset()
    count, total = order_history(user_id, currency) if history else (0, Decimal(0))
    return rules.Customer(
        user_id=user_id,
        group_ids=group_ids,
        previous_orders=count,
        lifetime_total=rules.cents(total),
    )


def order_history(user_id, currency=None) -> tuple:
    """``(orders, amount)`` of the customer's orders that count for the order-history
    conditions: web-shop orders (not till sales), not drafts or cancelled, holding money
    from their payments (captured net of refunds, or an active authorization); the amount
    is that money, of the orders in ``currency`` (the shop's) only. One query."""
    from django.conf import settings
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    from ..klarna_instore.orders import METADATA_KEY as TILL_SALE
    from .uses import paid_amount_sql

    table = Order._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), COALESCE(SUM(paid) FILTER (WHERE currency = %s), 0) FROM ("
            f"SELECT o.currency, {paid_amount_sql('o.id')} AS paid FROM {table} o "
            f"WHERE o.user_id = %s AND o.status NOT IN (%s, %s) "
            f"AND NOT (o.metadata ? %s)) AS orders WHERE paid > 0",
            [currency or settings.DEFAULT_CURRENCY, user_id, OrderStatus.DRAFT,
             OrderStatus.CANCELED, TILL_SALE],
        )
        count, total = cursor.fetchone()
    return count or 0, total or Decimal(0)


# What each kind of fact is read for: a cart is built with only what its rules ask about.
GROUP_CONDITIONS = frozenset({rules.CUSTOMER_GROUP})
ORDER_HISTORY_CONDITIONS = frozenset(
    {rules.SECOND_ORDER, rules.FROM_SECOND_ORDER, rules.LIFETIME_TOTAL_AT_LEAST})
CODE_CONDITIONS = frozenset({rules.CODE, rules.SINGLE_USE_CODE})
COUNTRY_CONDITIONS = frozenset({rules.SHIPPING_COUNTRY})


def condition_types(rule_list) -> frozenset:
    return frozenset(c.type for rule in rule_list for c in rule.conditions)
