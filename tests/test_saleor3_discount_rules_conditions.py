"""Saleor 3.23: the rules' 13 conditions, accumulation, priority and stop, date windows and
usage limits, through /graphql/ on a 3.23 checkout (``Checkout.discountRules`` and prices)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from graphene import Node

from . import factories
from .graphql_client import GraphQLClient
from .test_saleor3_discount_rows import (
    CODE_ADD,
    CODES_CREATE,
    checkout_data,
    create_rule,
    staff,  # noqa: F401 (fixture)
    world,  # noqa: F401 (fixture)
)

GROUP_SAVE = """
mutation($input: CustomerGroupInput!) {
  customerGroupSave(input: $input) { group { id } discountRuleErrors { field code message } }
}"""
RULES = """{ discountRules { name usedCount } }"""


def applied(client, checkout):
    return [(r["name"], Decimal(str(r["amount"]["amount"])))
            for r in checkout_data(client, checkout)["discountRules"]]


def condition_of(world, kind):
    return {
        "MIN_QUANTITY": {"type": "MIN_QUANTITY", "quantity": 3},
        "PRODUCT": {"type": "PRODUCT", "productId": world.global_id(world.coffee.product)},
        "CART_AMOUNT_AT_LEAST": {"type": "CART_AMOUNT_AT_LEAST", "amount": "200.00"},
        "CART_AMOUNT_BELOW": {"type": "CART_AMOUNT_BELOW", "amount": "100.00"},
        "CATEGORY": {"type": "CATEGORY",
                     "categoryId": world.global_id(world.coffee.product.category)},
        "SHIPPING_COUNTRY": {"type": "SHIPPING_COUNTRY", "country": "no"},
    }[kind]


@pytest.mark.parametrize("kind, holds, fails", [
    ("MIN_QUANTITY", [("coffee", 3)], [("coffee", 2)]),
    ("PRODUCT", [("coffee", 1), ("mug", 1)], [("mug", 2)]),
    ("CART_AMOUNT_AT_LEAST", [("coffee", 2)], [("mug", 2)]),  # 258.00 / 179.00
    ("CART_AMOUNT_BELOW", [("mug", 1)], [("coffee", 1)]),
    ("CATEGORY", [("coffee", 1)], [("mug", 1)]),
])
def test_cart_conditions(world, staff, kind, holds, fails):  # noqa: F811
    create_rule(staff, name=kind, value="10.00", conditions=[condition_of(world, kind)])
    client = GraphQLClient()
    yes = world.checkout(client, [(getattr(world, name), q) for name, q in holds])
    no = world.checkout(client, [(getattr(world, name), q) for name, q in fails])
    assert applied(client, yes) == [(kind, Decimal("-10"))]
    assert applied(client, no) == []


def test_shipping_method_and_country(world, staff):  # noqa: F811
    create_rule(staff, name="Posten", value="5.00", conditions=[
        {"type": "SHIPPING_METHOD", "shippingMethodId": world.global_id(world.shipping_method)}])
    create_rule(staff, name="Norge", value="7.00", conditions=[
        condition_of(world, "SHIPPING_COUNTRY")])
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.mug, 1)])
    assert applied(client, checkout) == [("Norge", Decimal("-7"))]
    world.deliver(client, checkout)
    assert sorted(applied(client, checkout)) == [("Norge", Decimal("-7")),
                                                 ("Posten", Decimal("-5"))]
    sweden = dict(world_address(), country="SE", postalCode="11122", city="Stockholm",
                  phone="+46812345678")
    world.set_address(client, checkout, sweden)
    assert ("Norge", Decimal("-7")) not in applied(client, checkout)


def world_address():
    from .discount_rows_world import ADDRESS

    return dict(ADDRESS)


def test_accumulation_on_the_untouched_cart_priority_and_stop(world, staff):  # noqa: F811
    create_rule(staff, name="Ti prosent", kind="PERCENTAGE", value="10", priority=1)
    create_rule(staff, name="Femti", value="50.00", priority=2)
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2)])  # 258.00
    # both apply, each judged and computed on the untouched cart (10 % of 258.00)
    assert applied(client, checkout) == [("Femti", Decimal("-50")),
                                         ("Ti prosent", Decimal("-25.8"))]
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("182.20")
    create_rule(staff, name="Toppen", value="1.00", priority=5, stopFurther=True)
    assert applied(client, checkout) == [("Toppen", Decimal("-1"))]


def test_date_window(world, staff):  # noqa: F811
    now = timezone.now()
    create_rule(staff, name="Senere", value="5.00", startsAt=(now + timedelta(days=1)).isoformat())
    create_rule(staff, name="Over", value="6.00", endsAt=(now - timedelta(days=1)).isoformat(),
                startsAt=(now - timedelta(days=2)).isoformat())
    create_rule(staff, name="Nå", value="7.00", startsAt=(now - timedelta(hours=1)).isoformat(),
                endsAt=(now + timedelta(hours=1)).isoformat())
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.mug, 1)])
    assert applied(client, checkout) == [("Nå", Decimal("-7"))]


def test_a_usage_limit_counts_orders(world, staff):  # noqa: F811
    create_rule(staff, name="Første", value="10.00", usageLimit=1)
    client = GraphQLClient()
    first = world.checkout(client, [(world.mug, 1)])
    world.deliver(client, first)
    world.pay_and_complete(client, first)
    assert staff.data(RULES)["discountRules"] == [{"name": "Første", "usedCount": 1}]
    second = world.checkout(client, [(world.mug, 1)])
    assert applied(client, second) == []


def test_customer_group(world, staff):  # noqa: F811
    member = factories.create_customer()
    group = staff.data(GROUP_SAVE, {"input": {"name": "VIP", "addUserIds": [
        Node.to_global_id("User", member.pk)]}})["customerGroupSave"]["group"]
    create_rule(staff, name="VIP", value="15.00", conditions=[
        {"type": "CUSTOMER_GROUP", "customerGroupId": group["id"]}])
    member_client = GraphQLClient(member)
    other_client = GraphQLClient(factories.create_customer())
    guest = GraphQLClient()
    assert applied(member_client, world.checkout(member_client, [(world.mug, 1)],
                                                 email=member.email)) == [("VIP", Decimal("-15"))]
    other = other_client.user
    assert applied(other_client, world.checkout(other_client, [(world.mug, 1)],
                                                email=other.email)) == []
    assert applied(guest, world.checkout(guest, [(world.mug, 1)])) == []


def test_order_history_conditions(world, staff):  # noqa: F811
    create_rule(staff, name="Andre", value="11.00", conditions=[{"type": "SECOND_ORDER"}])
    create_rule(staff, name="Fra andre", value="12.00",
                conditions=[{"type": "FROM_SECOND_ORDER"}])
    create_rule(staff, name="Trofast", value="13.00", conditions=[
        {"type": "LIFETIME_TOTAL_AT_LEAST", "amount": "100.00"}])
    customer = factories.create_customer()
    client = GraphQLClient(customer)
    first = world.checkout(client, [(world.coffee, 1)], email=customer.email)
    assert applied(client, first) == []
    world.deliver(client, first)
    world.pay_and_complete(client, first)  # 129.00 + 49.00 paid
    second = world.checkout(client, [(world.mug, 1)], email=customer.email)
    assert sorted(applied(client, second)) == [
        ("Andre", Decimal("-11")), ("Fra andre", Decimal("-12")), ("Trofast", Decimal("-13"))]


def test_a_single_use_code_is_once_per_customer(world, staff):  # noqa: F811
    rule = create_rule(staff, name="Velkommen", value="20.00",
                       conditions=[{"type": "SINGLE_USE_CODE"}])
    staff.data(CODES_CREATE, {"ruleId": rule["id"], "codes": ["HEI"]})
    guest = GraphQLClient()
    checkout = world.checkout(guest, [(world.mug, 1)])
    refused = guest.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "HEI"})
    assert refused["checkoutDiscountCodeAdd"]["discountRuleErrors"][0]["code"] == \
        "LOGIN_REQUIRED"
    customer = factories.create_customer()
    client = GraphQLClient(customer)
    first = world.checkout(client, [(world.mug, 1)], email=customer.email)
    client.data(CODE_ADD, {"checkoutId": first["id"], "code": "HEI"})
    assert applied(client, first) == [("Velkommen", Decimal("-20"))]
    world.deliver(client, first)
    world.pay_and_complete(client, first)
    again = world.checkout(client, [(world.mug, 1)], email=customer.email)
    second = client.data(CODE_ADD, {"checkoutId": again["id"], "code": "HEI"})
    assert second["checkoutDiscountCodeAdd"]["discountRuleErrors"][0]["code"] == \
        "CODE_NOT_USABLE"
    assert applied(client, again) == []



def test_a_code_whose_rule_needs_more_says_what_in_the_channels_currency(
        world, staff):  # noqa: F811
    rule = create_rule(staff, name="Stor handel", value="30.00", conditions=[
        {"type": "CODE"}, {"type": "CART_AMOUNT_AT_LEAST", "amount": "500.00"}])
    staff.data(CODES_CREATE, {"ruleId": rule["id"], "codes": ["STOR"]})
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.mug, 1)])
    added = client.data(CODE_ADD_MISSING, {"checkoutId": checkout["id"], "code": "STOR"})
    payload = added["checkoutDiscountCodeAdd"]
    assert payload["applies"] is False
    (missing,) = payload["missingConditions"]
    assert missing["type"] == "CART_AMOUNT_AT_LEAST"
    assert missing["message"] == "Buy for at least NOK500.00."


CODE_ADD_MISSING = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    applies message missingConditions { type message }
    discountRuleErrors { field code message }
  }
}"""
