"""Issue 15, items 5 and 6: rule amounts are exact everywhere (checkout, payment, order,
recalculation, e-mail, Klarna), and every rule is shown by name with its signed amount.

Saleor 2.10.1 only (tests/platforms.py says why): its price hooks under a VAT plugin,
per-unit order prices, recalculating a placed order, ``saleor.order.emails``, Klarna.

VAT setups as the subscription tax tests use them: no tax plugin, a flat 25 % with prices
including VAT (amounts are gross), and prices excluding VAT (amounts are net)."""
import re
from decimal import Decimal

import pytest
from django.core import mail
from graphene import Node
from saleor.core.permissions import OrderPermissions
from saleor.order import emails as order_emails
from saleor.order.models import Order
from saleor.order.utils import recalculate_order

from saleor_plugins.discount_rules import rules
from saleor_plugins.klarna.models import KlarnaOrder

from . import factories
from .cart_rules_helpers import checkout_with_shipping, make_rule, pay_and_complete
from .checkout_helpers import SHIPPING_UPDATE, create_checkout
from .test_discount_rules_checkout import FLOWS, order_with_rule


FLAT_VAT = "tests.sample_plugins.FlatVatSamplePlugin"


CHECKOUT = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { net { amount } gross { amount } }
    discountRules { name amount { amount } }
  }
}"""


ORDER = """
query($id: ID!) {
  order(id: $id) {
    total { net { amount } gross { amount } }
    shippingPrice { net { amount } gross { amount } }
    discount { amount }
    lines { productName productSku quantity unitPrice { net { amount } gross { amount } } }
    discountRules { name amount { amount } }
  }
}"""


UPDATE_SHIPPING = """
mutation($order: ID!, $method: ID!) {
  orderUpdateShipping(order: $order, input: {shippingMethod: $method}) {
    order { total { gross { amount } } shippingPrice { gross { amount } } }
    orderErrors { field message code }
  }
}"""


@pytest.fixture


def vat(settings):
    """``vat(None | True | False)``: no tax plugin, or 25 % VAT included in / added to prices."""
    def switch(included):
        from saleor.site.models import SiteSettings

        if included is None:
            return
        plugins = list(settings.PLUGINS)
        plugins.insert(0, FLAT_VAT)
        settings.PLUGINS = plugins
        SiteSettings.objects.update(include_taxes_in_prices=included)
    return switch


def money(value):
    return Decimal(str(value))


def pair(price):
    return money(price["net"]["amount"]), money(price["gross"]["amount"])


def three_coffees(client, shop):
    checkout = create_checkout(client, [(shop.coffee, 3)])  # 3 x 129.00
    result = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": Node.to_global_id("ShippingMethod", shop.shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert result["checkoutErrors"] == []
    return checkout


def paid_through_klarna(client, checkout, klarna, total):
    """``checkout`` paid with Klarna (the simulator authorizes) for ``total``: the order and
    Klarna's copy of it."""
    from .test_klarna_gateway import open_session, pay

    checkout["total"] = total
    session = open_session(client, checkout)
    assert money(session["amount"]["amount"]) == total
    completed = pay(client, checkout, klarna.authorize(session["sessionId"]))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    return order, klarna.orders[KlarnaOrder.objects.get(order=order).klarna_order_id]


def staff_client(api):
    return api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))


# direction, value, VAT mode, (net, gross) of the checkout: 387.00 of goods + 49.00 shipping.
# The rule's amount is exact on the shop's price basis (gross with VAT included, else net);
# the other side is each unit's own (2 x 138.67 + 1 x 138.66 gross: net 2 x 110.94 + 110.93).


EXACT = [
    (rules.DISCOUNT, "50.00", None, ("386.00", "386.00")),
    (rules.DISCOUNT, "50.00", True, ("308.79", "386.00")),
    (rules.DISCOUNT, "50.00", False, ("386.00", "482.50")),
    (rules.SURCHARGE, "29.00", None, ("465.00", "465.00")),
    (rules.SURCHARGE, "29.00", True, ("372.01", "465.00")),
    (rules.SURCHARGE, "29.00", False, ("465.00", "581.26")),
]


@pytest.mark.parametrize("direction,value,included,expected", EXACT)


