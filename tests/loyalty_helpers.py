"""Shared pieces of the loyalty tests: configuration, queries, a paid checkout."""
from decimal import Decimal

from graphene import Node
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.loyalty import ledger
from saleor_plugins.loyalty.models import ADJUST
from saleor_plugins.loyalty.plugin import LoyaltyPlugin

from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE, SHIPPING_UPDATE, create_checkout

PROGRAMME = {
    "points_per_currency_unit": "1", "point_value": "0.10", "max_points_per_order": "0",
    "minimum_balance": "0", "expiry_months": "12", "welcome_points": "0",
    "review_points": "0", "referral_points": "0", "earn_when": "paid",
    "earn_after_discounts": True,
}


def configure(**values):
    """Switch the loyalty plugin on with the test programme plus ``values``."""
    settings = dict(PROGRAMME, **{k: v if isinstance(v, bool) else str(v)
                                  for k, v in values.items()})
    configuration = [{"name": item["name"], "value": settings.get(item["name"], item["value"])}
                     for item in LoyaltyPlugin.DEFAULT_CONFIGURATION]
    PluginConfiguration.objects.update_or_create(
        identifier=LoyaltyPlugin.PLUGIN_ID,
        defaults={"name": LoyaltyPlugin.PLUGIN_NAME, "active": True,
                  "configuration": configuration})


def give_points(user, points, expiry_months=12):
    account = ledger.account_for(user)
    return ledger.earn(account, ADJUST, points, key=f"test-gift:{user.pk}:{points}:"
                       f"{ledger.new_referral_code()}", expiry_months=expiry_months)


def amount(value):
    return Decimal(str(value))


APPLY = """
mutation($checkoutId: ID!, $points: Int, $maximum: Boolean) {
  checkoutLoyaltyPointsApply(checkoutId: $checkoutId, points: $points, maximum: $maximum) {
    checkout { totalPrice { gross { amount } } }
    loyalty { pointsApplied pointsUsable discount { amount } discountName pointsToEarn }
    loyaltyErrors { field message code availablePoints }
  }
}"""

REMOVE = """
mutation($checkoutId: ID!) {
  checkoutLoyaltyPointsRemove(checkoutId: $checkoutId) {
    checkout { totalPrice { gross { amount } } }
    loyaltyErrors { field message code }
  }
}"""

CHECKOUT_LOYALTY = """
query($token: UUID!) {
  checkout(token: $token) {
    totalPrice { gross { amount } }
    loyalty { pointsToEarn pointsUsable usableValue { amount } pointsApplied
              discount { amount currency } discountName balance notUsableReason }
  }
}"""

ME = """
{ me { loyalty { balance reserved available pending value { amount } pointsExpiringSoon
  referralCode excluded history { kind status points reason orderId } } } }"""

ORDER_LOYALTY = """
query($id: ID!) {
  order(id: $id) {
    total { gross { amount } }
    loyalty { pointsEarned earnedStatus pointsRedeemed redeemedAmount { amount }
              discountName pointsReversed pointsReturned }
  }
}"""


def checkout_with_shipping(client, shop, lines=None):
    checkout = create_checkout(client, lines or [(shop.coffee, 3), (shop.mug, 1)])
    result = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": Node.to_global_id("ShippingMethod", shop.shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert result["checkoutErrors"] == []
    return checkout


def total_of(client, checkout):
    data = client.data(CHECKOUT_LOYALTY, {"token": checkout["token"]})["checkout"]
    return amount(data["totalPrice"]["gross"]["amount"])


def pay_and_complete(client, checkout, total=None, token="charged"):
    total = total_of(client, checkout) if total is None else total
    payment = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": token, "amount": str(total)}}
    )["checkoutPaymentCreate"]
    assert payment["paymentErrors"] == [], payment
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def order_id(order):
    return Node.to_global_id("Order", order.pk)
