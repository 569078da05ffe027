"""Buying a subscription: plan on a checkout line, first-order discount, Klarna token,
checkoutComplete → subscription, guests refused."""
from decimal import Decimal

from graphene import Node

from saleor.order.models import Order
from saleor.order.utils import recalculate_order

from saleor_plugins.klarna.models import KlarnaCustomerToken
from saleor_plugins.subscription.models import CheckoutSubscriptionLine, Renewal, Subscription

from .checkout_helpers import create_checkout
from .subscription_helpers import (  # noqa: F401 (fixture)
    CHECKOUT_LINES,
    LINE_SUBSCRIPTION_SET,
    buy,
    create_plan,
    gid,
    pay,
    start_subscription_checkout,
    subscriptions_on,
)


def test_checkout_shows_the_first_order_discount_and_completing_creates_the_subscription(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    plan = create_plan(shop.coffee, first="10", later="5")
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "2w", quantity=2)
    result = checkout["set_result"]
    assert result["subscriptionErrors"] == []
    # 2 × 129.00 = 258.00, 10 % off = 232.20, + 49.00 shipping
    assert checkout["total"] == Decimal("281.20")
    [line] = result["checkout"]["subscriptionLines"]
    assert line["interval"] == "2w" and line["firstOrderDiscount"]["amount"] == -25.8

    from .subscription_helpers import pay_with_klarna

    completed = pay_with_klarna(client, checkout, klarna)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(pk=int(Node.from_global_id(completed["order"]["id"])[1]))
    assert order.total.gross.amount == Decimal("281.20")
    # the discount lives in the line's unit price, so recalculation keeps it
    recalculate_order(order)
    order.refresh_from_db()
    assert order.total.gross.amount == Decimal("281.20")
    subscription = Subscription.objects.get()
    assert subscription.user == customer and subscription.first_order == order
    assert subscription.quantity == 2 and subscription.interval == "2w"
    assert subscription.unit_price == Decimal("129.00")
    assert subscription.shipping_price == Decimal("49.00")
    assert subscription.shipping_method_id == shop.shipping_method.pk
    assert subscription.shipping_address.street_address_1 == "Karl Johans gate 1"
    token = KlarnaCustomerToken.objects.get(user=customer)
    assert subscription.klarna_token_id == token.token_id
    assert subscription.next_cycle == 1
    assert (subscription.next_delivery_date - subscription.anchor_date).days == 14
    assert Renewal.objects.get(subscription=subscription, cycle=0).order == order
    # Klarna was told the line is a subscription
    [session] = klarna.state.sessions.values()
    assert session["data"]["intent"] == "buy_and_tokenize"
    [coffee_line] = [l for l in session["data"]["order_lines"] if l.get("subscription")]
    assert coffee_line["subscription"] == {"name": "Abonnement", "interval": "WEEK",
                                           "interval_count": 2}
    assert CheckoutSubscriptionLine.objects.count() == 0


def test_guests_cannot_subscribe(api, shop, klarna_gateway, subscriptions_on):
    plan = create_plan(shop.coffee)
    client = api()
    checkout = start_subscription_checkout(client, shop, plan, "2w")
    errors = checkout["set_result"]["subscriptionErrors"]
    assert errors == [{"field": "checkoutId", "code": "SUBSCRIPTION_LOGIN_REQUIRED",
                       "message": "Log in or create an account to subscribe."}]
    assert CheckoutSubscriptionLine.objects.count() == 0


def test_interval_and_plan_must_be_offered(api, shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee, intervals=("1w",))
    other = create_plan(shop.mug)
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "3w")
    assert [e["code"] for e in checkout["set_result"]["subscriptionErrors"]] == [
        "SUBSCRIPTION_INTERVAL_NOT_OFFERED"]
    checkout = start_subscription_checkout(client, shop, other, "1w")
    assert [e["code"] for e in checkout["set_result"]["subscriptionErrors"]] == [
        "SUBSCRIPTION_PLAN_NOT_OFFERED"]
    bad = client.data(LINE_SUBSCRIPTION_SET, {
        "checkoutId": checkout["id"], "lineId": "garbage", "planId": gid("SubscriptionPlan",
                                                                         plan.pk),
        "interval": "1w"})["checkoutLineSubscriptionSet"]
    assert bad["subscriptionErrors"][0]["code"] == "GRAPHQL_ERROR"


def test_someone_elses_checkout_is_not_found(api, shop, customer, subscriptions_on):
    from . import factories

    plan = create_plan(shop.coffee)
    checkout = start_subscription_checkout(api(customer), shop, plan, "1w")
    intruder = api(factories.create_customer())
    result = intruder.data(LINE_SUBSCRIPTION_SET, {
        "checkoutId": checkout["id"], "lineId": checkout["line_id"],
        "planId": gid("SubscriptionPlan", plan.pk), "interval": "2w",
    })["checkoutLineSubscriptionSet"]
    assert result["subscriptionErrors"][0]["code"] == "NOT_FOUND"
    assert CheckoutSubscriptionLine.objects.get().interval == "1w"


def test_removing_the_plan_makes_the_line_one_off_at_full_price(
        api, shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee)
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "1w", quantity=1)
    assert checkout["total"] == Decimal("165.10")  # 129 - 12.90 + 49
    result = client.data(LINE_SUBSCRIPTION_SET, {
        "checkoutId": checkout["id"], "lineId": checkout["line_id"], "planId": None,
    })["checkoutLineSubscriptionSet"]
    assert result["checkout"]["totalPrice"]["gross"]["amount"] == 178.0
    assert result["checkout"]["subscriptionLines"] == []


def test_one_off_purchase_of_a_subscription_product_stays_possible(
        api, shop, customer, subscriptions_on):
    from .checkout_helpers import complete_checkout_with_dummy_payment

    create_plan(shop.coffee)
    order = complete_checkout_with_dummy_payment(api(customer), [(shop.coffee, 1)],
                                                 shop.shipping_method)
    assert order["total"]["gross"]["amount"] == 178.0
    assert Subscription.objects.count() == 0


def test_dummy_gateway_subscription_for_the_demo(api, shop, customer, subscriptions_on):
    plan = create_plan(shop.coffee)
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "1m", quantity=1)
    completed = pay(client, checkout, "mirumee.payments.dummy", "charged")
    assert completed["checkoutErrors"] == []
    subscription = Subscription.objects.get()
    assert subscription.gateway == "mirumee.payments.dummy" and subscription.klarna_token_id == ""
