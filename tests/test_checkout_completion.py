"""``checkoutComplete`` under concurrency: one charge per checkout, and nothing after the
charge fails.

Two windows of one customer complete the same checkout at once: one order, one charge.

Saleor 2.10.1 gives a logged-in customer their existing checkout from ``checkoutCreate``, so
two windows share it, each with its own payment. The first completion is held right after
its charge (this test locks the coffee's stock rows, which order creation waits for); the
second then runs into it. Without the package's completion lock the second charged the
same payment again and made a second order for the checkout.

After the charge, the order's code use is settled while another checkout of the customer
reserves the same code: the order must wait for it, not deadlock (which left the payment
charged without an order).
"""
import threading
from decimal import Decimal

import uuid

import pytest
from django.db import IntegrityError, connection, transaction
from graphene import Node
from saleor.order.models import Order
from saleor.payment.models import Payment
from saleor.warehouse.models import Stock

from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import CheckoutCode, CodeRedemption, DiscountCode

from . import factories
from .cart_rules_helpers import make_rule
from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE, SHIPPING_UPDATE, create_checkout
from .graphql_client import GraphQLClient
from .test_faults_workers import wait_for

WAIT_SECONDS = 20


def captured(token) -> Decimal:
    return Payment.objects.get(token=token).captured_amount


def waiting_for_checkout_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                       "AND NOT granted AND database = (SELECT oid FROM pg_database "
                       "WHERE datname = current_database()))")
        return cursor.fetchone()[0]


def blocked_by_this_session() -> bool:
    """Another session waits for a lock this test's transaction holds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_stat_activity "
                       "WHERE pg_backend_pid() = ANY(pg_blocking_pids(pid)))")
        return cursor.fetchone()[0]


def complete_in_thread(customer, checkout_id, results):
    def run():
        try:
            results.append(GraphQLClient(customer).data(
                CHECKOUT_COMPLETE, {"checkoutId": checkout_id})["checkoutComplete"])
        except Exception as error:  # noqa: BLE001 (asserted by the test)
            results.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_windows_completing_one_checkout_charge_once(shop, customer, all_plugins_active):
    windows = [GraphQLClient(customer), GraphQLClient(customer)]
    checkout = create_checkout(windows[0], [(shop.coffee, 2)], email=customer.email)
    again = create_checkout(windows[1], [(shop.mug, 1)], email=customer.email)
    assert again["token"] == checkout["token"]  # Saleor hands back the customer's checkout
    checkout_id = checkout["id"]
    shipping = windows[0].data(SHIPPING_UPDATE, {"checkoutId": checkout_id, "shippingMethodId":
                                                 Node.to_global_id("ShippingMethod",
                                                                   shop.shipping_method.pk)})
    total = shipping["checkoutShippingMethodUpdate"]["checkout"]["totalPrice"]["gross"]["amount"]
    for window, token in zip(windows, ("window-a", "window-b")):
        paid = window.data(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
            "gateway": "mirumee.payments.dummy", "token": token, "amount": str(total)}})
        assert paid["checkoutPaymentCreate"]["paymentErrors"] == []
    total = Decimal(str(total))

    results = []
    with transaction.atomic():
        # order creation allocates stock under these row locks: the first completion stops there
        list(Stock.objects.select_for_update().filter(product_variant=shop.coffee))
        first = complete_in_thread(customer, checkout_id, results)
        # the last payment is the one charged
        wait_for(lambda: captured("window-b") == total, WAIT_SECONDS, "the first charge")
        second = complete_in_thread(customer, checkout_id, results)
        wait_for(lambda: waiting_for_checkout_lock() or captured("window-b") > total,
                 WAIT_SECONDS, "the second completion to wait or to charge")
    for thread in (first, second):
        thread.join(60)
    assert not first.is_alive() and not second.is_alive()

    assert [r for r in results if isinstance(r, Exception)] == []
    orders = [r["order"] for r in results if r["order"]]
    refusals = [r["checkoutErrors"] for r in results if r["checkoutErrors"]]
    assert len(orders) == 1 and refusals == [[{
        "field": None, "code": "NOT_FOUND",
        "message": "This checkout has already been completed. Your order is in your order history.",
    }]]
    order = Order.objects.get()
    assert order.token == orders[0]["token"] and order.total.gross.amount == total
    assert captured("window-b") == total and captured("window-a") == 0
    assert sorted(order.payments.values_list("token", flat=True)) == ["window-a", "window-b"]
    assert Payment.objects.get(token="window-b").transactions.filter(
        kind="capture", is_success=True).count() == 1


def hold_stock_in_thread(variant):
    """Lock the variant's stock rows from another connection until the returned event is set."""
    held, release = threading.Event(), threading.Event()

    def run():
        try:
            with transaction.atomic():
                list(Stock.objects.select_for_update().filter(product_variant=variant))
                held.set()
                release.wait(WAIT_SECONDS)
        finally:
            connection.close()

    threading.Thread(target=run, daemon=True).start()
    assert held.wait(WAIT_SECONDS)
    return release


