"""One Klarna authorization pays one checkout (issue 14 item 1), through /graphql/.

A Klarna authorization token is issued for one checkout's Klarna session and can place one
Klarna order. It is refused on another checkout, and a completion charges only a payment of
the checkout being completed; the release task never releases a Klarna order whose money
backs a Saleor order.
"""
import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone
from saleor.checkout.models import Checkout
from saleor.order.models import Order
from saleor.payment import ChargeStatus
from saleor.payment.models import Payment
from saleor.payment.utils import create_payment

from saleor_plugins.klarna.models import KlarnaOrder

from .checkout_helpers import CHECKOUT_COMPLETE, PAYMENT_CREATE
from .graphql_client import GraphQLClient
from .test_klarna_gateway import GATEWAY, open_session, start_checkout

NOT_FOR_THIS_CHECKOUT = ("This Klarna approval is not for this checkout. "
                         "Please approve the payment again.")
USED_ELSEWHERE = ("This Klarna approval is already used for another payment. "
                  "Please approve the payment again.")


def create_klarna_payment(client, checkout, token, amount=None):
    return client.data(PAYMENT_CREATE, {"checkoutId": checkout["id"], "input": {
        "gateway": GATEWAY, "token": token, "amount": str(amount or checkout["total"])}}
    )["checkoutPaymentCreate"]


def complete(client, checkout):
    return client.data(CHECKOUT_COMPLETE, {"checkoutId": checkout["id"]})["checkoutComplete"]


def payment_outside_the_api(checkout, token):
    """A payment made without checkoutPaymentCreate's checks (as before the fix): Saleor's
    own create_payment, which the mutation calls."""
    row = Checkout.objects.get(token=checkout["token"])
    return create_payment(gateway=GATEWAY, total=checkout["total"], currency="NOK",
                          email=row.email, payment_token=token, checkout=row)


def age_klarna_orders():
    KlarnaOrder.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=31))


def test_item14_01_token_on_two_checkouts_refused(api, klarna_gateway, shop, klarna):
    from saleor_plugins.klarna.tasks import release_unlinked_klarna_orders

    client = api()
    first, second = start_checkout(client, shop), start_checkout(client, shop)  # same cart
    assert first["token"] != second["token"] and first["total"] == second["total"]
    token = klarna.authorize(open_session(client, first)["sessionId"])
    assert create_klarna_payment(client, first, token)["paymentErrors"] == []

    refused = create_klarna_payment(client, second, token)
    assert refused["payment"] is None
    assert refused["paymentErrors"] == [
        {"field": "token", "code": "UNIQUE", "message": USED_ELSEWHERE}]
    assert not Payment.objects.filter(checkout_id=second["token"]).exists()

    completed = complete(client, first)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    placed = KlarnaOrder.objects.get()
    assert placed.payment == order.payments.get() and placed.order == order
    assert str(placed.checkout_token) == first["token"]
    age_klarna_orders()
    assert release_unlinked_klarna_orders.delay().get() == 0
    assert klarna.orders[placed.klarna_order_id]["status"] == "AUTHORIZED"

    # the completed checkout's token stays its own
    third = start_checkout(client, shop)
    assert create_klarna_payment(client, third, token)["paymentErrors"][0]["code"] == "UNIQUE"


def test_item14_01_completion_charges_only_the_completing_checkouts_payment(
        api, klarna_gateway, shop, klarna):
    client = api()
    first, second = start_checkout(client, shop), start_checkout(client, shop)
    token = klarna.authorize(open_session(client, first)["sessionId"])
    assert create_klarna_payment(client, first, token)["paymentErrors"] == []
    other = payment_outside_the_api(second, token)  # the later payment holding the token

    completed = complete(client, first)
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    charged = order.payments.get()
    placed = KlarnaOrder.objects.get()
    assert (placed.payment, placed.order) == (charged, order)
    assert str(placed.checkout_token) == first["token"]
    assert klarna.orders[placed.klarna_order_id]["merchant_reference1"] == str(order.pk)
    other.refresh_from_db()
    assert (other.charge_status, other.is_active) == (ChargeStatus.NOT_CHARGED, True)

    refused = complete(client, second)
    assert refused["order"] is None
    assert refused["checkoutErrors"] == [
        {"field": None, "code": "PAYMENT_ERROR", "message": NOT_FOR_THIS_CHECKOUT}]
    assert len(klarna.orders) == 1 and Order.objects.count() == 1
    assert len(klarna.requests_to(f"/authorizations/{token}/order", "POST")) == 1


