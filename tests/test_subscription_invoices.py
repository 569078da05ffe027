"""Consolidated monthly invoices (issue 14, item 19): cancelled orders are not charged, a
failed invoice puts the subscription on hold, only staff switch a subscription to monthly
billing, and two workers charging one month charge it once (real threads)."""
import threading

import pytest
from django.core import mail
from django.db import connection
from graphene import Node
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription.models import MonthlyInvoice, Renewal, Subscription

from . import factories
from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    days,
    gid,
    invoice_a_month,
    run_renewals,
    subscriptions_on,
)

CANCEL = "mutation($id: ID!) { orderCancel(id: $id) { orderErrors { field message code } } }"
UPDATE = """mutation($id: ID!, $input: ProductSubscriptionUpdateInput!) {
  productSubscriptionUpdate(id: $id, input: $input) {
    subscription { billing } subscriptionErrors { field message code } } }"""


@pytest.fixture
def weekly(api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    plan = create_plan(shop.coffee, intervals=("1w",), first="0", later="0")
    subscription = buy(api, customer, shop, klarna, plan, "1w", quantity=1)
    subscription.charges_before = klarna.state.charge_count
    return subscription


def month_orders(subscription):
    return list(Order.objects.filter(metadata__subscription_id=str(subscription.pk))
                .order_by("pk"))


def config():
    from saleor_plugins.subscription.subscriptions import plugin

    return plugin().config


def test_item14_19_cancelled_orders_are_not_charged(weekly, klarna, api):
    month, next_month = invoice_a_month(weekly)
    orders = month_orders(weekly)
    assert len(orders) >= 3
    staff = api(factories.create_staff(permissions=["order.manage_orders"]))
    cancelled = orders[1]
    assert staff.data(CANCEL, {"id": Node.to_global_id("Order", cancelled.pk)})[
        "orderCancel"]["orderErrors"] == []
    run_renewals(next_month)
    invoice = MonthlyInvoice.objects.get(subscription=weekly, month=month)
    due = sum(o.total.gross.amount for o in orders if o.pk != cancelled.pk)
    assert invoice.status == MonthlyInvoice.PAID and invoice.amount == due
    klarna_order = klarna.orders[invoice.attempts.get().klarna_order_id]
    assert klarna_order["order_amount"] == int(due * 100)
    assert klarna.state.charge_count == weekly.charges_before + 1
    for order in orders:
        order.refresh_from_db()
        if order.pk == cancelled.pk:
            assert order.status == OrderStatus.CANCELED and not order.payments.exists()
        else:
            assert order.payments.get().charge_status == ChargeStatus.FULLY_CHARGED
    assert Renewal.objects.get(order=cancelled).status == Renewal.DROPPED


def test_item14_19_a_declined_invoice_holds_the_subscription_until_it_is_paid(
        weekly, klarna):
    month, next_month = invoice_a_month(weekly)
    klarna.decline_token_orders(weekly.klarna_token_id, times=20)
    mail.outbox.clear()
    run_renewals(next_month)
    made = len(month_orders(weekly))
    invoice = MonthlyInvoice.objects.get(subscription=weekly, month=month)
    assert invoice.status == MonthlyInvoice.RETRYING
    weekly.refresh_from_db()
    assert weekly.status == Subscription.PAYMENT_REQUIRED  # on hold: no goods on credit
    [message] = mail.outbox
    assert "Monthly payment" in message.subject and "on hold" in message.body
    # the next delivery falls due while the month is unpaid: no order for it
    run_renewals(max(weekly.next_order_date, next_month + days(1)))
    assert len(month_orders(weekly)) == made
    invoice.refresh_from_db()
    assert invoice.status == MonthlyInvoice.RETRYING and invoice.failed_days == 2
    klarna.state.token_declines.pop(weekly.klarna_token_id)  # the customer's bank says yes
    retry_day = invoice.retry_on
    run_renewals(retry_day)
    invoice.refresh_from_db()
    assert invoice.status == MonthlyInvoice.PAID
    weekly.refresh_from_db()
    assert weekly.status == Subscription.ACTIVE
    assert weekly.next_order_date >= retry_day  # missed deliveries are not made late
    assert klarna.state.charge_count == weekly.charges_before + 1
    run_renewals(weekly.next_order_date)  # it renews again
    assert len(month_orders(weekly)) == made + 1


def test_item14_19_an_invoice_failing_every_retry_stays_on_hold_and_asks_for_a_payment(
        weekly, klarna):
    month, next_month = invoice_a_month(weekly)
    made = len(month_orders(weekly))
    klarna.decline_token_orders(weekly.klarna_token_id, times=20)
    retries = config().retry_days
    for day in range(retries + 2):
        run_renewals(next_month + days(day))
    invoice = MonthlyInvoice.objects.get(subscription=weekly, month=month)
    assert invoice.status == MonthlyInvoice.FAILED
    assert invoice.attempts.count() == retries + 1
    weekly.refresh_from_db()
    assert weekly.status == Subscription.PAYMENT_REQUIRED
    assert any("update the payment method" in m.subject for m in mail.outbox)
    assert len(month_orders(weekly)) == made
    assert klarna.state.charge_count == weekly.charges_before


def test_item14_19_only_staff_switch_a_subscription_to_monthly_billing(
        api, shop, customer, subscriptions_on):
    from .subscription_helpers import make_subscription

    subscription = make_subscription(customer, shop.coffee, shop_today(), "1w")
    sid = gid("ProductSubscription", subscription.pk)
    own = api(customer).data(UPDATE, {"id": sid, "input": {"billing": "MONTHLY"}})[
        "productSubscriptionUpdate"]
    assert own["subscriptionErrors"] == [{
        "field": "billing", "code": "SUBSCRIPTION_BILLING_STAFF_ONLY",
        "message": "Only the shop can change how a subscription is billed."}]
    subscription.refresh_from_db()
    assert subscription.billing == "per_delivery"
    # the current billing sent back with other changes is no change
    same = api(customer).data(UPDATE, {"id": sid, "input": {
        "billing": "PER_DELIVERY", "comment": "Ring på"}})["productSubscriptionUpdate"]
    assert same["subscriptionErrors"] == []
    staff = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    by_staff = api(staff).data(UPDATE, {"id": sid, "input": {"billing": "MONTHLY"}})[
        "productSubscriptionUpdate"]
    assert by_staff["subscriptionErrors"] == [] and \
        by_staff["subscription"]["billing"] == "MONTHLY"


def shop_today():
    from django.utils import timezone

    from saleor_plugins.subscription.scheduling import local_today

    return local_today(timezone.now(), "Europe/Oslo")


@pytest.mark.django_db(transaction=True)
def test_two_workers_charging_one_month_charge_it_once(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    from saleor_plugins.subscription import invoices

    plan = create_plan(shop.coffee, intervals=("1w",), first="0", later="0")
    subscription = buy(api, customer, shop, klarna, plan, "1w", quantity=1)
    month, next_month = invoice_a_month(subscription)
    before = klarna.state.charge_count
    invoice = MonthlyInvoice.objects.get(subscription=subscription, month=month)
    klarna.inject(method="POST", path="/customer-token/v1/tokens/.*/order", delay=1.0)
    settings_ = config()
    barrier = threading.Barrier(2)
    results, failures = [], []

    def charge():
        try:
            barrier.wait()
            results.append(invoices.charge_invoice(invoice.pk, settings_, next_month))
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=charge) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    assert sorted(results) == ["locked", "paid"]
    invoice.refresh_from_db()
    assert invoice.status == MonthlyInvoice.PAID and invoice.attempts.count() == 1
    assert klarna.state.charge_count == before + 1


def test_item14_19_a_delivery_on_the_first_waits_for_the_ended_months_invoice(weekly, klarna):
    """The month's invoice is charged before a delivery due the same day (the 1st) is made,
    whichever comes first: declined, the subscription is on hold and no order is made."""
    month, next_month = invoice_a_month(weekly)
    weekly.refresh_from_db()
    shift = next_month - weekly.next_order_date  # the next delivery falls due on the 1st
    weekly.next_order_date += shift
    weekly.next_delivery_date += shift
    weekly.due_on += shift
    weekly.save()
    made = len(month_orders(weekly))
    klarna.decline_token_orders(weekly.klarna_token_id, times=20)
    from saleor_plugins.subscription.tasks import renew_subscription

    assert renew_subscription(weekly.pk, next_month.isoformat()) != "renewed"
    weekly.refresh_from_db()
    assert weekly.status == Subscription.PAYMENT_REQUIRED
    assert MonthlyInvoice.objects.get(subscription=weekly, month=month).status == \
        MonthlyInvoice.RETRYING
    assert len(month_orders(weekly)) == made
