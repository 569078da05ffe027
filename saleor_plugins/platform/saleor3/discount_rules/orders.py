"""What an order made from a checkout keeps of the rules on Saleor 3.23, beside the rows
Saleor copied: the rules as they applied (``OrderRule``) and the uses of codes and limited
rules, reserved at ``preprocess_order_creation`` and settled at ``order_created``.

Between the two hooks the evaluation travels in the checkout's private metadata, which
Saleor copies into the order: nothing is kept in a process (a completion that fails leaves
nothing behind, and the order can be made by another worker than the one that checked it).
"""
from decimal import Decimal

from ....discount_rules import uses
from ....discount_rules.models import CheckoutCode, OrderRule
from . import split

COMPLETION_KEY = "saleor_plugins.discount_rules.completion"


def _as_json(evaluation, codes) -> dict:
    return {
        "codes": {str(code_id): code for code_id, code in codes.items()},
        "applied": [{
            "rule_id": applied.rule.id, "name": applied.rule.name, "kind": applied.rule.kind,
            "direction": applied.rule.direction, "cents": applied.amount,
            "line_cents": {str(line): cents for line, cents in applied.line_cents.items()},
            "code_id": applied.code_id, "free_shipping": applied.free_shipping,
            "gift_variant_id": applied.gift_variant_id,
        } for applied in evaluation.applied],
    }


def remember(checkout, evaluation) -> None:
    """Keep the evaluation the checkout is completed with, for ``record``."""
    from saleor.checkout.utils import get_or_create_checkout_metadata

    codes = dict(CheckoutCode.objects.filter(checkout_token=checkout.token)
                 .values_list("code_id", "code__code"))
    storage = get_or_create_checkout_metadata(checkout)
    storage.store_value_in_private_metadata({COMPLETION_KEY: _as_json(evaluation, codes)})
    storage.save(update_fields=["private_metadata"])


def _cents(value) -> Decimal:
    return Decimal(value) / 100


def record(order) -> None:
    """The order's rules and settled uses, once (the kept evaluation is taken off the order)."""
    kept = order.get_value_from_private_metadata(COMPLETION_KEY)
    if not isinstance(kept, dict):
        return
    order.delete_value_from_private_metadata(COMPLETION_KEY)
    order.save(update_fields=["private_metadata"])
    applied = kept.get("applied") or []
    if not applied or OrderRule.objects.filter(order=order).exists():
        return
    codes = kept.get("codes") or {}
    gift_lines = {line.variant_id: line for line in order.lines.all()}
    OrderRule.objects.bulk_create([
        OrderRule(
            order=order, rule_id=rule["rule_id"], name=rule["name"], kind=rule["kind"],
            direction=rule["direction"], amount=_cents(rule["cents"]),
            gross_amount=_cents(rule["cents"]), net_amount=_cents(rule["cents"]),
            currency=order.currency,
            line_changes={line: str(_cents(cents)) for line, cents in rule["line_cents"].items()},
            code=codes.get(str(rule["code_id"]), ""), free_shipping=rule["free_shipping"],
            gift_line=gift_lines.get(rule["gift_variant_id"]) if rule["gift_variant_id"] else None,
        )
        for rule in applied
    ])
    split.split_order_lines(order)
    uses.settle_uses(order, order.checkout_token, sorted({rule["rule_id"] for rule in applied}))
