"""Loyalty points through Saleor's /graphql/: earning on purchase, spending at checkout."""
from decimal import Decimal

import pytest
from graphene import Node
from saleor.core.permissions import OrderPermissions
from saleor.order.models import Order

from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import LoyaltyAccount

from . import factories
from .loyalty_helpers import (
    APPLY,
    CHECKOUT_LOYALTY,
    ME,
    ORDER_LOYALTY,
    amount,
    checkout_with_shipping,
    configure,
    give_points,
    order_id,
    pay_and_complete,
)

UPDATE_SHIPPING = """
mutation($order: ID!, $method: ID!) {
  orderUpdateShipping(order: $order, input: {shippingMethod: $method}) {
    order { total { gross { amount } } }
    orderErrors { field message code }
  }
}"""


@pytest.fixture
def loyalty(all_plugins_active):
    configure()


def test_purchase_earns_points_on_products_without_shipping_once_paid(api, loyalty, shop,
                                                                      customer):
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]
    # 3 x 129.00 + 89.50 = 476.50 of products; the 49.00 shipping earns nothing
    assert shown["loyalty"]["pointsToEarn"] == 476
    assert shown["loyalty"]["pointsUsable"] == 0
    completed = pay_and_complete(client, checkout, Decimal("525.50"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    me = client.data(ME)["me"]["loyalty"]
    assert me["balance"] == 476 and me["pending"] == 0
    assert [(h["kind"], h["status"], h["points"]) for h in me["history"]] == [
        ("EARN_PURCHASE", "POSTED", 476)]
    assert me["history"][0]["orderId"] == order_id(order)
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    shown_order = staff.data(ORDER_LOYALTY, {"id": order_id(order)})["order"]["loyalty"]
    assert shown_order["pointsEarned"] == 476 and shown_order["earnedStatus"] == "POSTED"
    assert ledger.check_account(LoyaltyAccount.objects.get(user=customer))


def test_points_pay_part_of_the_order_and_survive_recalculation(api, loyalty, shop, customer):
    give_points(customer, 1000)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    applied = client.data(APPLY, {"checkoutId": checkout["id"], "points": 200}
                          )["checkoutLoyaltyPointsApply"]
    assert applied["loyaltyErrors"] == []
    assert applied["loyalty"]["pointsApplied"] == 200
    assert amount(applied["loyalty"]["discount"]["amount"]) == Decimal("20.00")
    assert applied["loyalty"]["discountName"] == "Redeemed points"
    total = Decimal("505.50")
    assert amount(applied["checkout"]["totalPrice"]["gross"]["amount"]) == total
    # the part paid with points earns nothing: 476.50 - 20.00
    assert applied["loyalty"]["pointsToEarn"] == 456
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["reserved"], me["available"]) == (1000, 200, 800)

    completed = pay_and_complete(client, checkout, total)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.total.gross.amount == total
    mine = client.data(ORDER_LOYALTY.replace("order(id: $id)", "orderByToken(token: $id)")
                       .replace("$id: ID!", "$id: UUID!"),
                       {"id": completed["order"]["token"]})["orderByToken"]["loyalty"]
    assert mine["pointsRedeemed"] == 200 and amount(mine["redeemedAmount"]["amount"]) == 20
    assert mine["discountName"] == "Redeemed points" and mine["pointsEarned"] == 456
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["reserved"]) == (1000 - 200 + 456, 0)
    assert ledger.check_account(LoyaltyAccount.objects.get(user=customer))

    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    recalculated = staff.data(UPDATE_SHIPPING, {
        "order": order_id(order),
        "method": Node.to_global_id("ShippingMethod", shop.shipping_method.pk)}
    )["orderUpdateShipping"]
    assert recalculated["orderErrors"] == []
    assert amount(recalculated["order"]["total"]["gross"]["amount"]) == total
