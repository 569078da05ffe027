"""Cart rules through Saleor's /graphql/ on Saleor 2.10.1 and 3.23: checkout → payment →
order (a split line fulfilled as ordered), rules about the customer and the address, usage
limits at completion (codes: test_discount_rules_checkout_codes.py).

The world is ``tests.factories``' (the ``shop`` fixture), the storefront steps
``tests.cart_rules_helpers``'; what 3.23 answers differently by design comes from
``ON_THIS_SALEOR`` there."""
from decimal import Decimal

import pytest
from graphene import Node
from saleor.order.models import Order
from saleor.warehouse.models import Allocation

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import DiscountRule, RuleUse

from . import factories
from .cart_rules_helpers import (
    ON_THIS_SALEOR,
    ORDER,
    amount,
    checkout_with_shipping,
    make_rule,
    order_of,
    order_staff,
    paid,
    pay_and_complete,
    read,
)
from .checkout_helpers import complete


@pytest.fixture


def rules_on(all_plugins_active):
    return all_plugins_active


# kind, value, direction, checkout total (387.00 coffee + 89.50 mug + 49.00 shipping = 525.50)


FLOWS = [
    (rules.FIXED, "50.00", rules.DISCOUNT, Decimal("475.50")),
    (rules.PERCENTAGE, "10", rules.DISCOUNT, Decimal("477.85")),  # 47.65 off the products
    (rules.FIXED, "19.00", rules.SURCHARGE, Decimal("544.50")),
    (rules.PERCENTAGE, "2", rules.SURCHARGE, Decimal("535.03")),
    (rules.FREE_SHIPPING, "0", rules.DISCOUNT, Decimal("476.50")),
    (rules.GIFT, "0", rules.DISCOUNT, Decimal("525.50")),
]


