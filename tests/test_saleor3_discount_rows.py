"""Saleor 3.23: cart rules end to end through /graphql/, as Saleor's own discount rows.

A checkout's rules become ``CheckoutLineDiscount`` rows (discounts and surcharges), a gift
line, a free delivery; ``checkoutComplete`` copies them into the order (line ``discounts``,
``unitDiscountReason``, ``shippingPrice``), beside Saleor's own vouchers.
"""
import threading
from decimal import Decimal

import pytest
from django.db import connection

from saleor_plugins.core.permissions import DiscountRulePermissions

from . import factories
from .discount_rows_world import World
from .graphql_client import GraphQLClient

RULE_CREATE = """
mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) {
    rule { id name channels }
    discountRuleErrors { field code message }
  }
}"""
CODES_CREATE = """
mutation($ruleId: ID!, $codes: [String!], $maxUses: Int) {
  discountCodesCreate(ruleId: $ruleId, codes: $codes, maxUses: $maxUses) {
    codes discountRuleErrors { field code message }
  }
}"""
CODE_ADD = """
mutation($checkoutId: ID!, $code: String!) {
  checkoutDiscountCodeAdd(checkoutId: $checkoutId, code: $code) {
    applies discountRuleErrors { field code message }
  }
}"""
CHECKOUT = """
query($id: ID!) {
  checkout(id: $id) {
    subtotalPrice { net { amount } gross { amount } }
    shippingPrice { gross { amount } }
    totalPrice { net { amount } gross { amount } }
    discount { amount } voucherCode
    discountRules { name direction amount { amount currency } freeShipping }
    lines { variant { id } quantity totalPrice { gross { amount } }
            undiscountedTotalPrice { amount } }
  }
}"""
ORDER = """
query($id: ID!) {
  order(id: $id) {
    total { net { amount } gross { amount } }
    subtotal { gross { amount } }
    shippingPrice { gross { amount } }
    discounts { type name amount { amount } }
    discountRules { name amount { amount } freeShipping }
    lines { productName quantity unitDiscountReason totalPrice { gross { amount } }
            unitPrice { gross { amount } }
            discounts { type name reason total { amount } } }
  }
}"""
ADD_PROMO_CODE = """
mutation($id: ID!, $code: String!) {
  checkoutAddPromoCode(id: $id, promoCode: $code) { errors { field code message } }
}"""


@pytest.fixture
def world(db, all_plugins_active):
    return World()


@pytest.fixture
def staff(db):
    return GraphQLClient(factories.create_staff(
        permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES]))


def create_rule(staff, **fields):
    rule = {"name": "Rabatt", "kind": "FIXED", "value": "50.00", **fields}
    payload = staff.data(RULE_CREATE, {"input": rule})["discountRuleCreate"]
    assert payload["discountRuleErrors"] == []
    return payload["rule"]


def amounts(values):
    return [Decimal(str(v)) for v in values]


def checkout_data(client, checkout):
    return client.data(CHECKOUT, {"id": checkout["id"]})["checkout"]


def order_data(staff_client, order):
    return staff_client.data(ORDER, {"id": order["id"]})["order"]


@pytest.fixture
def order_reader(db):
    from saleor.permission.enums import OrderPermissions

    return GraphQLClient(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))


def test_a_fixed_discount_is_a_line_discount_on_the_checkout_and_the_order(
        world, staff, order_reader):
    create_rule(staff, name="Kaffeglede", value="50.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2), (world.mug, 1)])
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("297.50")
    assert data["discountRules"] == [{"name": "Kaffeglede", "direction": "DISCOUNT",
                                      "amount": {"amount": -50.0, "currency": "NOK"},
                                      "freeShipping": False}]
    assert data["discount"]["amount"] == 0  # no CheckoutDiscount: vouchers keep their place
    world.deliver(client, checkout)
    order = world.pay_and_complete(client, checkout)
    got = order_data(order_reader, order)
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("346.50")  # 297.50 + 49
    line_rows = [row for line in got["lines"] for row in line["discounts"]]
    assert {(row["type"], row["name"], row["reason"]) for row in line_rows} == {
        ("ORDER_PROMOTION", "Kaffeglede", "Kaffeglede")}
    assert sum(amounts(row["total"]["amount"] for row in line_rows)) == Decimal("50.00")
    assert {line["unitDiscountReason"] for line in got["lines"]} == {"Kaffeglede"}
    assert got["discountRules"] == [{"name": "Kaffeglede", "amount": {"amount": -50.0},
                                     "freeShipping": False}]


def test_a_surcharge_is_a_negative_line_discount_visible_as_itself(world, staff, order_reader):
    create_rule(staff, name="Småordretillegg", kind="FIXED", value="25.00",
                direction="SURCHARGE",
                conditions=[{"type": "CART_AMOUNT_BELOW", "amount": "200.00"}])
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.mug, 1)])
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("114.50")
    world.deliver(client, checkout)
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    (line,) = got["lines"]
    assert line["unitDiscountReason"] == "Småordretillegg"
    assert [row["total"]["amount"] for row in line["discounts"]] == [-25.0]
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("163.50")