@pytest.mark.django_db(transaction=True)
def test_order_settling_a_code_waits_for_a_checkout_reserving_it(shop, customer,
                                                                 all_plugins_active):
    rule = make_rule(rules.FIXED, "100", name="En gang", conditions=[
        {"type": rules.SINGLE_USE_CODE}])
    code = DiscountCode.objects.create(rule=rule, code="ENGANG", once_per_customer=True)
    checkout = factories.create_checkout(user=customer, lines=[(shop.coffee, 3), (shop.mug, 1)],
                                         shipping_method=shop.shipping_method)
    CheckoutCode.objects.create(checkout_token=checkout.token, code=code)
    checkout_id = Node.to_global_id("Checkout", checkout.token)
    paid = GraphQLClient(customer).data(PAYMENT_CREATE, {"checkoutId": checkout_id, "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": "425.50"}})
    assert paid["checkoutPaymentCreate"]["paymentErrors"] == []

    release_stock = hold_stock_in_thread(shop.coffee)  # the completion stops after the charge
    results = []
    completing = complete_in_thread(customer, checkout_id, results)
    wait_for(lambda: captured("charged") == Decimal("425.50"), WAIT_SECONDS, "the charge")
    with transaction.atomic():
        # another checkout of the customer reserves the code as reserve_codes does: the
        # code's lock, then its redemption, which the per-customer constraint refuses
        DiscountCode.objects.select_for_update().get(pk=code.pk)
        release_stock.set()
        wait_for(blocked_by_this_session, WAIT_SECONDS, "the order to wait for the code")
        with pytest.raises(IntegrityError), transaction.atomic():
            CodeRedemption.objects.create(code=code, checkout_token=uuid.uuid4(), user=customer,
                                          per_customer=True)
    completing.join(60)

    assert not completing.is_alive()
    assert [r if isinstance(r, Exception) else r["checkoutErrors"] for r in results] == [[]]
    order = Order.objects.get()
    assert order.total.gross.amount == captured("charged") == Decimal("425.50")
    code.refresh_from_db()
    assert code.used_count == 1
    assert CodeRedemption.objects.get().order == order


@pytest.mark.django_db(transaction=True)
def test_a_payment_charged_by_an_attempt_without_an_order_is_not_charged_again(
        shop, customer, all_plugins_active):
    from saleor.payment import gateway

    client = GraphQLClient(customer)
    checkout = create_checkout(client, [(shop.coffee, 2)], email=customer.email)
    shipping = client.data(SHIPPING_UPDATE, {"checkoutId": checkout["id"], "shippingMethodId":
                                             Node.to_global_id("ShippingMethod",
                                                               shop.shipping_method.pk)})
    total = shipping["checkoutShippingMethodUpdate"]["checkout"]["totalPrice"]["gross"]["amount"]
    paid = client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": "mirumee.payments.dummy", "token": "charged", "amount": str(total)}})
    assert paid["checkoutPaymentCreate"]["paymentErrors"] == []
    payment = Payment.objects.get(token="charged")
    gateway.process_payment(payment=payment, token=payment.token)  # an attempt that then failed
    assert captured("charged") == Decimal(str(total))

    completed = client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]
    assert completed["order"] is None and completed["checkoutErrors"] == [{
        "field": None, "code": "PAYMENT_ERROR",
        "message": "Your payment has already been taken, but the order was not placed. "
                   "Contact us and do not pay again.",
    }]
    assert captured("charged") == Decimal(str(total)) and not Order.objects.exists()