def test_item15_05_a_fixed_amount_over_three_units_is_exact_from_checkout_to_recalculated_order(
        api, all_plugins_active, shop, customer, vat, direction, value, included, expected):
    vat(included)
    make_rule(rules.FIXED, value, direction, name="Tre")
    client = api(customer)
    checkout = three_coffees(client, shop)
    expected = tuple(money(v) for v in expected)
    shown = client.data(CHECKOUT, {"token": checkout["token"]})["checkout"]
    sign = -1 if direction == rules.DISCOUNT else 1
    assert [(r["name"], money(r["amount"]["amount"])) for r in shown["discountRules"]] == [
        ("Tre", sign * money(value))]
    assert pair(shown["totalPrice"]) == expected
    completed = pay_and_complete(client, checkout, expected[1])
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.payments.get().captured_amount == expected[1]
    order_id = Node.to_global_id("Order", order.pk)
    staff = staff_client(api)
    shown_order = staff.data(ORDER, {"id": order_id})["order"]
    assert pair(shown_order["total"]) == expected
    assert [(r["name"], money(r["amount"]["amount"])) for r in shown_order["discountRules"]] == [
        ("Tre", sign * money(value))]
    lines = shown_order["lines"]
    # what the order says adds up: its lines (3 units at two prices a cent apart) and
    # shipping make its total, on net and on gross
    assert sum(l["quantity"] for l in lines) == 3 and {l["productSku"] for l in lines} == {
        "KAFFE-1"}
    for side, expected_side in zip(("net", "gross"), expected):
        lines_total = sum(money(l["unitPrice"][side]["amount"]) * l["quantity"] for l in lines)
        assert lines_total + money(shown_order["shippingPrice"][side]["amount"]) == expected_side
    assert shown_order["discount"] is None or money(shown_order["discount"]["amount"]) == 0
    # staff change the shipping method: Saleor recalculates the order from its lines
    recalculated = staff.data(UPDATE_SHIPPING, {
        "order": order_id, "method": Node.to_global_id("ShippingMethod", shop.shipping_method.pk)}
    )["orderUpdateShipping"]
    assert recalculated["orderErrors"] == []
    assert pair(staff.data(ORDER, {"id": order_id})["order"]["total"]) == expected