def test_order_level_amounts_are_spread_over_lines_to_the_cent(world, staff, order_reader):
    create_rule(staff, name="Tredel", kind="FIXED", value="10.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 1), (world.mug, 1), (world.tea, 1)])
    world.deliver(client, checkout)
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    rows = [row["total"]["amount"] for line in got["lines"] for row in line["discounts"]]
    assert sum(amounts(rows)) == Decimal("10.00")
    lines = sum(amounts(line["totalPrice"]["gross"]["amount"] for line in got["lines"]))
    assert lines == Decimal("129.00") + Decimal("89.50") + Decimal("33.33") - Decimal("10.00")


def test_free_shipping_reaches_the_orders_shipping_price(world, staff, order_reader):
    create_rule(staff, name="Fri frakt", kind="FREE_SHIPPING", value="0",
                conditions=[{"type": "CART_AMOUNT_AT_LEAST", "amount": "300.00"}])
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 3)])
    world.deliver(client, checkout)
    assert checkout_data(client, checkout)["shippingPrice"]["gross"]["amount"] == 0
    world.set_address(client, checkout)  # an address update after the delivery method
    data = checkout_data(client, checkout)
    assert data["shippingPrice"]["gross"]["amount"] == 0
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("387.00")
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    assert got["shippingPrice"]["gross"]["amount"] == 0
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("387.00")
    assert got["discountRules"][0]["freeShipping"] is True


def test_free_shipping_goes_when_the_cart_no_longer_qualifies(world, staff):
    create_rule(staff, name="Fri frakt", kind="FREE_SHIPPING", value="0",
                conditions=[{"type": "MIN_QUANTITY", "quantity": 3}])
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 3)])
    world.deliver(client, checkout)
    assert checkout_data(client, checkout)["shippingPrice"]["gross"]["amount"] == 0
    world.set_quantity(client, checkout, world.coffee, 1)
    assert checkout_data(client, checkout)["shippingPrice"]["gross"]["amount"] == 49.0


def test_a_gift_is_a_line_at_a_full_discount(world, staff, order_reader):
    create_rule(staff, name="Gratis krus", kind="GIFT", value="0",
                giftVariantId=world.global_id(world.mug),
                conditions=[{"type": "PRODUCT", "productId": world.global_id(world.coffee.product)}])
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 1)])
    data = checkout_data(client, checkout)
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("129.00")
    assert len(data["lines"]) == 2
    world.deliver(client, checkout)
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    gift = next(line for line in got["lines"] if line["productName"] == "Krus")
    assert gift["totalPrice"]["gross"]["amount"] == 0
    assert gift["unitDiscountReason"] == "Gratis krus"
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("178.00")



LINES_ADD = """
mutation($id: ID!, $lines: [CheckoutLineInput!]!) {
  checkoutLinesAdd(id: $id, lines: $lines) { errors { field code message } }
}"""


def test_the_shoppers_own_units_of_the_gift_variant_are_kept_and_paid(world, staff):
    create_rule(staff, name="Gratis krus", kind="GIFT", value="0",
                giftVariantId=world.global_id(world.mug))
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 1)])
    added = client.data(LINES_ADD, {"id": checkout["id"], "lines": [
        {"variantId": world.global_id(world.mug), "quantity": 2}]})  # Saleor adds to the gift
    assert added["checkoutLinesAdd"]["errors"] == []
    data = checkout_data(client, checkout)
    assert sum(line["quantity"] for line in data["lines"]) == 4
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("308.00")  # 129 + 2×89.50

