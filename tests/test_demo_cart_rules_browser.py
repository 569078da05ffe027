"""A cart rule of the demo data seen in Saleor's own dashboard (3.23.27, served by the demo,
in headless Chromium): a storefront order placed with the demo's code VELKOMMEN10 (10 %)
shows the rule's discount in the order's summary, as Saleor shows its own discounts."""
import math
import re
from decimal import Decimal

import pytest
from saleor.account.models import User

from saleor_plugins.demo import runner

from . import factories
from .browser import NEEDS_BROWSER, SCREENSHOTS, browser, expect  # noqa: F401 (fixture)
from .checkout_helpers import CHECKOUT_COMPLETE, CHECKOUT_CREATE, PAYMENT_CREATE, SHIPPING_UPDATE
from .demo_helpers import dashboard_page, quiet  # noqa: F401 (fixture)
from .graphql_client import GraphQLClient

pytestmark = NEEDS_BROWSER + [pytest.mark.django_db(transaction=True)]

CHANNEL = "default-channel"  # populatedb's first channel (USD)
PURCHASABLE = """
query($channel: String!) {
  products(first: 40, channel: $channel) { edges { node { isAvailableForPurchase
    productType { isShippingRequired }
    variants { id quantityAvailable pricing { onSale price { gross { amount } } } } } } }
}"""
CODE_ADD = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    applies discountRuleErrors { field code message } }
}"""
DELIVERY_METHODS = """query($id: ID!) { checkout(id: $id) { shippingMethods { id } } }"""
ORDER = """
query($id: ID!) {
  order(id: $id) { number undiscountedTotal { gross { amount } } total { gross { amount } }
    lines { unitDiscountReason } }
}"""
ADDRESS = {"firstName": "Kari", "lastName": "Nordmann", "streetAddress1": "Karl Johans gate 1",
           "city": "Oslo", "postalCode": "0154", "country": "NO", "phone": "+4722334455"}


def errors_of(payload):
    return next((value for key, value in payload.items() if key.endswith("rrors")), [])


def place_order_with_the_demo_code(client):
    """A storefront order over 200 (no small-order surcharge) with VELKOMMEN10."""
    edges = client.data(PURCHASABLE, {"channel": CHANNEL})["products"]["edges"]
    variant, price = max(
        ((v, Decimal(str(v["pricing"]["price"]["gross"]["amount"])))
         for edge in edges if edge["node"]["isAvailableForPurchase"]
         and edge["node"]["productType"]["isShippingRequired"]  # not a gift card
         # not on one of populatedb's (random) promotions, which Saleor names in the reason too
         for v in edge["node"]["variants"] if v["pricing"] and not v["pricing"]["onSale"]
         and (v["quantityAvailable"] or 0) >= 10),
        key=lambda pair: pair[1])
    quantity = math.ceil(Decimal(210) / price)
    assert quantity <= variant["quantityAvailable"]
    created = client.data(CHECKOUT_CREATE, {"input": {
        "channel": CHANNEL, "email": "kari@example.com", "shippingAddress": ADDRESS,
        "billingAddress": ADDRESS, "lines": [{"variantId": variant["id"], "quantity": quantity}]}}
    )["checkoutCreate"]
    assert errors_of(created) == []
    checkout = created["checkout"]
    added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "VELKOMMEN10"})
    assert added["checkoutDiscountCodeAdd"] == {"applies": True, "discountRuleErrors": []}
    method = client.data(DELIVERY_METHODS, {"id": checkout["id"]})["checkout"]["shippingMethods"][0]
    delivered = client.data(SHIPPING_UPDATE, {"checkoutId": checkout["id"],
                                              "shippingMethodId": method["id"]})
    payload = delivered["checkoutShippingMethodUpdate"]
    assert errors_of(payload) == []
    total = payload["checkout"]["totalPrice"]["gross"]["amount"]
    paid = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": total}})
    assert errors_of(paid["checkoutPaymentCreate"]) == []
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert errors_of(completed) == []
    return completed["order"]


def test_the_dashboard_shows_the_demo_code_rules_discount_on_an_order(browser, tmp_path, quiet):
    factories.restore_migration_rows()  # after another test's flush
    runner.run_demo(serve=False, images=False)
    order = place_order_with_the_demo_code(GraphQLClient())
    staff = GraphQLClient(User.objects.get(email=runner.DEMO_STAFF_EMAIL))
    placed = staff.data(ORDER, {"id": order["id"]})["order"]
    assert placed["lines"][0]["unitDiscountReason"] == "10 % med koden VELKOMMEN10"
    discount = (Decimal(str(placed["undiscountedTotal"]["gross"]["amount"]))
                - Decimal(str(placed["total"]["gross"]["amount"])))
    assert discount > 0

    with dashboard_page(browser, tmp_path / "demo.log") as (server, page):
        page.goto(f"{server.base}/dashboard/orders/{order['id']}")
        expect(page.get_by_text(f"Order #{placed['number']}").first).to_be_visible()
        summary_row = page.get_by_role("listitem").filter(has_text=re.compile(r"Discount\s*\(applied\)"))
        expect(summary_row).to_contain_text(f"{discount:.2f}")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "dashboard-cart-rule-order.png"), full_page=True)
