"""The fixture layer builds the same world on both Saleors: what the builders make reads the
same through /graphql/ (tests/factories.py, tests/checkout_helpers.py)."""
from decimal import Decimal

import pytest

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

CHECKOUT = """query($token: UUID!) {
  checkout(token: $token) {
    email lines { quantity variant { sku } } totalPrice { gross { amount currency } }
    shippingAddress { city } } }"""
MY_ORDERS = """{ me { orders(first: 5) { edges { node {
  number total { gross { amount currency } } lines { productSku quantity } } } } } }"""


def test_built_checkout_has_lines_address_and_delivery(shop, customer, api):
    checkout = factories.create_checkout(
        customer, [(shop.coffee, 2), (shop.mug, 1)], shipping_method=shop.shipping_method)
    read = api(customer).data(CHECKOUT, {"token": str(checkout.token)})["checkout"]
    assert read["email"] == customer.email
    assert sorted((line["variant"]["sku"], line["quantity"]) for line in read["lines"]) == [
        ("KAFFE-1", 2), ("KRUS-1", 1)]
    assert read["shippingAddress"]["city"] == "OSLO"
    # 2 × 129.00 + 89.50 + 49.00 shipping
    assert read["totalPrice"]["gross"] == {"amount": 396.5, "currency": "NOK"}


def test_built_order_is_the_customers_at_catalogue_prices(shop, customer, api):
    order = factories.create_order(customer, [(shop.coffee, 2), (shop.mug, 1)],
                                   shipping_price="49.00")
    [edge] = api(customer).data(MY_ORDERS)["me"]["orders"]["edges"]
    assert factories.order_by_number(edge["node"]["number"]) == order
    assert edge["node"]["total"]["gross"] == {"amount": 396.5, "currency": "NOK"}
    assert sorted((line["productSku"], line["quantity"]) for line in edge["node"]["lines"]) == [
        ("KAFFE-1", 2), ("KRUS-1", 1)]
    assert factories.variant_price(shop.mug).amount == Decimal("89.50")


def test_app_token_acts_as_the_app_with_its_permissions(api, db):
    from .graphql_client import GraphQLClient

    app, token = factories.create_app("Lager-app", permissions=["account.manage_users"])
    customer = factories.create_customer("ola@example.com")
    content = GraphQLClient(app_token=token).data(
        '{ customers(first: 5) { edges { node { email } } } }')
    assert [e["node"]["email"] for e in content["customers"]["edges"]] == [customer.email]
    refused = GraphQLClient().execute('{ customers(first: 5) { edges { node { email } } } }')
    assert refused.get("errors")
