"""What an order made from a checkout keeps of the rules on Saleor 3.23, beside the rows
Saleor copied: the rules as they applied (``OrderRule``) and the uses of codes and limited
rules, reserved at ``preprocess_order_creation`` and settled at ``order_created``."""
import threading
from decimal import Decimal

from ....discount_rules import uses
from ....discount_rules.models import CheckoutCode, OrderRule

_pending = {}  # checkout token → the evaluation the checkout was completed with
_lock = threading.Lock()


def remember(checkout, evaluation) -> None:
    codes = dict(CheckoutCode.objects.filter(checkout_token=checkout.token)
                 .values_list("code_id", "code__code"))
    with _lock:
        _pending[str(checkout.token)] = (evaluation, codes)


def record(order) -> None:
    """The order's rules and settled uses (once: the pending evaluation is taken)."""
    with _lock:
        pending = _pending.pop(str(order.checkout_token or ""), None)
    if pending is None:
        return
    evaluation, codes = pending
    if not evaluation.applied or OrderRule.objects.filter(order=order).exists():
        return
    gift_lines = {line.variant_id: line for line in order.lines.all()}
    OrderRule.objects.bulk_create([
        OrderRule(
            order=order, rule_id=applied.rule.id, name=applied.rule.name,
            kind=applied.rule.kind, direction=applied.rule.direction,
            amount=Decimal(applied.amount) / 100, gross_amount=Decimal(applied.amount) / 100,
            net_amount=Decimal(applied.amount) / 100, currency=order.currency,
            line_changes={str(k): str(Decimal(v) / 100) for k, v in applied.line_cents.items()},
            code=codes.get(applied.code_id, ""), free_shipping=applied.free_shipping,
            gift_line=gift_lines.get(applied.gift_variant_id) if applied.gift_variant_id else None,
        )
        for applied in evaluation.applied
    ])
    uses.settle_uses(order, order.checkout_token,
                     sorted({applied.rule.id for applied in evaluation.applied}))