def test_a_rule_of_another_channel_does_not_apply(world, staff):
    other = World.channel("butikk-sek", "SEK")
    rule = create_rule(staff, name="Bare i Sverige", channels=[other.slug])
    assert rule["channels"] == [other.slug]
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.mug, 1)])
    assert checkout_data(client, checkout)["discountRules"] == []
    payload = staff.data(RULE_CREATE, {"input": {"name": "x", "kind": "FIXED", "value": "1",
                                                 "channels": ["no-such-channel"]}})
    assert payload["discountRuleCreate"]["discountRuleErrors"][0]["field"] == "channels"


def test_vat_exclusive_channel_takes_the_amount_off_the_net_price(db, all_plugins_active,
                                                                   staff):
    world = World(prices_entered_with_tax=False, vat="25")
    create_rule(staff, name="Hundrelapp", value="100.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2)])
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["net"]["amount"])) == Decimal("158.00")
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("197.50")


def test_saleors_voucher_keeps_working_beside_a_rule(world, staff, order_reader):
    create_rule(staff, name="Kaffeglede", value="50.00")
    world.voucher("VELKOMMEN", "20.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2), (world.mug, 1)])
    errors = client.data(ADD_PROMO_CODE, {"id": checkout["id"], "code": "VELKOMMEN"})
    assert errors["checkoutAddPromoCode"]["errors"] == []
    data = checkout_data(client, checkout)
    assert data["voucherCode"] == "VELKOMMEN"
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("277.50")
    world.deliver(client, checkout)
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    assert [(d["type"], d["amount"]["amount"]) for d in got["discounts"]] == [("VOUCHER", 20.0)]
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("326.50")
    # Saleor names both on the lines ("Entire order voucher … & Kaffeglede")
    assert all("Kaffeglede" in line["unitDiscountReason"] for line in got["lines"])


def test_a_code_rule_applies_once_the_code_is_entered(world, staff):
    rule = create_rule(staff, name="Kode", value="30.00", conditions=[{"type": "CODE"}])
    staff.data(CODES_CREATE, {"ruleId": rule["id"], "codes": ["KAFFE30"]})
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 1)])
    assert checkout_data(client, checkout)["discountRules"] == []
    added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "kaffe30"})
    assert added["checkoutDiscountCodeAdd"] == {"applies": True, "discountRuleErrors": []}
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("99.00")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_with_one_single_use_code_make_one_order(
        all_plugins_active, staff):
    world = World()
    rule = create_rule(staff, name="Engang", value="40.00", conditions=[{"type": "CODE"}])
    staff.data(CODES_CREATE, {"ruleId": rule["id"], "codes": ["ENGANG"], "maxUses": 1})
    clients, checkouts = [], []
    for _ in range(2):
        client = GraphQLClient()
        checkout = world.checkout(client, [(world.coffee, 1)])
        added = client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "ENGANG"})
        assert added["checkoutDiscountCodeAdd"]["applies"] is True
        world.deliver(client, checkout)
        world.pay(client, checkout)
        clients.append(client)
        checkouts.append(checkout)
    barrier = threading.Barrier(2)
    results = [None, None]

    def complete(index):
        try:
            barrier.wait()
            results[index] = world.complete(clients[index], checkouts[index])
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    orders = [r for r in results if r and r["order"]]
    assert len(orders) == 1, results
    refused = next(r for r in results if r and not r["order"])
    assert refused["errors"], results
    from saleor.order.models import Order
    from saleor_plugins.discount_rules.models import DiscountCode

    assert Order.objects.count() == 1
    assert DiscountCode.objects.get(code="ENGANG").used_count == 1


