"""Shipping once per parcel: renewals of one customer delivered on one day to one address
pay the shipping once (the first renewal of the parcel), the others ship free with a note;
a renewal whose charge fails hands the shipping to the next one. Through the Celery task
``renew_due_subscriptions`` and, for buying, ``checkoutComplete`` with two subscription lines."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connections
from graphene import Node
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.subscription import renewal as renewal_module
from saleor_plugins.subscription.models import (
    ChargeAttempt,
    MonthlyInvoice,
    Renewal,
    Shipment,
    Subscription,
)
from saleor_plugins.subscription.subscriptions import plugin

from . import factories
from .subscription_helpers import (  # noqa: F401 (fixture)
    CHECKOUT_LINES,
    LINE_SUBSCRIPTION_SET,
    create_plan,
    days,
    gid,
    make_subscription,
    pay_with_klarna,
    run_renewals,
    start_subscription_checkout,
    subscriptions_on,
)

D = datetime.date
SHIPPING = Decimal("49.00")
COFFEE = Decimal("245.10")  # 2 × 129.00 − 5 %
MUG = Decimal("89.50")  # no discount on the mug's plan


def buy_coffee_and_mug(api, customer, shop, klarna, coffee_interval="2w", mug_interval="2w"):
    """One checkout, two subscription lines, paid with Klarna: two subscriptions."""
    coffee_plan = create_plan(shop.coffee, first="10", later="5")
    mug_plan = create_plan(shop.mug, first="0", later="0", name="Krus")
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, coffee_plan, coffee_interval,
                                           quantity=2, extra_lines=[(shop.mug, 1)])
    lines = client.data(CHECKOUT_LINES, {"token": checkout["token"]})["checkout"]["lines"]
    mug_line = next(l for l in lines if l["variant"]["id"] == gid("ProductVariant", shop.mug.pk))
    marked = client.data(LINE_SUBSCRIPTION_SET, {
        "checkoutId": checkout["id"], "lineId": mug_line["id"],
        "planId": gid("SubscriptionPlan", mug_plan.pk), "interval": mug_interval,
    })["checkoutLineSubscriptionSet"]
    assert marked["subscriptionErrors"] == []
    assert len(marked["checkout"]["subscriptionLines"]) == 2
    checkout["total"] = Decimal(str(marked["checkout"]["totalPrice"]["gross"]["amount"]))
    assert checkout["total"] == Decimal("232.20") + MUG + SHIPPING  # one shipping
    completed = pay_with_klarna(client, checkout, klarna)
    assert completed["checkoutErrors"] == [], completed
    first_order = Node.from_global_id(completed["order"]["id"])[1]
    coffee = Subscription.objects.get(first_order__pk=first_order, variant=shop.coffee)
    mug = Subscription.objects.get(first_order__pk=first_order, variant=shop.mug)
    assert coffee.shipping_price == mug.shipping_price == SHIPPING
    assert coffee.shipping_address_id != mug.shipping_address_id  # each its own copy
    return coffee, mug


def renewal_orders(*subscriptions):
    return list(Order.objects.filter(metadata__subscription_id__in=[
        str(s.pk) for s in subscriptions]).order_by("pk"))


def shipping_of(order):
    return order.shipping_price.gross.amount


def notes(order):
    return [e.parameters.get("message", "") for e in order.events.filter(type="note_added")]


def klarna_shipping(klarna, order):
    """Shipping Klarna charged for this order (its own charge)."""
    placed = klarna.orders[order.payments.get().token]
    return sum(line["total_amount"] for line in placed["order_lines"]
               if line["type"] == "shipping_fee")


@pytest.fixture
def two_of_one_checkout(api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    coffee, mug = buy_coffee_and_mug(api, customer, shop, klarna)
    coffee.charges_before = klarna.state.charge_count
    return coffee, mug


def test_two_subscriptions_of_one_checkout_pay_shipping_once_per_renewal_day(
        two_of_one_checkout, klarna):
    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    assert mug.next_order_date == due
    for cycle, day in ((1, due), (2, due + days(14))):
        assert run_renewals(day) == 2
        orders = [o for o in renewal_orders(coffee, mug)
                  if o.metadata["subscription_cycle"] == str(cycle)]
        assert len(orders) == 2
        paying, free = sorted(orders, key=shipping_of, reverse=True)
        assert (shipping_of(paying), shipping_of(free)) == (SHIPPING, Decimal(0))
        assert {o.total.gross.amount for o in orders} in (
            {COFFEE + SHIPPING, MUG}, {COFFEE, MUG + SHIPPING})
        for order in orders:
            assert order.status == OrderStatus.UNFULFILLED
            payment = order.payments.get()
            assert payment.charge_status == ChargeStatus.FULLY_CHARGED
            placed = klarna.orders[payment.token]
            assert placed["order_amount"] == int(order.total.gross.amount * 100)
            assert placed["captured_amount"] == placed["order_amount"]
        assert klarna_shipping(klarna, paying) == 4900 and klarna_shipping(klarna, free) == 0
        assert f"Ships with order #{paying.pk}: shipping is charged there" in notes(free)
        assert not any("Ships with" in n for n in notes(paying))
        [parcel] = Shipment.objects.filter(
            delivery_date=Renewal.objects.get(order=paying).delivery_date)
        assert parcel.renewal.order == paying and parcel.user == coffee.user
    assert klarna.state.charge_count == coffee.charges_before + 4  # one per renewal
    # the task again on the last day: nothing more
    assert run_renewals(due + days(14)) == 0
    assert klarna.state.charge_count == coffee.charges_before + 4


def test_intervals_that_coincide_sometimes_share_shipping_only_on_shared_days(
        db, shop, customer, subscriptions_on):
    anchor = D(2027, 1, 4)
    weekly = make_subscription(customer, shop.coffee, anchor, "1w")
    fortnightly = make_subscription(customer, shop.mug, anchor, "2w")
    for week in range(1, 5):
        day = anchor + days(7 * week)
        assert run_renewals(day) == (2 if week % 2 == 0 else 1)
        orders = [o for o in renewal_orders(weekly, fortnightly)
                  if Renewal.objects.get(order=o).delivery_date == day]
        assert len(orders) == (2 if week % 2 == 0 else 1)
        assert sum(shipping_of(o) for o in orders) == SHIPPING, week
        assert all(o.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
                   for o in orders)
    assert Shipment.objects.count() == 4  # one parcel per delivery day


def test_other_customers_addresses_methods_and_days_pay_their_own_shipping(
        db, shop, customer, subscriptions_on):
    anchor = D(2027, 1, 4)
    other_method = factories.create_shipping_zone(countries=["NO"], price="79.00") \
        .shipping_methods.get()
    subscriptions = [
        make_subscription(customer, shop.coffee, anchor, "1w"),  # pays
        make_subscription(customer, shop.mug, anchor, "1w"),  # ships with the first
        make_subscription(factories.create_customer(), shop.coffee, anchor, "1w"),
        make_subscription(customer, shop.coffee, anchor, "1w",
                          shipping_address=factories.create_address(city="BERGEN")),
        make_subscription(customer, shop.coffee, anchor, "1w", shipping_method=other_method,
                          shipping_price=Decimal("79.00")),
        make_subscription(customer, shop.coffee, anchor + days(1), "1w"),  # the next day
    ]
    run_renewals(anchor + days(7))
    run_renewals(anchor + days(8))
    shipping = {s.pk: shipping_of(renewal_orders(s)[0]) for s in subscriptions}
    assert [shipping[s.pk] for s in subscriptions] == [
        SHIPPING, 0, SHIPPING, SHIPPING, Decimal("79.00"), SHIPPING]
    assert Shipment.objects.count() == 5


def test_a_declined_payer_hands_the_shipping_to_its_sibling_and_retries_free(
        two_of_one_checkout, klarna):
    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    first, second = sorted((coffee, mug), key=lambda s: s.pk)  # renewed in pk order
    klarna.decline_token_orders(coffee.klarna_token_id, times=1)  # both share the token
    run_renewals(due)
    [declined] = renewal_orders(first)
    [paid] = renewal_orders(second)
    assert declined.status == OrderStatus.CANCELED and shipping_of(declined) == SHIPPING
    assert shipping_of(paid) == SHIPPING and klarna_shipping(klarna, paid) == 4900
    assert Shipment.objects.get().renewal == Renewal.objects.get(order=paid)
    # the retry the next day ships with the sibling's parcel
    run_renewals(due + days(1))
    retried = renewal_orders(first)[-1]
    assert retried.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    assert shipping_of(retried) == 0 and klarna_shipping(klarna, retried) == 0
    assert f"Ships with order #{paid.pk}: shipping is charged there" in notes(retried)
    assert klarna.state.charge_count == coffee.charges_before + 2


def test_when_every_sibling_is_declined_the_first_one_paid_later_carries_the_shipping(
        two_of_one_checkout, klarna):
    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    klarna.decline_token_orders(coffee.klarna_token_id, times=2)
    run_renewals(due)
    assert Renewal.objects.filter(cycle=1, status=Renewal.RETRYING).count() == 2
    assert not Shipment.objects.exists()  # released: nobody ships free on a failed charge
    run_renewals(due + days(1))
    paid = [o for o in renewal_orders(coffee, mug) if o.status != OrderStatus.CANCELED]
    assert len(paid) == 2
    assert sorted(shipping_of(o) for o in paid) == [0, SHIPPING]
    assert sum(klarna_shipping(klarna, o) for o in paid) == 4900


def test_out_of_stock_payer_hands_the_shipping_to_its_sibling(
        two_of_one_checkout, klarna, shop):
    from saleor.warehouse.models import Stock

    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    Stock.objects.filter(product_variant=shop.coffee).update(quantity=0)
    run_renewals(due)
    assert Renewal.objects.get(subscription=coffee, cycle=1).last_error == "out_of_stock"
    [mug_order] = renewal_orders(mug)
    assert shipping_of(mug_order) == SHIPPING
    Stock.objects.filter(product_variant=shop.coffee).update(quantity=100)
    run_renewals(due + days(1))
    [coffee_order] = renewal_orders(coffee)
    assert shipping_of(coffee_order) == 0
    assert coffee_order.total.gross.amount == COFFEE
    assert f"Ships with order #{mug_order.pk}: shipping is charged there" in notes(coffee_order)


def test_a_lost_klarna_answer_keeps_the_shipping_for_the_same_key(two_of_one_checkout, klarna):
    """The payer's answer is lost: its retry must send the same amount with the same key, so
    the parcel stays its own and the sibling ships free; Klarna charged the shipping once."""
    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    first, second = sorted((coffee, mug), key=lambda s: s.pk)
    klarna.inject(method="POST", path="/customer-token/v1/tokens/.*/order", drop=True,
                  after=True, times=3)  # the first charge's answer (and the client's retries)
    run_renewals(due)
    unknown = Renewal.objects.get(subscription=first, cycle=1)
    assert unknown.status == Renewal.RETRYING
    assert unknown.attempts.get().status == ChargeAttempt.UNKNOWN
    [sibling_order] = renewal_orders(second)
    assert shipping_of(sibling_order) == 0
    run_renewals(due)  # the same day's next run: the same key, Klarna's stored answer
    unknown.refresh_from_db()
    assert unknown.status == Renewal.PAID and shipping_of(unknown.order) == SHIPPING
    assert klarna.state.charge_count == coffee.charges_before + 2
    charged_shipping = sum(
        line["total_amount"] for placed in klarna.orders.values()
        if placed.get("merchant_reference2", "").startswith("subscription-")
        for line in placed["order_lines"] if line["type"] == "shipping_fee")
    assert charged_shipping == 4900


def test_monthly_billing_charges_each_delivery_s_shipping_once(
        db, shop, customer, subscriptions_on):
    anchor = D(2027, 1, 4)
    coffee = make_subscription(customer, shop.coffee, anchor, "1w", billing="monthly")
    mug = make_subscription(customer, shop.mug, anchor, "1w", billing="monthly")
    deliveries = 0
    while coffee.next_order_date < D(2027, 2, 1):
        run_renewals(coffee.next_order_date)
        coffee.refresh_from_db()
        deliveries += 1
    assert deliveries == 3  # 11, 18 and 25 January
    orders = renewal_orders(coffee, mug)
    assert len(orders) == 2 * deliveries
    assert sum(shipping_of(o) for o in orders) == SHIPPING * deliveries
    run_renewals(D(2027, 2, 1))  # the month's charges
    invoices = MonthlyInvoice.objects.filter(month=D(2027, 1, 1))
    assert {i.status for i in invoices} == {MonthlyInvoice.PAID} and invoices.count() == 2
    # make_subscription: catalogue prices, no later-order discount
    units = deliveries * (shop.coffee.product.price.amount + shop.mug.product.price.amount)
    assert sum(i.amount for i in invoices) == units + SHIPPING * deliveries


def test_two_workers_renewing_siblings_at_once_charge_one_shipping(
        transactional_db, api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    coffee, mug = buy_coffee_and_mug(api, customer, shop, klarna)
    due = coffee.next_order_date
    # the first charge Klarna sees takes a while: the other worker arrives meanwhile
    klarna.inject(method="POST", path="/customer-token/v1/tokens/.*/order", delay=1.5)
    config = plugin().config
    start = threading.Barrier(2)
    results, errors = {}, []

    def worker(subscription):
        try:
            start.wait(10)
            results[subscription.pk] = renewal_module.renew(subscription.pk, config, due)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(s,)) for s in (coffee, mug)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == [] and results == {coffee.pk: "paid", mug.pk: "paid"}
    orders = renewal_orders(coffee, mug)
    assert sorted(shipping_of(o) for o in orders) == [0, SHIPPING]
    assert sum(klarna_shipping(klarna, o) for o in orders) == 4900
    assert Shipment.objects.count() == 1


FORECAST = "query($start: Date!, $end: Date!) { subscriptionForecast(start: $start, end: $end) " \
           "{ deliveryDate cycle amount { amount } subscription { id renewalTotal { amount } } } }"
MINE = "{ mySubscriptions { id renewalTotal { amount } shippingPrice { amount } } }"


def test_forecast_counts_a_parcel_s_shipping_once_and_totals_drop_it_once_a_sibling_pays(
        api, two_of_one_checkout, customer, klarna):
    from saleor_plugins.core.permissions import SubscriptionPermissions

    coffee, mug = two_of_one_checkout
    due = coffee.next_order_date
    staff = api(factories.create_staff(permissions=[
        SubscriptionPermissions.MANAGE_SUBSCRIPTIONS]))

    def forecast_by_day():
        entries = staff.data(FORECAST, {"start": due.isoformat(),
                                        "end": (due + days(14)).isoformat()})[
            "subscriptionForecast"]
        by_day = {}
        for entry in entries:
            by_day.setdefault(entry["deliveryDate"], []).append(
                Decimal(str(entry["amount"]["amount"])))
        return by_day

    def mine():
        return {Node.from_global_id(s["id"])[1]: (Decimal(str(s["renewalTotal"]["amount"])),
                                                  Decimal(str(s["shippingPrice"]["amount"])))
                for s in api(customer).data(MINE)["mySubscriptions"]}

    # before any renewal: each parcel's shipping once in the forecast; each subscription's
    # own total shows the most it can charge (with shipping)
    by_day = forecast_by_day()
    assert len(by_day) == 2
    for amounts in by_day.values():
        assert sorted(amounts) == sorted([COFFEE + SHIPPING, MUG]) or \
            sorted(amounts) == sorted([COFFEE, MUG + SHIPPING])
    assert mine() == {str(coffee.pk): (COFFEE + SHIPPING, SHIPPING),
                      str(mug.pk): (MUG + SHIPPING, SHIPPING)}
    # the first renewal is declined, its sibling pays the parcel's shipping: the declined
    # one's retry is now known to ship free, in the forecast and in its own total
    first, second = sorted((coffee, mug), key=lambda s: s.pk)
    klarna.decline_token_orders(coffee.klarna_token_id, times=1)
    run_renewals(due)
    first_net = COFFEE if first == coffee else MUG
    assert mine()[str(first.pk)] == (first_net, Decimal(0))
    retry_day = [a for day, a in forecast_by_day().items()
                 if day == Renewal.objects.get(subscription=first, cycle=1)
                 .delivery_date.isoformat()]
    assert retry_day == [[first_net]]  # the sibling's paid renewal is no longer forecast