def test_item15_05_a_whole_cart_discount_is_exact(api, all_plugins_active, shop, customer):
    # 100 % off: the checkout lines keep a cent per unit (Saleor 2.10.1 cannot create a
    # zero-priced order line) that comes off the total; the customer pays the shipping only
    make_rule(rules.PERCENTAGE, "100", name="Alt gratis")
    client = api(customer)
    checkout = three_coffees(client, shop)
    shown = client.data(CHECKOUT, {"token": checkout["token"]})["checkout"]
    assert pair(shown["totalPrice"]) == (Decimal("49.00"), Decimal("49.00"))
    completed = pay_and_complete(client, checkout, Decimal("49.00"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.total.gross.amount == Decimal("49.00")
    recalculate_order(order)  # as Saleor does when staff change the order
    order.refresh_from_db()
    assert order.total.gross.amount == Decimal("49.00")
    assert [line.unit_price.gross.amount for line in order.lines.all()] == [Decimal("0.00")]


EMAIL_ROWS = {
    "en": ("Discount: Sommer", "Surcharge: Gebyr"),
    "nb": ("Rabatt: Sommer", "Tillegg: Gebyr"),
    "de": ("Rabatt: Sommer", "Zuschlag: Gebyr"),
}


@pytest.mark.parametrize("language", sorted(EMAIL_ROWS))


def test_item15_06_the_order_confirmation_names_each_rule_with_its_signed_amount(
        api, all_plugins_active, shop, customer, language):
    make_rule(rules.FIXED, "50.00", name="Sommer")
    make_rule(rules.FIXED, "29.00", rules.SURCHARGE, name="Gebyr")
    client = api(customer)
    checkout = three_coffees(client, shop)
    total = Decimal("415.00")  # 387.00 - 50.00 + 29.00 + 49.00
    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    order.language_code = language
    order.save(update_fields=["language_code"])
    order_emails.send_order_confirmation(order.pk, "")
    [message] = mail.outbox
    html = message.alternatives[0][0]
    discount_row, surcharge_row = EMAIL_ROWS[language]
    for text in (message.body, html):
        assert discount_row in text and surcharge_row in text
    # the coffee at its price (its two order lines shown as the one line bought), each rule
    # as a signed row, adding up to the order's total
    body = [line.replace("\xa0", " ").replace(",", ".") for line in message.body.splitlines()]
    coffee = [line for line in body if "Kaffe Fjell" in line]
    assert len(coffee) == 1 and coffee[0].startswith("3 x ")
    assert re.search(r"129\.00.*= \D*387\.00", coffee[0])
    [discount] = [line for line in body if discount_row in line]
    [surcharge] = [line for line in body if surcharge_row in line]
    assert re.search(r": -\D*50\.00\D*$", discount)
    assert re.search(r": \+\D*29\.00\D*$", surcharge)
    assert any(re.search(r"\D415\.00\D*$", line) for line in body)


@pytest.mark.parametrize("included", [None, True])


def test_item15_06_klarna_gets_each_rule_as_a_named_discount_or_surcharge_line(
        api, all_plugins_active, klarna_gateway, klarna, shop, customer, vat, included):
    vat(included)
    make_rule(rules.FIXED, "50.00", name="Sommer")
    make_rule(rules.FIXED, "29.00", rules.SURCHARGE, name="Gebyr")
    client = api(customer)
    order, remote = paid_through_klarna(client, three_coffees(client, shop), klarna,
                                        Decimal("415.00"))
    lines = [(l["type"], l["name"], l["total_amount"]) for l in remote["order_lines"]]
    assert sorted(lines) == sorted([
        ("physical", "Kaffe Fjell", 38700), ("shipping_fee", shop.shipping_method.name, 4900),
        ("discount", "Sommer", -5000), ("surcharge", "Gebyr", 2900)])
    assert remote["order_amount"] == 41500 == int(order.total.gross.amount * 100)
    rates = {l["name"]: l["tax_rate"] for l in remote["order_lines"]}
    assert rates["Sommer"] == rates["Gebyr"] == rates["Kaffe Fjell"] == (2500 if included else 0)


@pytest.mark.parametrize("kind,value,direction,total", FLOWS)


def test_staff_changing_the_shipping_of_an_order_keep_what_its_rules_did(
        api, all_plugins_active, shop, customer, kind, value, direction, total):
    # 2.10.1 recalculates a placed order from its lines (3.23 edits draft and unconfirmed
    # orders only: orderUpdateShipping refuses a placed one)
    staff, order_id = order_with_rule(api, shop, customer, kind, value, direction, total)
    recalculated = staff.data(UPDATE_SHIPPING, {
        "order": order_id, "method": Node.to_global_id("ShippingMethod", shop.shipping_method.pk)}
    )["orderUpdateShipping"]
    assert recalculated["orderErrors"] == []
    assert money(recalculated["order"]["total"]["gross"]["amount"]) == total
    if kind == rules.FREE_SHIPPING:
        assert recalculated["order"]["shippingPrice"]["gross"]["amount"] == 0


@pytest.mark.parametrize("included,net,gross,change", [
    # prices include VAT: 10 % of the gross goods (476.50) = 47.65; net follows the 25 % rate
    (True, Decimal("382.28"), Decimal("477.85"), Decimal("-47.65")),
    # prices exclude VAT: 10 % of the net goods (476.50) = 47.65; VAT is added on top, per
    # unit as the order's unit prices keep it (3 x 145.13, not 435.38 for the line)
    (False, Decimal("477.85"), Decimal("597.33"), Decimal("-47.65")),
])


def test_vat_inclusive_shops_discount_gross_exclusive_shops_net(
        api, shop, customer, all_plugins_active, settings, included, net, gross, change):
    from saleor.site.models import SiteSettings

    plugins = list(settings.PLUGINS)
    plugins.insert(plugins.index("saleor_plugins.discount_rules.plugin.DiscountRulesPlugin"),
                   "tests.sample_plugins.FlatVatSamplePlugin")
    settings.PLUGINS = plugins
    SiteSettings.objects.update(include_taxes_in_prices=included)
    make_rule(rules.PERCENTAGE, "10", name="Ti prosent")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    shown = client.data("""query($token: UUID!) { checkout(token: $token) {
        totalPrice { net { amount } gross { amount } }
        discountRules { amount { amount } } } }""", {"token": checkout["token"]})["checkout"]
    assert money(shown["totalPrice"]["net"]["amount"]) == net
    assert money(shown["totalPrice"]["gross"]["amount"]) == gross
    assert money(shown["discountRules"][0]["amount"]["amount"]) == change
    completed = pay_and_complete(client, checkout, gross)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert (order.total.net.amount, order.total.gross.amount) == (net, gross)
    recalculate_order(order)  # as Saleor does when staff change the order
    order.refresh_from_db()
    assert (order.total.net.amount, order.total.gross.amount) == (net, gross)


def test_klarna_charges_what_the_rules_leave(api, all_plugins_active, klarna_gateway, shop,
                                              customer, klarna):
    make_rule(rules.FIXED, "50.00", name="Femti")
    make_rule(rules.FREE_SHIPPING, name="Fri frakt")
    client = api(customer)
    order, remote = paid_through_klarna(  # 387.00 + 89.50 - 50.00, shipping free
        client, checkout_with_shipping(client, shop), klarna, Decimal("426.50"))
    assert remote["order_amount"] == 42650 == int(order.total.gross.amount * 100)
    # the products at their prices, the rule as its own named line (shipping is free)
    assert [(line["type"], line["name"], line["total_amount"]) for line in remote["order_lines"]
            ] == [("physical", "Kaffe Fjell", 38700), ("physical", "Krus", 8950),
                  ("discount", "Femti", -5000)]
