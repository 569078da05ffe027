"""Charging renewals (issue 14): which gateways pay, a lost Klarna answer followed by a price
change, charges Klarna never answers, and two workers on one cycle (real threads)."""
import datetime
import threading
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.subscription import charges
from saleor_plugins.subscription import renewal as renewal_module
from saleor_plugins.subscription.gateways import DUMMY_GATEWAY, DUMMY_SETTING
from saleor_plugins.subscription.models import ChargeAttempt, Renewal, Subscription

from . import factories
from .subscription_helpers import (  # noqa: F401 (fixture)
    buy,
    create_plan,
    make_subscription,
    pay,
    run_renewals,
    start_subscription_checkout,
    subscriptions_on,
)

TOKEN_ORDER = "/customer-token/v1/tokens/.*/order"


def renewal_orders(subscription):
    return Order.objects.filter(metadata__subscription_id=str(subscription.pk)).order_by("pk")


def config():
    from saleor_plugins.subscription.subscriptions import plugin

    return plugin().config


def dummy_plugin_active(active):
    from saleor.payment.gateways.dummy.plugin import DummyGatewayPlugin

    PluginConfiguration.objects.update_or_create(
        identifier=DUMMY_GATEWAY, defaults={
            "name": DummyGatewayPlugin.PLUGIN_NAME, "active": active,
            "configuration": DummyGatewayPlugin.DEFAULT_CONFIGURATION})


def assert_never_charged(subscription):
    """The renewal asked the customer for a payment method and took nothing."""
    subscription.refresh_from_db()
    assert subscription.status == Subscription.PAYMENT_REQUIRED
    renewal = Renewal.objects.get(subscription=subscription, cycle=1)
    assert renewal.status == Renewal.DROPPED
    assert [o.status for o in renewal_orders(subscription)] == [OrderStatus.CANCELED]
    assert not renewal_orders(subscription).filter(payments__isnull=False).exists()
    assert any("update the payment method" in m.subject for m in mail.outbox)


# -- item 3: the dummy gateway pays only where a setting allows it ----------------------


def test_item14_03_dummy_gateway_is_refused_without_the_setting(
        api, shop, customer, subscriptions_on, settings):
    import saleor_plugins.settings as package_settings

    assert not getattr(package_settings, DUMMY_SETTING, False)  # off unless a shop says so
    settings.SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY = False
    plan = create_plan(shop.coffee)
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "1m", quantity=1)
    completed = pay(client, checkout, DUMMY_GATEWAY, "charged")
    assert completed["order"] is None
    assert completed["checkoutErrors"] == [{
        "field": None, "code": "INVALID",
        "message": "Subscriptions can only be paid with Klarna."}]
    assert Subscription.objects.count() == 0 and Order.objects.count() == 0
    # a subscription on the dummy gateway from before is never "charged" for free
    older = make_subscription(customer, shop.coffee, shop_day(), "1w", gateway=DUMMY_GATEWAY)
    run_renewals(older.next_order_date)
    assert_never_charged(older)
    attempt = ChargeAttempt.objects.get(renewal__subscription=older)
    assert attempt.status == ChargeAttempt.HARD_DECLINED
    assert attempt.error == charges.NO_PAYMENT_METHOD


def test_item14_03_dummy_gateway_is_refused_while_its_plugin_is_inactive(
        api, shop, customer, subscriptions_on, settings):
    settings.SALEOR_PLUGINS_SUBSCRIPTIONS_DUMMY_GATEWAY = True
    plan = create_plan(shop.coffee)
    client = api(customer)
    checkout = start_subscription_checkout(client, shop, plan, "1m", quantity=1)
    from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE

    payment = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": DUMMY_GATEWAY, "token": "charged", "amount": str(checkout["total"])}}
    )["checkoutPaymentCreate"]
    assert payment["paymentErrors"] == []
    dummy_plugin_active(False)  # switched off after the payment was made
    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})[
        "checkoutComplete"]
    assert [e["code"] for e in completed["checkoutErrors"]] == ["INVALID"]
    assert Subscription.objects.count() == 0 and Order.objects.count() == 0
    older = make_subscription(customer, shop.coffee, shop_day(), "1w", gateway=DUMMY_GATEWAY)
    run_renewals(older.next_order_date)
    assert_never_charged(older)


