"""The rules of cart rules, free of Saleor: which rules apply to a cart and for how much.

- Every rule is judged against the cart as it is, before any rule: rules accumulate and
  never change each other's conditions (the order they run in does not matter).
- Amount conditions use the product total before any discount.
- A rule with a category condition is computed on that category's products (not its
  subcategories) and spread over those lines only.
- Higher ``priority`` runs first; a rule with ``stop_further`` ends the list below it.
- Money is in cents (integers) from here on; allocation never loses or invents a cent.
- Amounts are exact: a discount or surcharge is spread over its lines in whole cents per
  line (how Saleor keeps a line's cents in unit prices is the glue's: ``prices``).
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
    def single_use_code(self) -> bool:
        return any(condition.type == SINGLE_USE_CODE for condition in self.conditions)

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
    previous_orders: int = 0  # orders that count (paid, not refunded; see cart.customer_facts)
    lifetime_total: int = 0  # cents they paid, net of refunds, in the shop's currency


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
    amount: int  # the rule's exact signed cents (negative for discounts)
    code_id: Optional[int] = None
    free_shipping: bool = False
    gift_variant_id: Optional[int] = None
    gift_quantity: int = 0
    line_cents: Dict[int, int] = field(default_factory=dict)  # line id → signed cents on it


@dataclass
class Evaluation:
    applied: List[Applied] = field(default_factory=list)
    line_cents: Dict[int, int] = field(default_factory=dict)  # line id → signed cents, all rules

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


def unmet_conditions(rule: Rule, cart: Cart) -> List[Condition]:
    """The rule's conditions the cart does not meet, codes aside (for telling the shopper)."""
    return [c for c in rule.conditions
            if c.type not in (CODE, SINGLE_USE_CODE) and not condition_holds(c, cart)[0]]


def rule_amount(rule: Rule, base: int) -> int:
    """Unsigned cents of a fixed or percentage rule on a base (capped at the base for discounts)."""
    if rule.kind == FIXED:
        amount = cents(rule.value)
    else:
        amount = int((Decimal(base) * rule.value / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if rule.direction == DISCOUNT:
        amount = min(amount, base)
    return max(amount, 0)


def allocate(amount: int, lines: Sequence[Tuple[int, int]], capped: bool = True
             ) -> Dict[int, int]:
    """Spread ``amount`` cents over lines ``(id, weight)`` in proportion to their weights.

    Whole cents per line, the cents left by rounding down going to the largest fractions
    (then the lower id); ``capped``: a line never takes more than its weight, so a discount
    never makes a line negative. The result adds up to ``amount`` (capped: at most the total
    weight) exactly.
    """
    result = {line_id: 0 for line_id, _ in lines}
    usable = [(i, w) for i, w in lines if w > 0]
    total_weight = sum(w for _, w in usable)
    if amount <= 0 or total_weight <= 0:
        return result
    if capped:
        amount = min(amount, total_weight)
    fractions = []
    for line_id, weight in usable:
        share, fraction = divmod(amount * weight, total_weight)
        result[line_id] = share
        fractions.append((-fraction, line_id))
    left = amount - sum(result.values())
    for _, line_id in sorted(fractions)[:left]:
        result[line_id] += 1
    return result


def evaluate(rules: Sequence[Rule], cart: Cart) -> Evaluation:
    evaluation = Evaluation()
    left = {line.id: line.total for line in cart.lines}  # what discounts left of each line
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
            wanted = rule_amount(rule, sum(line.total for line in lines))
            if rule.direction == SURCHARGE:  # spread like the goods cost (a free line too)
                shares = allocate(wanted, [(l.id, max(l.total, 1)) for l in lines], capped=False)
            else:  # in proportion to what earlier discounts left of the lines
                shares = allocate(wanted, [(l.id, left[l.id]) for l in lines])
            sign = -1 if rule.direction == DISCOUNT else 1
            for line in lines:
                if shares.get(line.id):
                    applied.line_cents[line.id] = sign * shares[line.id]
                    evaluation.line_cents[line.id] = \
                        evaluation.line_cents.get(line.id, 0) + sign * shares[line.id]
                    if sign < 0:
                        left[line.id] -= shares[line.id]
            applied.amount = sign * sum(shares.values())
            if applied.amount == 0:
                continue
        evaluation.applied.append(applied)
        if rule.stop_further:
            break
    return evaluation

