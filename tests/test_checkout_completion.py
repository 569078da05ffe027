"""Two windows of one customer complete the same checkout at once: one order, one charge.

Saleor 2.10.1 gives a logged-in customer their existing checkout from ``checkoutCreate``, so
two windows share it, each with its own payment. The first completion is held right after
its charge (this test locks the coffee's stock rows, which order creation waits for); the
second then runs into it. Without the package's completion lock the second charged the
same payment again and made a second order for the checkout.
"""
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from graphene import Node
from saleor.order.models import Order
from saleor.payment.models import Payment
from saleor.warehouse.models import Stock

from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE, SHIPPING_UPDATE, create_checkout
from .graphql_client import GraphQLClient

WAIT_SECONDS = 20


def wait_until(condition, what):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


def captured(token) -> Decimal:
    return Payment.objects.get(token=token).captured_amount


def waiting_for_checkout_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks "
                       "WHERE locktype = 'advisory' AND NOT granted)")
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
        wait_until(lambda: captured("window-b") == total, "the first charge")  # the last payment
        second = complete_in_thread(customer, checkout_id, results)
        wait_until(lambda: waiting_for_checkout_lock() or captured("window-b") > total,
                   "the second completion to wait or to charge")
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
