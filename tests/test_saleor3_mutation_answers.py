"""Saleor 3.23: a checkout mutation's own answer already carries the rules' prices.

Saleor 3.23 runs ``checkout_updated`` on commit; outside a transaction (as its GraphQL view
runs mutations) that is at once, inside the mutation, before its answer is resolved. These
tests commit for real (``transaction=True``), as a shop does, and compare each mutation's
answer with the next read.
"""
from decimal import Decimal

import pytest

from saleor_plugins.core.permissions import DiscountRulePermissions

from . import factories
from .discount_rows_world import ADDRESS, World
from .graphql_client import GraphQLClient

pytestmark = pytest.mark.django_db(transaction=True)

PRICES = ("totalPrice { gross { amount } } subtotalPrice { gross { amount } } "
          "shippingPrice { gross { amount } } lines { quantity totalPrice { gross { amount } } } "
          "discountRules { name amount { amount } freeShipping }")
CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { id %s } errors { field code message } }
}""" % PRICES
LINES_UPDATE = """
mutation($id: ID!, $lines: [CheckoutLineUpdateInput!]!) {
  checkoutLinesUpdate(id: $id, lines: $lines) { checkout { %s } errors { field code message } }
}""" % PRICES
DELIVERY = """
mutation($id: ID!, $method: ID!) {
  checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $method) {
    checkout { %s } errors { field code message } }
}""" % PRICES
READ = "query($id: ID!) { checkout(id: $id) { %s } }" % PRICES
RULE_CREATE = """
mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) { discountRuleErrors { field code message } }
}"""


@pytest.fixture
def world(all_plugins_active):
    world = World()
    staff = GraphQLClient(factories.create_staff(
        permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES]))
    for rule in ({"name": "Ti prosent", "kind": "PERCENTAGE", "value": "10"},
                 {"name": "Fri frakt", "kind": "FREE_SHIPPING",
                  "conditions": [{"type": "CART_AMOUNT_AT_LEAST", "amount": "300.00"}]}):
        errors = staff.data(RULE_CREATE, {"input": rule})["discountRuleCreate"]
        assert errors["discountRuleErrors"] == []
    return world


def gross(price):
    return Decimal(str(price["gross"]["amount"]))


def test_each_answer_equals_the_next_read(world):
    client = GraphQLClient()
    created = client.data(CREATE, {"input": {
        "channel": world.slug, "email": "kari@example.com", "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS,
        "lines": [{"variantId": world.global_id(world.coffee), "quantity": 1}]}})["checkoutCreate"]
    assert created["errors"] == []
    answer = created["checkout"]
    checkout_id = answer.pop("id")
    assert [rule["name"] for rule in answer["discountRules"]] == ["Ti prosent"]
    assert answer == client.data(READ, {"id": checkout_id})["checkout"]
    subtotal = gross(answer["subtotalPrice"])

    # two more units: the percentage grows and free shipping starts to apply
    updated = client.data(LINES_UPDATE, {"id": checkout_id, "lines": [
        {"variantId": world.global_id(world.coffee), "quantity": 3}]})["checkoutLinesUpdate"]
    assert updated["errors"] == []
    assert gross(updated["checkout"]["subtotalPrice"]) == subtotal * 3
    assert updated["checkout"] == client.data(READ, {"id": checkout_id})["checkout"]

    delivered = client.data(DELIVERY, {"id": checkout_id, "method": world.global_id(
        world.shipping_method)})["checkoutDeliveryMethodUpdate"]
    assert delivered["errors"] == []
    answer = delivered["checkout"]
    assert gross(answer["shippingPrice"]) == Decimal("0")
    assert gross(answer["totalPrice"]) == gross(answer["subtotalPrice"])
    assert answer == client.data(READ, {"id": checkout_id})["checkout"]