@pytest.mark.parametrize("auto_capture", [False, True])
def test_item14_01_release_task_keeps_a_klarna_order_that_backs_an_order(
        api, klarna_gateway, shop, klarna, auto_capture):
    """A Klarna order recorded for the wrong payment (as the unfixed completion did) whose
    money paid a Saleor order is linked to that order, not cancelled or refunded."""
    from saleor_plugins.klarna.tasks import release_unlinked_klarna_orders

    klarna_gateway(auto_capture=auto_capture)
    client = api()
    first, second = start_checkout(client, shop), start_checkout(client, shop)
    token = klarna.authorize(open_session(client, first)["sessionId"])
    assert create_klarna_payment(client, first, token)["paymentErrors"] == []
    order = Order.objects.get(token=complete(client, first)["order"]["token"])
    other = payment_outside_the_api(second, token)
    KlarnaOrder.objects.update(payment=other, order=None, checkout_token=second["token"])
    age_klarna_orders()

    assert release_unlinked_klarna_orders.delay().get() == 0
    placed = KlarnaOrder.objects.get()
    remote = klarna.orders[placed.klarna_order_id]
    assert remote["status"] == ("CAPTURED" if auto_capture else "AUTHORIZED")
    assert remote["refunded_amount"] == 0
    assert placed.order == order and not placed.cancelled
    assert order.payments.get().is_active


def test_item14_01_token_reused_on_the_same_checkout_is_one_payment(
        klarna_gateway, shop, customer, klarna):
    windows = [GraphQLClient(customer, user_agent="Window A"),
               GraphQLClient(customer, user_agent="Window B")]
    checkout = start_checkout(windows[0], shop)
    token = klarna.authorize(open_session(windows[0], checkout)["sessionId"])
    payments = [create_klarna_payment(window, checkout, token) for window in windows]
    assert [p["paymentErrors"] for p in payments] == [[], []]
    assert payments[0]["payment"]["id"] == payments[1]["payment"]["id"]
    assert Payment.objects.filter(checkout_id=checkout["token"]).count() == 1

    other_amount = create_klarna_payment(windows[1], checkout, token, amount=checkout["total"] - 1)
    assert other_amount["paymentErrors"] == [
        {"field": "token", "code": "UNIQUE", "message": USED_ELSEWHERE}]
    assert complete(windows[1], checkout)["checkoutErrors"] == []
    assert len(klarna.orders) == 1


def test_item14_01_token_from_another_customers_checkout_is_refused(
        api, klarna_gateway, shop, customer, klarna):
    from . import factories

    owner = api(customer)
    theirs = start_checkout(owner, shop)
    token = klarna.authorize(open_session(owner, theirs)["sessionId"])
    thief = api(factories.create_customer())
    for with_session in (False, True):
        mine = start_checkout(thief, shop)
        if with_session:
            open_session(thief, mine)
        refused = create_klarna_payment(thief, mine, token)
        assert refused["paymentErrors"] == [
            {"field": "token", "code": "INVALID", "message": NOT_FOR_THIS_CHECKOUT}]
    assert not Payment.objects.exists()

    assert create_klarna_payment(owner, theirs, token)["paymentErrors"] == []
    completed = complete(owner, theirs)
    assert completed["checkoutErrors"] == []
    assert Order.objects.get().user == customer and len(klarna.orders) == 1


def run_in_threads(*calls):
    results = []

    def run(call):
        try:
            results.append(call())
        except Exception as error:  # noqa: BLE001 (asserted by the test)
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,), daemon=True) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads)
    return results


@pytest.mark.django_db(transaction=True)
def test_item14_01_one_token_at_once_from_two_windows_is_one_payment_and_one_charge(
        klarna_gateway, shop, customer, klarna):
    windows = [GraphQLClient(customer, user_agent="Window A"),
               GraphQLClient(customer, user_agent="Window B")]
    checkout = start_checkout(windows[0], shop)
    token = klarna.authorize(open_session(windows[0], checkout)["sessionId"])
    # Klarna answers the session check slowly: both requests are in flight together
    klarna.inject(method="GET", path="/payments/v1/sessions/", delay=0.5, times=2)
    created = run_in_threads(*[
        (lambda window=window: create_klarna_payment(window, checkout, token))
        for window in windows])
    assert [r if isinstance(r, Exception) else r["paymentErrors"] for r in created] == [[], []]
    assert created[0]["payment"]["id"] == created[1]["payment"]["id"]
    assert Payment.objects.filter(token=token).count() == 1

    klarna.inject(method="POST", path="/authorizations/.*/order", delay=0.5)
    completed = run_in_threads(*[(lambda window=window: complete(window, checkout))
                                 for window in windows])
    assert [r for r in completed if isinstance(r, Exception)] == []
    assert sorted(bool(r["order"]) for r in completed) == [False, True]
    assert len(klarna.orders) == 1 and Order.objects.count() == 1
    assert Payment.objects.get(token=token).transactions.filter(is_success=True).count() == 1


@pytest.mark.parametrize("token,code", [("", "REQUIRED"), ("x" * 500, "INVALID"),
                                        ("tøken", "INVALID"), ("to\tken", "INVALID")])
def test_item14_01_odd_tokens_are_typed_errors(api, klarna_gateway, shop, klarna, token, code):
    client = api()
    checkout = start_checkout(client, shop)
    open_session(client, checkout)
    refused = create_klarna_payment(client, checkout, token)
    assert [(e["field"], e["code"]) for e in refused["paymentErrors"]] == [("token", code)]
    assert not Payment.objects.exists()
