"""The cart-rule engine on its own: every condition, the accumulation rule, allocation."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from prices import Money, TaxedMoney

from saleor_plugins.discount_rules import rules
from saleor_plugins.platform.saleor2.discount_rules.prices import adjust_line_total
from saleor_plugins.discount_rules.rules import Cart, CartLine, Condition, Customer, Rule

COFFEE = CartLine(id=1, variant_id=10, product_id=100, category_id=7, quantity=3,
                  undiscounted=38700, total=38700)
MUG = CartLine(id=2, variant_id=20, product_id=200, category_id=8, quantity=1,
               undiscounted=8950, total=8950)
KARI = Customer(user_id=5, group_ids=frozenset({3}), previous_orders=1, lifetime_total=150000)


def cart(customer=KARI, **kwargs):
    values = dict(lines=(COFFEE, MUG), customer=customer, shipping_method_id=4,
                  shipping_country="NO", code_ids=frozenset({11}))
    values.update(kwargs)
    return Cart(**values)


# condition, a cart where it holds, a cart where it does not
CONDITIONS = [
    (Condition(rules.MIN_QUANTITY, quantity=4), cart(), cart(lines=(COFFEE,))),
    (Condition(rules.PRODUCT, product_id=200), cart(), cart(lines=(COFFEE,))),
    (Condition(rules.CART_AMOUNT_AT_LEAST, amount=47650), cart(), cart(lines=(COFFEE,))),
    (Condition(rules.CART_AMOUNT_BELOW, amount=40000), cart(lines=(COFFEE,)), cart()),
    (Condition(rules.CODE, code_ids=frozenset({11, 12})), cart(), cart(code_ids=frozenset())),
    (Condition(rules.SINGLE_USE_CODE, code_ids=frozenset({11})), cart(), cart(customer=None)),
    (Condition(rules.CATEGORY, category_id=8), cart(), cart(lines=(COFFEE,))),
    (Condition(rules.CUSTOMER_GROUP, group_id=3), cart(), cart(customer=Customer(user_id=6))),
    (Condition(rules.SECOND_ORDER), cart(), cart(customer=Customer(user_id=6, previous_orders=2))),
    (Condition(rules.FROM_SECOND_ORDER), cart(customer=Customer(user_id=6, previous_orders=9)),
     cart(customer=Customer(user_id=6))),
    (Condition(rules.LIFETIME_TOTAL_AT_LEAST, amount=150000), cart(),
     cart(customer=Customer(user_id=6, lifetime_total=149999))),
    (Condition(rules.SHIPPING_METHOD, shipping_method_id=4), cart(), cart(shipping_method_id=5)),
    (Condition(rules.SHIPPING_COUNTRY, country="no"), cart(), cart(shipping_country="SE")),
]

KINDS = [
    (rules.FIXED, rules.DISCOUNT, Decimal("50.00"), -5000),
    (rules.PERCENTAGE, rules.DISCOUNT, Decimal("10"), -4765),
    (rules.FIXED, rules.SURCHARGE, Decimal("19.00"), 1900),
    (rules.PERCENTAGE, rules.SURCHARGE, Decimal("2"), 953),
    (rules.FREE_SHIPPING, rules.DISCOUNT, Decimal(0), 0),
    (rules.GIFT, rules.DISCOUNT, Decimal(0), 0),
]


@pytest.mark.parametrize("kind,direction,value,amount", KINDS)
@pytest.mark.parametrize("condition,holds,fails", CONDITIONS,
                         ids=[c.type for c, _, _ in CONDITIONS])
def test_every_kind_with_every_condition(kind, direction, value, amount, condition, holds, fails):
    if condition.type == rules.CATEGORY and kind in (rules.FIXED, rules.PERCENTAGE):
        # a category rule works on that category's lines only (the mug: 89.50)
        amount = {-5000: -5000, -4765: -895, 1900: 1900, 953: 179}[amount]
    if holds.lines == (COFFEE,) and amount:
        # 387.00 of coffee in 3 units: percentages are of 387.00; fixed amounts stay exact
        # (what 3 units cannot carry in whole cents is order-level)
        amount = {-5000: -5000, -4765: -3870, 1900: 1900, 953: 774}[amount]
    rule = Rule(id=1, name="r", kind=kind, direction=direction, value=value,
                conditions=(condition,), gift_variant_id=30, gift_quantity=2)
    applied = rules.evaluate([rule], holds).applied
    assert len(applied) == 1
    assert applied[0].amount == amount
    assert applied[0].free_shipping == (kind == rules.FREE_SHIPPING)
    assert (applied[0].gift_variant_id, applied[0].gift_quantity) == (
        (30, 2) if kind == rules.GIFT else (None, 0))
    assert rules.evaluate([rule], fails).applied == []


@pytest.mark.parametrize("condition", [c for c, _, _ in CONDITIONS
                                       if c.type in rules.ACCOUNT_CONDITIONS])
def test_account_conditions_never_match_guests(condition):
    rule = Rule(id=1, name="r", kind=rules.FIXED, value=Decimal(10), conditions=(condition,))
    assert rules.evaluate([rule], cart(customer=None)).applied == []


def test_rules_accumulate_and_do_not_change_each_others_conditions():
    big = Rule(id=1, name="200 off", kind=rules.FIXED, value=Decimal(200))
    # holds on the cart before discounts (476.50) although the first rule lowers it below 400
    over_400 = Rule(id=2, name="10% over 400", kind=rules.PERCENTAGE, value=Decimal(10),
                    conditions=(Condition(rules.CART_AMOUNT_AT_LEAST, amount=40000),))
    for order in ([big, over_400], [over_400, big]):
        evaluation = rules.evaluate(order, cart())
        assert sorted(a.amount for a in evaluation.applied) == [-20000, -4765]
        assert evaluation.total_adjustment == -24765


def test_discounts_never_take_a_cart_below_zero():
    rules_list = [Rule(id=i, name=str(i), kind=rules.FIXED, value=Decimal(300)) for i in (1, 2)]
    evaluation = rules.evaluate(rules_list, cart())
    assert evaluation.total_adjustment == -47650
    lines = {1: COFFEE, 2: MUG}
    for line_id, cents_on_line in evaluation.line_cents.items():
        assert lines[line_id].total + cents_on_line >= 0


def test_priority_and_stop_further():
    first = Rule(id=1, name="first", kind=rules.FIXED, value=Decimal(10), priority=10,
                 stop_further=True)
    second = Rule(id=2, name="second", kind=rules.FIXED, value=Decimal(20), priority=5)
    assert [a.rule.name for a in rules.evaluate([second, first], cart()).applied] == ["first"]
    first = Rule(id=1, name="first", kind=rules.FIXED, value=Decimal(10), priority=1,
                 stop_further=True)
    assert [a.rule.name for a in rules.evaluate([second, first], cart()).applied] == [
        "second", "first"]


def test_all_conditions_must_hold():
    rule = Rule(id=1, name="r", kind=rules.FIXED, value=Decimal(10), conditions=(
        Condition(rules.SHIPPING_COUNTRY, country="NO"),
        Condition(rules.CART_AMOUNT_AT_LEAST, amount=50000)))
    assert rules.evaluate([rule], cart()).applied == []


lines_strategy = st.lists(
    st.tuples(st.integers(1, 12), st.integers(0, 500_000)), min_size=1, max_size=15)


@settings(max_examples=400, deadline=None)
@given(amount=st.integers(0, 2_000_000), lines=lines_strategy)
def test_allocation_never_loses_or_invents_a_cent(amount, lines):
    weighted = [(i + 1, w) for i, (_, w) in enumerate(lines)]
    shares = rules.allocate(amount, weighted)
    # exactly the amount (or all the lines hold); never a line beyond its weight
    assert sum(shares.values()) == min(amount, sum(w for _, w in weighted))
    for i, w in weighted:
        assert 0 <= shares[i] <= w
    total = sum(w for _, w in weighted)
    for i, w in weighted:  # in proportion: within a cent of the exact share
        if total and amount <= total:
            assert abs(shares[i] - amount * w / total) < 1


@settings(max_examples=200, deadline=None)
@given(rule_values=st.lists(st.integers(1, 50_000), min_size=1, max_size=5), lines=lines_strategy)
def test_evaluation_reports_exactly_what_the_lines_carry(rule_values, lines):
    cart_lines = tuple(CartLine(id=i + 1, variant_id=i, product_id=i, category_id=None,
                                quantity=q, undiscounted=w, total=w)
                       for i, (q, w) in enumerate(lines))
    rule_list = [Rule(id=i + 1, name=str(i), kind=rules.FIXED, value=Decimal(v) / 100)
                 for i, v in enumerate(rule_values)]
    evaluation = rules.evaluate(rule_list, Cart(lines=cart_lines))
    carried = sum(evaluation.line_cents.get(l.id, 0) for l in cart_lines)
    # exact: every rule gives its whole amount (capped at what the cart holds)
    assert evaluation.total_adjustment == -min(sum(rule_values), sum(w for _, w in lines))
    assert carried == evaluation.total_adjustment
    for applied in evaluation.applied:
        assert sum(applied.line_cents.values()) == applied.amount
    for line in cart_lines:
        assert line.total + evaluation.line_cents.get(line.id, 0) >= 0


def test_amounts_units_cannot_carry_in_whole_cents_stay_exact():
    three = CartLine(id=1, variant_id=1, product_id=1, category_id=None, quantity=3,
                     undiscounted=38700, total=38700)
    discount = Rule(id=1, name="50 off", kind=rules.FIXED, value=Decimal("50.00"))
    surcharge = Rule(id=2, name="fee", kind=rules.FIXED, direction=rules.SURCHARGE,
                     value=Decimal("29.00"))
    evaluation = rules.evaluate([discount, surcharge], Cart(lines=(three,)))
    off, fee = evaluation.applied
    assert (off.amount, off.line_cents) == (-5000, {1: -5000})
    assert (fee.amount, fee.line_cents) == (2900, {1: 2900})
    assert evaluation.line_cents == {1: -2100}


def test_vat_inclusive_shops_discount_gross_and_exclusive_shops_net():
    price = TaxedMoney(net=Money(Decimal("80.00"), "NOK"), gross=Money(Decimal("100.00"), "NOK"))
    inclusive = adjust_line_total(price, -500, 2, include_taxes=True)
    assert inclusive.gross.amount == Decimal("90.00") and inclusive.net.amount == Decimal("72.00")
    exclusive = adjust_line_total(price, -500, 2, include_taxes=False)
    assert exclusive.net.amount == Decimal("70.00") and exclusive.gross.amount == Decimal("87.50")
    surcharge = adjust_line_total(price, 100, 1, include_taxes=True)
    assert surcharge.gross.amount == Decimal("101.00")


def test_a_line_change_becomes_unit_prices_a_cent_apart_exact_on_net_and_gross():
    from saleor_plugins.platform.saleor2.discount_rules.prices import checkout_line_total, unit_prices

    price = TaxedMoney(net=Money(Decimal("309.60"), "NOK"), gross=Money(Decimal("387.00"), "NOK"))
    groups = unit_prices(price, -5000, 3, include_taxes=True)
    assert [(units, unit.gross.amount, unit.net.amount) for units, unit in groups] == [
        (2, Decimal("112.33"), Decimal("89.86")), (1, Decimal("112.34"), Decimal("89.87"))]
    total = checkout_line_total(price, -5000, 3, include_taxes=True)
    assert (total.gross.amount, total.net.amount) == (Decimal("337.00"), Decimal("269.59"))
    # a whole line off: the checkout line keeps a cent per unit (Saleor cannot make a free
    # order line); the order line gets 0.00 once it exists
    assert checkout_line_total(price, -38700, 3, include_taxes=True).gross.amount == \
        Decimal("0.03")
    assert [(u, p.gross.amount) for u, p in unit_prices(price, -38700, 3, True)] == [
        (3, Decimal("0.00"))]
