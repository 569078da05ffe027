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


def test_an_expired_hold_spends_nothing_and_goes_with_the_order(api, loyalty, shop, customer):
    from datetime import timedelta

    from django.utils import timezone

    from saleor_plugins.loyalty.models import Reservation

    give_points(customer, 1000)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert client.data(APPLY, {"checkoutId": checkout["id"], "points": 200}
                       )["checkoutLoyaltyPointsApply"]["loyaltyErrors"] == []
    Reservation.objects.filter(checkout_token=checkout["token"]).update(
        expires_at=timezone.now() - timedelta(minutes=1))
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]
    assert shown["loyalty"]["pointsApplied"] == 0
    completed = pay_and_complete(client, checkout, Decimal("525.50"))
    assert completed["checkoutErrors"] == []
    assert not Reservation.objects.filter(checkout_token=checkout["token"]).exists()
    me = client.data(ME)["me"]["loyalty"]
    assert (me["balance"], me["reserved"]) == (1000 + 476, 0)


def apply(client, checkout, **variables):
    return client.data(APPLY, dict(variables, checkoutId=checkout["id"])
                       )["checkoutLoyaltyPointsApply"]


def test_every_spending_limit(api, loyalty, shop, customer):
    from saleor_plugins.loyalty.models import ProductPointsSetting

    configure(max_points_per_order=300, minimum_balance=100)
    give_points(customer, 90)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    below = apply(client, checkout, points=50)
    assert below["loyaltyErrors"] == [{"field": "points", "code": "NOT_ALLOWED",
                                       "availablePoints": None,
                                       "message": "You need at least 100 points to use them."}]
    give_points(customer, 910)  # balance 1000
    too_many = apply(client, checkout, points=301)
    assert too_many["loyaltyErrors"] == [{
        "field": "points", "code": "INSUFFICIENT_POINTS", "availablePoints": 300,
        "message": "You can use at most 300 points on this order."}]
    most = apply(client, checkout, maximum=True)
    assert most["loyaltyErrors"] == [] and most["loyalty"]["pointsApplied"] == 300
    assert amount(most["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("495.50")
    bad = apply(client, checkout, points=0)
    assert bad["loyaltyErrors"][0]["code"] == "INVALID"
    neither = apply(client, checkout)
    assert neither["loyaltyErrors"][0]["code"] == "REQUIRED"

    # only the mug accepts points: the discount is capped at its price (less a cent)
    ProductPointsSetting.objects.create(product=shop.coffee.product, redeemable=False)
    configure(max_points_per_order=0, point_value="1.00")
    capped = apply(client, checkout, maximum=True)
    assert capped["loyaltyErrors"] == [] and capped["loyalty"]["pointsApplied"] == 89
    assert amount(capped["loyalty"]["discount"]["amount"]) == Decimal("89.00")
    assert amount(capped["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("436.50")
    removed = client.data("""mutation($id: ID!) { checkoutLoyaltyPointsRemove(checkoutId: $id) {
        checkout { totalPrice { gross { amount } } } loyaltyErrors { code } } }""",
                          {"id": checkout["id"]})["checkoutLoyaltyPointsRemove"]
    assert amount(removed["checkout"]["totalPrice"]["gross"]["amount"]) == Decimal("525.50")
    assert client.data(ME)["me"]["loyalty"]["reserved"] == 0


def test_guests_neither_earn_nor_spend(api, loyalty, shop, customer):
    guest = api()
    checkout = checkout_with_shipping(guest, shop)
    shown = guest.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]["loyalty"]
    assert (shown["pointsToEarn"], shown["pointsUsable"], shown["notUsableReason"]) == (
        0, 0, "GUEST")
    refused = apply(guest, checkout, points=10)
    assert refused["loyaltyErrors"][0]["code"] == "NOT_ALLOWED"
    completed = pay_and_complete(guest, checkout, Decimal("525.50"))
    assert completed["checkoutErrors"] == []
    assert not LoyaltyAccount.objects.exists()
    content = guest.execute(ME)
    assert content["data"]["me"] is None


def test_excluded_customer_cannot_spend_or_earn(api, loyalty, shop, customer):
    give_points(customer, 500)
    LoyaltyAccount.objects.filter(user=customer).update(excluded=True)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    refused = apply(client, checkout, points=10)
    assert refused["loyaltyErrors"][0]["code"] == "NOT_ALLOWED"
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]["loyalty"]
    assert shown["pointsToEarn"] == 0 and shown["notUsableReason"] == "EXCLUDED"
    assert pay_and_complete(client, checkout, Decimal("525.50"))["checkoutErrors"] == []
    assert client.data(ME)["me"]["loyalty"]["balance"] == 500


def test_another_customer_cannot_touch_my_checkout(api, loyalty, shop, customer):
    give_points(customer, 500)
    checkout = checkout_with_shipping(api(customer), shop)
    stranger = factories.create_customer()
    give_points(stranger, 500)
    other = api(stranger)
    refused = apply(other, checkout, points=10)
    assert refused["loyaltyErrors"][0]["code"] == "NOT_FOUND"
    removed = other.data(REMOVE_POINTS, {"checkoutId": checkout["id"]}
                         )["checkoutLoyaltyPointsRemove"]
    assert removed["loyaltyErrors"][0]["code"] == "NOT_FOUND"


REMOVE_POINTS = """mutation($checkoutId: ID!) { checkoutLoyaltyPointsRemove(
    checkoutId: $checkoutId) { loyaltyErrors { code } } }"""


# 476.50 - 50.00 (rule) - 41.50 (points) = 385.00 after discounts; before discounts the
# rule does not count, but the part paid with points never earns: 476.50 - 41.50 = 435.00
@pytest.mark.parametrize("after_discounts,earned", [(True, 385), (False, 435)])
def test_earning_before_or_after_discounts_is_a_setting(api, loyalty, shop, customer,
                                                        after_discounts, earned):
    from saleor_plugins.discount_rules import rules
    from saleor_plugins.discount_rules.models import DiscountRule

    configure(earn_after_discounts=after_discounts)
    DiscountRule.objects.create(name="Minus 50", kind=rules.FIXED, value=Decimal("50"))
    give_points(customer, 500)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert apply(client, checkout, points=415)["loyaltyErrors"] == []
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]
    assert amount(shown["totalPrice"]["gross"]["amount"]) == Decimal("434.00")
    completed = pay_and_complete(client, checkout, Decimal("434.00"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    from saleor_plugins.loyalty.models import OrderPoints

    assert OrderPoints.objects.get(order=order).points_earned == earned


def test_completion_is_refused_before_payment_when_the_held_points_are_gone(
        api, loyalty, shop, customer):
    from saleor_plugins.loyalty.models import LedgerEntry

    give_points(customer, 300)
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert apply(client, checkout, points=300)["loyaltyErrors"] == []
    account = LoyaltyAccount.objects.get(user=customer)
    ledger.adjust(account, -200, "Correction", None)  # staff took points meanwhile
    completed = pay_and_complete(client, checkout, Decimal("495.50"))
    assert completed["checkoutErrors"] == [{
        "field": None, "code": "INVALID",
        "message": "Your points balance has changed. Apply your points again."}]
    assert not Order.objects.exists()
    assert not LedgerEntry.objects.filter(kind="redeem").exists()
    assert ledger.check_account(account)


def test_errors_in_the_shoppers_language(loyalty, shop, customer):
    from .graphql_client import GraphQLClient

    client = GraphQLClient(customer, language="nb")
    checkout = checkout_with_shipping(client, shop)
    refused = apply(client, checkout, points=50)
    assert refused["loyaltyErrors"][0]["message"] == \
        "Du har ingen poeng å bruke på denne bestillingen."
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]["loyalty"]
    assert shown["discountName"] == "Innløste bonuspoeng"


PROMO = """mutation($id: ID!, $code: String!) { checkoutAddPromoCode(checkoutId: $id,
    promoCode: $code) { checkoutErrors { field code message } } }"""


def test_item14_15_a_shipping_voucher_does_not_lower_the_points(api, loyalty, shop, customer):
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher

    Voucher.objects.create(code="FRAKTFRI", type=VoucherType.SHIPPING,
                           discount_value_type=DiscountValueType.PERCENTAGE,
                           discount_value=Decimal("100"))
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    added = client.data(PROMO, {"id": checkout["id"], "code": "FRAKTFRI"})["checkoutAddPromoCode"]
    assert added["checkoutErrors"] == []
    shown = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]
    # the 49.00 shipping is free; the 476.50 of products earn as before
    assert amount(shown["totalPrice"]["gross"]["amount"]) == Decimal("476.50")
    assert shown["loyalty"]["pointsToEarn"] == 476
    completed = pay_and_complete(client, checkout, Decimal("476.50"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    assert order.discount_amount == Decimal("49.00")
    assert client.data(ME)["me"]["loyalty"]["balance"] == 476