def test_a_line_whose_discount_does_not_divide_by_its_quantity_is_split_to_the_cent(
        world, staff, order_reader):
    create_rule(staff, name="Tier", value="10.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 3)])  # 387.00 - 10.00: 125.666… a unit
    data = checkout_data(client, checkout)
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("377.00")
    world.deliver(client, checkout)
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    assert Decimal(str(got["subtotal"]["gross"]["amount"])) == Decimal("377.00")
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("426.00")
    lines = sorted(got["lines"], key=lambda line: line["quantity"])
    assert [(line["quantity"], line["unitPrice"]["gross"]["amount"]) for line in lines] == [
        (1, 125.66), (2, 125.67)]
    for line in lines:  # each line's unit price times its quantity is its total
        assert Decimal(str(line["unitPrice"]["gross"]["amount"])) * line["quantity"] == \
            Decimal(str(line["totalPrice"]["gross"]["amount"]))
        assert line["unitDiscountReason"] == "Tier"
    rows = [Decimal(str(row["total"]["amount"])) for line in lines for row in line["discounts"]]
    assert sorted(rows) == [Decimal("3.34"), Decimal("6.66")]
    from saleor.order.models import Order

    order = Order.objects.get()
    assert order.lines_count == 2
    assert sum(a.quantity_allocated for line in order.lines.all()
               for a in line.allocations.all()) == 3
    assert order.total_net_amount == Decimal("340.80")  # the net totals still add up


PLUGIN_UPDATE = """
mutation($id: ID!, $input: PluginUpdateInput!) {
  pluginUpdate(id: $id, input: $input) { plugin { id } errors { field code message } }
}"""


def test_switching_the_plugin_off_takes_the_rules_off_open_checkouts(world, staff):
    from saleor.permission.enums import PluginsPermissions

    create_rule(staff, name="Kaffeglede", value="50.00")
    create_rule(staff, name="Fri frakt", kind="FREE_SHIPPING", value="0")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2)])
    world.deliver(client, checkout)
    data = checkout_data(client, checkout)
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("208.00")
    admin = GraphQLClient(factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS]))
    payload = admin.data(PLUGIN_UPDATE, {"id": "saleor_plugins.discount_rules",
                                         "input": {"active": False}})["pluginUpdate"]
    assert payload["errors"] == []
    data = checkout_data(client, checkout)
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("307.00")  # 258 + 49
    assert data["discountRules"] == []


def test_a_rule_applies_in_its_channel_in_that_channels_currency(db, all_plugins_active, staff):
    sweden = World(currency="SEK")
    norway = World()
    create_rule(staff, name="Svensk rabatt", value="50.00", channels=[sweden.slug])
    client = GraphQLClient()
    swedish = sweden.checkout(client, [(sweden.coffee, 1)])
    data = checkout_data(client, swedish)
    assert data["discountRules"][0]["amount"] == {"amount": -50.0, "currency": "SEK"}
    assert Decimal(str(data["subtotalPrice"]["gross"]["amount"])) == Decimal("79.00")
    norwegian = norway.checkout(client, [(norway.coffee, 1)])
    assert checkout_data(client, norwegian)["discountRules"] == []


def test_a_rule_that_changed_since_the_last_checkout_change_is_seen_at_completion(
        world, staff, order_reader):
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2)])
    world.deliver(client, checkout)
    world.pay(client, checkout)  # 307.00
    create_rule(staff, name="Sent tilbud", value="20.00")  # no checkout change since
    refused = world.complete(client, checkout)
    assert refused["order"] is None
    assert refused["errors"][0]["message"] == (
        "The cart's offers changed. Check the new total and try again.")
    data = checkout_data(client, checkout)
    assert Decimal(str(data["totalPrice"]["gross"]["amount"])) == Decimal("287.00")
    got = order_data(order_reader, world.pay_and_complete(client, checkout))
    assert Decimal(str(got["total"]["gross"]["amount"])) == Decimal("287.00")


def test_the_evaluation_travels_with_the_checkout_and_leaves_the_order_clean(
        world, staff, order_reader):
    """Between preprocess_order_creation and order_created the evaluation is in the
    checkout's private metadata (no process memory); the order keeps the rules, not the key."""
    from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
    from saleor.checkout.models import Checkout
    from saleor.order.models import Order
    from saleor.plugins.manager import get_plugins_manager

    from saleor_plugins.platform.saleor3.discount_rules.orders import COMPLETION_KEY

    create_rule(staff, name="Kaffeglede", value="50.00")
    client = GraphQLClient()
    checkout = world.checkout(client, [(world.coffee, 2)])
    world.deliver(client, checkout)
    world.pay(client, checkout)
    stored = Checkout.objects.get(token=checkout["token"])
    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(stored)
    manager.preprocess_order_creation(fetch_checkout_info(stored, lines, manager), lines)
    kept = Checkout.objects.get(pk=stored.pk).metadata_storage.private_metadata[COMPLETION_KEY]
    assert [(rule["name"], rule["cents"]) for rule in kept["applied"]] == [("Kaffeglede", -5000)]

    order = world.complete(client, checkout)["order"]
    placed = Order.objects.get(checkout_token=checkout["token"])
    assert COMPLETION_KEY not in placed.private_metadata
    assert order_data(order_reader, order)["discountRules"] == [
        {"name": "Kaffeglede", "amount": {"amount": -50.0}, "freeShipping": False}]