def test_item14_03_no_payment_never_falls_back_to_the_dummy_gateway(
        api, shop, customer, subscriptions_on):
    from saleor.plugins.manager import get_plugins_manager

    plan = create_plan(shop.coffee)
    checkout = start_subscription_checkout(api(customer), shop, plan, "1w", quantity=1)
    # an order of the subscription checkout that has no payment, as Saleor announces it
    order = factories.create_order(customer, [(shop.coffee, 1)], shipping_price="49.00")
    order.checkout_token = checkout["token"]
    order.save()
    get_plugins_manager().order_created(order)
    subscription = Subscription.objects.get()
    assert subscription.gateway == "" and subscription.klarna_token_id == ""
    mail.outbox.clear()
    run_renewals(subscription.next_order_date)
    assert_never_charged(subscription)  # a payment failure the customer is asked to fix


def shop_day():
    from django.utils import timezone

    from saleor_plugins.subscription.scheduling import local_today

    return local_today(timezone.now(), "Europe/Oslo")


# -- item 20: a lost answer, then a price change -----------------------------------------


@pytest.fixture
def floating(api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    plan = create_plan(shop.coffee, first="0", later="0", pricing_mode="floating")
    subscription = buy(api, customer, shop, klarna, plan, "2w", quantity=1)
    subscription.charges_before = klarna.state.charge_count
    mail.outbox.clear()
    return subscription


def set_price(variant, amount):
    from prices import Money

    product = variant.product
    product.price = Money(Decimal(amount), "NOK")
    product.save()


def test_item14_20_lost_answer_then_price_change_is_settled_by_the_same_charge(
        floating, klarna, shop):
    due = floating.next_order_date
    # Klarna charges, and every answer of that run is lost (the client sends 3 times)
    klarna.inject(method="POST", path=TOKEN_ORDER, drop=True, after=True, times=3)
    assert renewal_module.renew(floating.pk, config(), due) == renewal_module.RETRYING
    [attempt] = ChargeAttempt.objects.filter(renewal__subscription=floating)
    assert attempt.status == ChargeAttempt.UNKNOWN
    charged_amount = attempt.amount
    set_price(shop.coffee, "150.00")  # the floating price changes before the retry
    assert renewal_module.renew(floating.pk, config(), due) == renewal_module.PAID
    # the old attempt's outcome, asked with its own key and body: what Klarna took
    attempt.refresh_from_db()
    assert attempt.status == ChargeAttempt.CHARGED and attempt.amount == charged_amount
    [order] = renewal_orders(floating)
    payment = order.payments.get()
    assert payment.charge_status == ChargeStatus.FULLY_CHARGED
    assert payment.captured_amount == charged_amount == order.total.gross.amount
    assert klarna.orders[attempt.klarna_order_id]["order_amount"] == int(charged_amount * 100)
    assert klarna.state.charge_count == floating.charges_before + 1
    assert ChargeAttempt.objects.filter(renewal__subscription=floating).count() == 1
    # the next cycle is charged at the new price, as a new attempt with a new key
    floating.refresh_from_db()
    run_renewals(floating.next_order_date)
    second = Renewal.objects.get(subscription=floating, cycle=2)
    assert second.status == Renewal.PAID
    assert second.order.lines.get().unit_price.gross.amount == Decimal("150.00")
    assert second.attempts.get().idempotency_key != attempt.idempotency_key


def test_item14_20_a_declined_lost_attempt_is_known_before_a_new_key_is_used(
        floating, klarna, shop):
    due = floating.next_order_date
    klarna.decline_token_orders(floating.klarna_token_id, times=1)
    klarna.inject(method="POST", path=TOKEN_ORDER, drop=True, after=True, times=3)
    assert renewal_module.renew(floating.pk, config(), due) == renewal_module.RETRYING
    set_price(shop.coffee, "150.00")
    # asked again: Klarna declined that attempt, so nothing was taken; a new day, a new key
    assert renewal_module.renew(floating.pk, config(), due) == renewal_module.RETRYING
    first = ChargeAttempt.objects.get(renewal__subscription=floating, number=1)
    assert first.status == ChargeAttempt.DECLINED
    renewal = Renewal.objects.get(subscription=floating, cycle=1)
    assert renewal.retry_on == due + datetime.timedelta(days=1) and renewal.failed_days == 1
    run_renewals(renewal.retry_on)
    second = ChargeAttempt.objects.get(renewal__subscription=floating, number=2)
    assert second.status == ChargeAttempt.CHARGED
    assert second.idempotency_key != first.idempotency_key
    renewal.refresh_from_db()
    assert renewal.status == Renewal.PAID
    assert renewal.order.total.gross.amount == second.amount
    assert second.request_body["order_amount"] == int(second.amount * 100)
    assert klarna.state.charge_count == floating.charges_before + 1


# -- item 21: a charge Klarna never answers ----------------------------------------------


def test_item14_21_unanswered_charge_is_bounded_with_one_key_and_one_order(floating, klarna):
    due = floating.next_order_date
    limit = charges.UNANSWERED_SENDS_LIMIT
    # Klarna does the work and no answer ever arrives (3 sends per run by the client)
    klarna.inject(method="POST", path=TOKEN_ORDER, drop=True, after=True, times=3 * limit + 9)
    results = [renewal_module.renew(floating.pk, config(), due) for _ in range(limit + 2)]
    assert results[:limit - 1] == [renewal_module.RETRYING] * (limit - 1)
    assert results[limit - 1] == renewal_module.UNRESOLVED
    renewal = Renewal.objects.get(subscription=floating, cycle=1)
    assert renewal.status == Renewal.UNRESOLVED
    [attempt] = renewal.attempts.all()
    assert attempt.status == ChargeAttempt.UNKNOWN and attempt.sends == limit
    sent = [r for r in klarna.requests_to("/customer-token/", "POST")]
    assert {r["idempotency_key"] for r in sent} == {attempt.idempotency_key}
    assert len(sent) == limit * 3  # nothing after the limit
    # one order for the cycle, left for staff (it may be paid at Klarna), with a note
    [order] = renewal_orders(floating)
    assert order.status == OrderStatus.UNFULFILLED and not order.payments.exists()
    assert order.events.filter(parameters__message__icontains="merchant reference").exists()
    assert klarna.state.charge_count == floating.charges_before + 1
    floating.refresh_from_db()
    assert floating.status == Subscription.ACTIVE and floating.next_cycle == 2


# -- two workers on one cycle ------------------------------------------------------------


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    results, failures = [None] * len(calls), []

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures, failures
    return results


@pytest.mark.django_db(transaction=True)
def test_two_workers_renewing_one_cycle_make_one_order_and_one_charge(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on):
    plan = create_plan(shop.coffee, first="0", later="0")
    subscription = buy(api, customer, shop, klarna, plan, "2w", quantity=1)
    before = klarna.state.charge_count
    due = subscription.next_order_date
    klarna.inject(method="POST", path=TOKEN_ORDER, delay=1.0)  # the first charge is slow
    settings_ = config()
    results = run_together(*[lambda: renewal_module.renew(subscription.pk, settings_, due)] * 2)
    assert sorted(results) == sorted([renewal_module.PAID, renewal_module.LOCKED])
    assert renewal_orders(subscription).count() == 1
    assert klarna.state.charge_count == before + 1
    assert ChargeAttempt.objects.filter(status=ChargeAttempt.CHARGED).count() == 1