def order_with_rule(api, shop, customer, kind, value, direction, total):
    """A rule ``Sommer`` of ``kind`` for carts of 400.00 or more, the checkout that gets it,
    paid and completed: the order's id, what it says (as staff who manage orders) and the
    rule's signed amount; everything checked to agree on the way."""
    gift = factories.create_variant("0.00", "Kaffeskje", "GAVE-1", warehouse=shop.warehouse) \
        if kind == rules.GIFT else None
    make_rule(kind, value, direction, name="Sommer", gift_variant=gift, gift_quantity=1,
              conditions=[{"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal("400")}])
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    shown = read(client, checkout)
    assert amount(shown["totalPrice"]["gross"]["amount"]) == total
    applied = shown["discountRules"]
    assert [(a["name"], a["kind"], a["direction"]) for a in applied] == [
        ("Sommer", kind.upper(), direction.upper())]
    change = amount(applied[0]["amount"]["amount"])
    if kind in (rules.FIXED, rules.PERCENTAGE):
        assert change == total - Decimal("525.50")  # the change is what the total moved by
    assert applied[0]["freeShipping"] == (kind == rules.FREE_SHIPPING)

    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    order = order_of(completed)
    order_id = completed["order"]["id"]
    staff = order_staff()
    shown_order = staff.data(ORDER, {"id": order_id})["order"]
    assert amount(shown_order["total"]["gross"]["amount"]) == total
    assert [r["name"] for r in shown_order["discountRules"]] == ["Sommer"]
    assert amount(shown_order["discountRules"][0]["amount"]["amount"]) == change
    lines_total = sum(amount(l["unitPrice"]["gross"]["amount"]) * l["quantity"]
                      for l in shown_order["lines"])
    assert lines_total + amount(shown_order["shippingPrice"]["gross"]["amount"]) == total
    if kind == rules.GIFT:
        gift_line = [l for l in shown_order["lines"] if l["productSku"] == "GAVE-1"]
        assert gift_line == [{"productSku": "GAVE-1", "quantity": 1,
                              "unitPrice": {"gross": {"amount": 0.0}}}]
        assert Allocation.objects.filter(order_line__order=order,
                                         order_line__product_sku="GAVE-1").exists()
    return staff, order_id


@pytest.mark.parametrize("kind,value,direction,total", FLOWS)


def test_checkout_payment_and_order_agree(api, rules_on, shop, customer, kind, value,
                                          direction, total):
    # (staff recalculating the order: test_discount_rules_amounts, 2.10.1 only)
    staff, order_id = order_with_rule(api, shop, customer, kind, value, direction, total)
    assert staff.data(ORDER, {"id": order_id})["order"]["discountRules"][0]["kind"] == \
        kind.upper()


def test_rules_about_the_customer_and_the_address_see_them_at_checkout(api, rules_on, shop,
                                                                      customer):
    # the cart carries only the facts its rules ask about: each kind is read when asked
    from saleor_plugins.discount_rules.models import CustomerGroup

    group = CustomerGroup.objects.create(name="Stamkunder")
    group.members.add(customer)
    make_rule(rules.FIXED, "10", name="Gruppe", conditions=[
        {"type": rules.CUSTOMER_GROUP, "customer_group": group}])
    make_rule(rules.FIXED, "20", name="Igjen", conditions=[{"type": rules.FROM_SECOND_ORDER}])
    make_rule(rules.FIXED, "5", name="Norge", conditions=[
        {"type": rules.SHIPPING_COUNTRY, "country": "NO"}])
    make_rule(rules.FIXED, "7", name="Sverige", conditions=[
        {"type": rules.SHIPPING_COUNTRY, "country": "SE"}])
    client = api(customer)
    first = checkout_with_shipping(client, shop)
    assert sorted(r["name"] for r in read(client, first)["discountRules"]) == ["Gruppe", "Norge"]
    paid(factories.create_order(user=customer, lines=[(shop.mug, 1)]))
    second = checkout_with_shipping(client, shop)
    assert sorted(r["name"] for r in read(client, second)["discountRules"]) == [
        "Gruppe", "Igjen", "Norge"]
    assert amount(read(client, second)["totalPrice"]["gross"]["amount"]) == Decimal("490.50")
    stranger = api(factories.create_customer())
    assert [r["name"] for r in read(stranger, checkout_with_shipping(stranger, shop)
                                    )["discountRules"]] == ["Norge"]


def test_a_rule_used_up_by_an_order_is_gone_from_the_next_checkout(api, rules_on, shop,
                                                                  customer):
    make_rule(rules.FIXED, "50", name="Én gang", usage_limit=1)
    client = api(customer)
    first = checkout_with_shipping(client, shop)
    assert [r["name"] for r in read(client, first)["discountRules"]] == ["Én gang"]
    assert pay_and_complete(client, first, Decimal("475.50"))["checkoutErrors"] == []
    assert DiscountRule.objects.get(name="Én gang").used_count == 1
    second = checkout_with_shipping(client, shop)
    assert read(client, second)["discountRules"] == []
    assert amount(read(client, second)["totalPrice"]["gross"]["amount"]) == Decimal("525.50")


def test_last_use_of_a_limited_rule_is_reserved_before_payment(api, rules_on, shop, customer):
    import uuid

    offer = make_rule(rules.FIXED, "50.00", name="Siste", usage_limit=1)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    elsewhere = RuleUse.objects.create(rule=offer, checkout_token=uuid.uuid4())  # paying now
    refused = pay_and_complete(client, checkout, Decimal("475.50"))
    assert refused["checkoutErrors"] == ON_THIS_SALEOR.run_out_offer_refusal("Siste")
    assert not Order.objects.exists() and RuleUse.objects.get() == elsewhere
    elsewhere.delete()  # that payment failed: the use is free again
    completed = complete(client, checkout)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get()
    assert RuleUse.objects.get().order == order and order.total.gross.amount == Decimal("475.50")
    offer.refresh_from_db()
    assert offer.used_count == 1


def test_item15_04_order_history_counts_paid_web_orders_net_of_refunds_in_shop_currency(
        api, rules_on, shop, customer):
    from saleor.order import OrderStatus

    from saleor_plugins.klarna_instore.orders import METADATA_KEY

    make_rule(rules.FIXED, "20", name="Andre", conditions=[{"type": rules.SECOND_ORDER}])
    make_rule(rules.FIXED, "30", name="Stempelkort", conditions=[
        {"type": rules.LIFETIME_TOTAL_AT_LEAST, "amount": Decimal("400")}])
    client = api(customer)

    def applied():
        return sorted(r["name"] for r in read(client, checkout_with_shipping(client, shop)
                                              )["discountRules"])

    factories.create_order(user=customer, lines=[(shop.coffee, 3)])  # unpaid: 387.00
    till = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    till.metadata = {METADATA_KEY: {"till": "Kasse 1"}}
    till.save(update_fields=["metadata"])
    cancelled = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    Order.objects.filter(pk=cancelled.pk).update(status=OrderStatus.CANCELED)
    paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]), refunded="387.00")
    euro = paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]))
    Order.objects.filter(pk=euro.pk).update(currency="EUR")
    payment = euro.payments.get()
    payment.currency = "EUR"
    payment.save(update_fields=["currency"])
    # none is a paid web-shop order in the shop's currency... but the euro one is paid: it is
    # an order (the second order comes after it), its money is not in the punch card's NOK
    assert applied() == ["Andre"]
    paid(factories.create_order(user=customer, lines=[(shop.coffee, 3)]), refunded="87.00")
    # now two orders count (no second order any more); 300.00 NOK paid, less than 400.00
    assert applied() == []
    paid(factories.create_order(user=customer, lines=[(shop.mug, 2)]))  # 179.00
    assert applied() == ["Stempelkort"]  # 479.00 NOK


def test_item15_05_a_split_line_keeps_its_stock_and_is_fulfilled_as_ordered(
        api, all_plugins_active, shop, customer):
    from saleor.warehouse.models import Stock

    make_rule(rules.FIXED, "29.00", rules.SURCHARGE, name="Gebyr")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop, lines=[(shop.coffee, 3)])
    completed = pay_and_complete(client, checkout, Decimal("465.00"))
    order = order_of(completed)
    lines = list(order.lines.all())
    assert sorted((l.quantity, l.unit_price.gross.amount) for l in lines) == [
        (1, Decimal("138.66")), (2, Decimal("138.67"))]  # 416.00 for 3 units
    assert sum(a.quantity_allocated for a in Allocation.objects.filter(
        order_line__order=order)) == 3
    assert {a.order_line_id: a.quantity_allocated for a in Allocation.objects.filter(
        order_line__order=order)} == {l.pk: l.quantity for l in lines}
    fulfilled = order_staff().data("""mutation($order: ID!, $input: OrderFulfillInput!) {
        orderFulfill(order: $order, input: $input) {
          order { status } orderErrors { field message code } } }""", {
        "order": completed["order"]["id"],
        "input": {"lines": [{"orderLineId": Node.to_global_id("OrderLine", l.pk),
                             "stocks": [{"quantity": l.quantity, "warehouse": Node.to_global_id(
                                 "Warehouse", shop.warehouse.pk)}]} for l in lines]},
    })["orderFulfill"]
    assert fulfilled["orderErrors"] == []
    assert fulfilled["order"]["status"] == "FULFILLED"
    assert Stock.objects.get(product_variant=shop.coffee).quantity == 10 - 3
