"""The rules of cart rules, free of Saleor: which rules apply to a cart and for how much.

- Every rule is judged against the cart as it is, before any rule: rules accumulate and
  never change each other's conditions (the order they run in does not matter).
- Amount conditions use the product total before any discount.
- A rule with a category condition is computed on that category's products (not its
  subcategories) and spread over those lines only.
- Higher ``priority`` runs first; a rule with ``stop_further`` ends the list below it.
- Money is in cents (integers) from here on; allocation never loses or invents a cent.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple

FIXED = "fixed"
PERCENTAGE = "percentage"
FREE_SHIPPING = "free_shipping"
GIFT = "gift"
KINDS = (FIXED, PERCENTAGE, FREE_SHIPPING, GIFT)
DISCOUNT = "discount"
SURCHARGE = "surcharge"

MIN_QUANTITY = "min_quantity"
PRODUCT = "product"
CART_AMOUNT_AT_LEAST = "cart_amount_at_least"
CART_AMOUNT_BELOW = "cart_amount_below"
CODE = "code"
SINGLE_USE_CODE = "single_use_code"
CATEGORY = "category"
CUSTOMER_GROUP = "customer_group"
SECOND_ORDER = "second_order"
FROM_SECOND_ORDER = "from_second_order"
LIFETIME_TOTAL_AT_LEAST = "lifetime_total_at_least"
SHIPPING_METHOD = "shipping_method"
SHIPPING_COUNTRY = "shipping_country"
CONDITION_TYPES = (
    MIN_QUANTITY, PRODUCT, CART_AMOUNT_AT_LEAST, CART_AMOUNT_BELOW, CODE, SINGLE_USE_CODE,
    CATEGORY, CUSTOMER_GROUP, SECOND_ORDER, FROM_SECOND_ORDER, LIFETIME_TOTAL_AT_LEAST,
    SHIPPING_METHOD, SHIPPING_COUNTRY,
)
# Conditions about the customer's account: never true for a guest.
ACCOUNT_CONDITIONS = frozenset(
    {SINGLE_USE_CODE, CUSTOMER_GROUP, SECOND_ORDER, FROM_SECOND_ORDER, LIFETIME_TOTAL_AT_LEAST}
)


def cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Condition:
    type: str
    amount: int = 0  # cents, for amount conditions
    quantity: int = 0
    product_id: Optional[int] = None
    category_id: Optional[int] = None
    group_id: Optional[int] = None
    shipping_method_id: Optional[int] = None
    country: str = ""
    code_ids: FrozenSet[int] = frozenset()  # for CODE / SINGLE_USE_CODE: the rule's codes


@dataclass(frozen=True)
class Rule:
    id: int
    name: str
    kind: str
    direction: str = DISCOUNT
    value: Decimal = Decimal(0)  # currency amount (fixed) or percent (percentage)
    conditions: Tuple[Condition, ...] = ()
    priority: int = 0
    stop_further: bool = False
    gift_variant_id: Optional[int] = None
    gift_quantity: int = 1
    usage_limited: bool = False  # uses are counted against a limit (reserved before payment)

    @property
    def category_id(self) -> Optional[int]:
        for condition in self.conditions:
            if condition.type == CATEGORY:
                return condition.category_id
        return None


@dataclass(frozen=True)
class CartLine:
    id: int
    variant_id: int
    product_id: int
    category_id: Optional[int]
    quantity: int
    undiscounted: int  # cents, before any discount (Saleor sales included)
    total: int  # cents, what the line costs now: the base of percentages and the weight


@dataclass(frozen=True)
class Customer:
    user_id: int
    group_ids: FrozenSet[int] = frozenset()
    previous_orders: int = 0  # placed and not cancelled
    lifetime_total: int = 0  # cents


@dataclass(frozen=True)
class Cart:
    lines: Tuple[CartLine, ...]
    customer: Optional[Customer] = None
    shipping_method_id: Optional[int] = None
    shipping_country: str = ""
    code_ids: FrozenSet[int] = frozenset()  # usable codes entered on the checkout

    @property
    def undiscounted_total(self) -> int:
        return sum(line.undiscounted for line in self.lines)

    @property
    def quantity(self) -> int:
        return sum(line.quantity for line in self.lines)


@dataclass
class Applied:
    rule: Rule
    amount: int  # cents actually spread over lines; negative for discounts
    code_id: Optional[int] = None
    free_shipping: bool = False
    gift_variant_id: Optional[int] = None
    gift_quantity: int = 0


@dataclass
class Evaluation:
    applied: List[Applied] = field(default_factory=list)
    per_unit: Dict[int, int] = field(default_factory=dict)  # line id → signed cents per unit

    @property
    def free_shipping(self) -> bool:
        return any(a.free_shipping for a in self.applied)

    @property
    def total_adjustment(self) -> int:
        return sum(a.amount for a in self.applied)


def condition_holds(condition: Condition, cart: Cart) -> Tuple[bool, Optional[int]]:
    """Whether a condition holds; for code conditions also the code that made it hold."""
    customer = cart.customer
    if condition.type in ACCOUNT_CONDITIONS and customer is None:
        return False, None
    kind = condition.type
    if kind == MIN_QUANTITY:
        return cart.quantity >= condition.quantity, None
    if kind == PRODUCT:
        return any(line.product_id == condition.product_id for line in cart.lines), None
    if kind == CART_AMOUNT_AT_LEAST:
        return cart.undiscounted_total >= condition.amount, None
    if kind == CART_AMOUNT_BELOW:
        return cart.undiscounted_total < condition.amount, None
    if kind in (CODE, SINGLE_USE_CODE):
        matching = sorted(condition.code_ids & cart.code_ids)
        return bool(matching), (matching[0] if matching else None)
    if kind == CATEGORY:
        return any(line.category_id == condition.category_id for line in cart.lines), None
    if kind == CUSTOMER_GROUP:
        return condition.group_id in customer.group_ids, None
    if kind == SECOND_ORDER:
        return customer.previous_orders == 1, None
    if kind == FROM_SECOND_ORDER:
        return customer.previous_orders >= 1, None
    if kind == LIFETIME_TOTAL_AT_LEAST:
        return customer.lifetime_total >= condition.amount, None
    if kind == SHIPPING_METHOD:
        return cart.shipping_method_id == condition.shipping_method_id, None
    if kind == SHIPPING_COUNTRY:
        return cart.shipping_country.upper() == condition.country.upper(), None
    raise ValueError(f"unknown condition {kind!r}")


def rule_holds(rule: Rule, cart: Cart) -> Tuple[bool, Optional[int]]:
    code_id = None
    for condition in rule.conditions:
        holds, used_code = condition_holds(condition, cart)
        if not holds:
            return False, None
        code_id = code_id or used_code
    return True, code_id


def rule_amount(rule: Rule, base: int) -> int:
    """Unsigned cents of a fixed or percentage rule on a base (capped at the base for discounts)."""
    if rule.kind == FIXED:
        amount = cents(rule.value)
    else:
        amount = int((Decimal(base) * rule.value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rule.direction == DISCOUNT:
        amount = min(amount, base)
    return max(amount, 0)


def allocate(amount: int, lines: Sequence[Tuple[int, int, int]]) -> Dict[int, int]:
    """Spread ``amount`` cents over lines ``(id, quantity, weight)`` as whole cents per unit.

    Shares follow the weights; a line never takes more than its weight (so a discount never
    makes a line negative). Per-unit cents are needed because Saleor keeps an order line's
    unit price, so ``Σ per_unit × quantity`` is what the order keeps. What cannot be
    expressed that way (less than the smallest quantity, in cents) is left out and the
    caller reports the amount actually allocated.
    """
    result = {line_id: 0 for line_id, _, _ in lines}
    usable = [(i, q, w) for i, q, w in lines if q > 0 and w > 0]
    total_weight = sum(w for _, _, w in usable)
    if amount <= 0 or total_weight <= 0:
        return result
    amount = min(amount, total_weight)
    left = amount
    for line_id, quantity, weight in usable:
        share = amount * weight // total_weight
        per_unit = min(share // quantity, weight // quantity)
        result[line_id] = per_unit
        left -= per_unit * quantity
    # the remainder in whole units, smallest quantities first (exact when a line has qty 1)
    for line_id, quantity, weight in sorted(usable, key=lambda item: (item[1], item[0])):
        if left <= 0:
            break
        room = weight // quantity - result[line_id]
        steps = min(left // quantity, room)
        if steps > 0:
            result[line_id] += steps
            left -= steps * quantity
    return result


def evaluate(rules: Sequence[Rule], cart: Cart) -> Evaluation:
    evaluation = Evaluation()
    discount_room = {line.id: line.total for line in cart.lines}
    for rule in sorted(rules, key=lambda r: (-r.priority, r.id)):
        holds, code_id = rule_holds(rule, cart)
        if not holds:
            continue
        applied = Applied(rule=rule, amount=0, code_id=code_id)
        if rule.kind == FREE_SHIPPING:
            applied.free_shipping = True
        elif rule.kind == GIFT:
            applied.gift_variant_id = rule.gift_variant_id
            applied.gift_quantity = rule.gift_quantity
        else:
            category = rule.category_id
            lines = [l for l in cart.lines if category is None or l.category_id == category]
            base = sum(line.total for line in lines)
            wanted = rule_amount(rule, base)
            if rule.direction == DISCOUNT:
                # what earlier discounts left of each line: lines never go below zero
                weights = [(l.id, l.quantity, discount_room[l.id]) for l in lines]
            else:
                weights = [(l.id, l.quantity, max(l.total, 1) * 1000) for l in lines]
            per_unit = allocate(wanted, weights)
            sign = -1 if rule.direction == DISCOUNT else 1
            quantities = {l.id: l.quantity for l in lines}
            for line_id, units in per_unit.items():
                if units:
                    evaluation.per_unit[line_id] = evaluation.per_unit.get(line_id, 0) + sign * units
                    if sign < 0:
                        discount_room[line_id] -= units * quantities[line_id]
            applied.amount = sign * sum(units * quantities[i] for i, units in per_unit.items())
            if applied.amount == 0:
                continue
        evaluation.applied.append(applied)
        if rule.stop_further:
            break
    return evaluation
