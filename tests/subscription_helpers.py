"""Builders for the subscription tests: plugin settings, plans, buying through /graphql/."""
import datetime
from decimal import Decimal

import pytest
from graphene import Node
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.subscription.models import Subscription, SubscriptionPlan
from saleor_plugins.subscription.plugin import SubscriptionPlugin

from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE, SHIPPING_UPDATE, create_checkout

LINE_SUBSCRIPTION_SET = """
mutation($checkoutId: ID!, $lineId: ID!, $planId: ID, $interval: String) {
  checkoutLineSubscriptionSet(checkoutId: $checkoutId, lineId: $lineId, planId: $planId,
                              interval: $interval) {
    checkout {
      totalPrice { gross { amount } }
      subscriptionLines { lineId interval firstOrderDiscount { amount } plan { name } }
    }
    subscriptionErrors { field message code }
  }
}"""

CHECKOUT_LINES = """
query($token: UUID!) { checkout(token: $token) { lines { id variant { id } } } }"""

SESSION_CREATE = """
mutation($checkoutId: ID!) {
  klarnaSessionCreate(checkoutId: $checkoutId) {
    session { sessionId intent }
    klarnaErrors { field message code }
  }
}"""


def configure(**values):
    settings = {"reminder_days": 3, "retry_days": 3, "lead_time_days": 0,
                "closing_weekdays": "", "time_zone": "Europe/Oslo", "renewal_hour": 6}
    settings.update(values)
    PluginConfiguration.objects.update_or_create(
        identifier=SubscriptionPlugin.PLUGIN_ID,
        defaults={"name": SubscriptionPlugin.PLUGIN_NAME, "active": True, "configuration": [
            {"name": item["name"], "value": str(settings.get(item["name"], item["value"]))}
            for item in SubscriptionPlugin.DEFAULT_CONFIGURATION]})


@pytest.fixture
def subscriptions_on(db):
    configure()
    return configure


def create_plan(variant, intervals=("1w", "2w", "1m"), first="10", later="5", **fields):
    return SubscriptionPlan.objects.create(
        name=fields.pop("name", "Abonnement"), product=variant.product,
        intervals=list(intervals), first_order_discount=Decimal(first),
        later_order_discount=Decimal(later), **fields)


def gid(type_name, pk):
    return Node.to_global_id(type_name, pk)


def start_subscription_checkout(client, shop, plan, interval="2w", variant=None, quantity=2,
                                extra_lines=()):
    variant = variant or shop.coffee
    checkout = create_checkout(client, [(variant, quantity)] + list(extra_lines))
    shipping = client.data(SHIPPING_UPDATE, {
        "checkoutId": checkout["id"],
        "shippingMethodId": gid("ShippingMethod", shop.shipping_method.pk),
    })["checkoutShippingMethodUpdate"]
    assert shipping["checkoutErrors"] == []
    lines = client.data(CHECKOUT_LINES, {"token": checkout["token"]})["checkout"]["lines"]
    line = next(l for l in lines if l["variant"]["id"] == gid("ProductVariant", variant.pk))
    result = client.data(LINE_SUBSCRIPTION_SET, {
        "checkoutId": checkout["id"], "lineId": line["id"], "planId": gid(
            "SubscriptionPlan", plan.pk), "interval": interval,
    })["checkoutLineSubscriptionSet"]
    checkout["line_id"] = line["id"]
    checkout["set_result"] = result
    if not result["subscriptionErrors"]:
        checkout["total"] = Decimal(str(result["checkout"]["totalPrice"]["gross"]["amount"]))
    return checkout


def pay_with_klarna(client, checkout, klarna):
    session = client.data(SESSION_CREATE, {"checkoutId": checkout["id"]})["klarnaSessionCreate"]
    assert session["klarnaErrors"] == []
    token = klarna.authorize(session["session"]["sessionId"])
    return pay(client, checkout, "saleor_plugins.klarna", token)


def pay(client, checkout, gateway, token):
    payment = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": gateway, "token": token, "amount": str(checkout["total"])}}
    )["checkoutPaymentCreate"]
    assert payment["paymentErrors"] == [], payment
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def buy(api, customer, shop, klarna, plan, interval="2w", quantity=2):
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, interval, quantity=quantity)
    completed = pay_with_klarna(client, checkout, klarna)
    assert completed["checkoutErrors"] == [], completed
    return Subscription.objects.get(first_order__pk=Node.from_global_id(
        completed["order"]["id"])[1])


def days(n):
    return datetime.timedelta(days=n)


def make_subscription(user, variant, anchor, interval="1m", gateway="mirumee.payments.dummy",
                      **fields):
    """A subscription as checkoutComplete leaves it, without the checkout (fast)."""
    from saleor_plugins.subscription import subscriptions
    from saleor_plugins.subscription.scheduling import DeliveryCalendar

    from . import factories

    values = dict(
        user=user, variant=variant, product_name=variant.product.name,
        product_sku=variant.sku, quantity=1, interval=interval, anchor_date=anchor,
        unit_price=variant.product.price.amount, currency="NOK", shipping_price=Decimal("49"),
        shipping_address=factories.create_address(), billing_address=factories.create_address(),
        gateway=gateway, next_delivery_date=anchor, next_order_date=anchor, due_on=anchor)
    calendar = fields.pop("calendar", None) or DeliveryCalendar()
    values.update(fields)
    subscription = Subscription(**values)
    subscriptions.place_next(subscription, 1, calendar)
    subscription.save()
    return subscription


def klarna_subscriptions(api, customer, shop, klarna, count, interval="1w"):
    """``count`` subscriptions due the same day, charged through one Klarna customer token:
    ``customer``'s bought through checkout, the others of other customers."""
    from . import factories

    plan = create_plan(shop.coffee, first="0", later="0")
    first = buy(api, customer, shop, klarna, plan, interval, quantity=1)
    return [first] + [
        make_subscription(factories.create_customer(), shop.coffee, first.anchor_date, interval,
                          gateway=first.gateway, klarna_token_id=first.klarna_token_id)
        for _ in range(count - 1)]


def run_renewals(day):
    from saleor_plugins.subscription.tasks import renew_due_subscriptions

    # the task's body, as an eager delay() would run it; .get() on an eager result checks a
    # process-wide Celery flag that an eager task in another thread (a live server's) sets
    return renew_due_subscriptions(day.isoformat())


def invoice_a_month(subscription):
    """Switch to monthly billing and renew every delivery of the next order's month;
    returns (first day of that month, first day of the next)."""
    subscription.billing = "monthly"
    subscription.save()
    month = subscription.next_order_date.replace(day=1)
    while subscription.next_order_date.replace(day=1) == month:
        run_renewals(subscription.next_order_date)
        subscription.refresh_from_db()
    return month, (month + days(32)).replace(day=1)
