"""Klarna's fraud review (fraud status PENDING): nothing is captured or handed over until
Klarna accepts, at the till and in the checkout gateway."""
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from graphene import Node
from saleor.core.permissions import OrderPermissions
from saleor.order import OrderStatus
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.klarna.models import KlarnaOrder

from . import factories
from .test_klarna_gateway import ORDER_ACTION, open_session, pay, start_checkout
from .till_helpers import (  # noqa: F401 (fixtures)
    CANCEL,
    CUSTOMER_SET,
    FINISH,
    REFRESH,
    SEND,
    gid,
    till,
    till_on,
    till_staff,
)


def paid_in_review(till, shop, customer, klarna):
    till.start()
    till.add(shop.coffee, 2)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    till.ok(SEND)
    hpp = klarna.outbox[0]["session_id"]
    klarna.hpp_action(hpp, "pay", fraud_status="PENDING")
    return klarna.state.hpp[hpp]["order_id"]


def notification(klarna, order_id):
    klarna.wait_for_callbacks(5)
    [entry] = [e for e in klarna.state.callback_log
               if e["payload"].get("order_id") == order_id and e["attempt"] == 1]
    return entry


def deliver(entry):
    """Deliver a call the simulator made (the till's public_url is unreachable in tests)."""
    url = urlsplit(entry["url"])
    return Client().post(f"{url.path}?{url.query}", entry["payload"],
                         content_type="application/json")


def test_item15_13_a_till_payment_in_review_is_taken_only_when_klarna_accepts(
        till, shop, customer, klarna):
    order_id = paid_in_review(till, shop, customer, klarna)
    sale = till.ok(REFRESH)
    assert (sale["status"], sale["paymentStatus"]) == ("WAITING", "IN_REVIEW")
    assert sale["link"]["klarnaFraudStatus"] == "PENDING"
    assert "reviewing" in sale["note"]
    assert till.ok(REFRESH)["paymentStatus"] == "IN_REVIEW"  # polls change nothing
    assert till.error(FINISH)["code"] == "TILL_SALE_NOT_PAID"  # staff keep the goods
    assert klarna.orders[order_id]["captured_amount"] == 0
    assert Order.objects.count() == 0 and mail.outbox == []
    assert shop.coffee.stocks.get().quantity == 10

    klarna.decide_fraud(order_id, "ACCEPTED")
    entry = notification(klarna, order_id)
    assert entry["payload"]["event_type"] == "FRAUD_RISK_ACCEPTED"
    assert "secret=" in entry["url"]
    response = deliver(entry)
    assert (response.status_code, response.json()["result"]) == (200, "applied")
    sale = till.ok(REFRESH)
    assert (sale["status"], sale["paymentStatus"]) == ("PAID", "PAID")
    assert sale["link"]["klarnaFraudStatus"] == "ACCEPTED"
    remote = klarna.orders[order_id]
    assert remote["status"] == "CAPTURED" and len(remote["captures"]) == 1
    order = Order.objects.get()
    assert order.status == OrderStatus.FULFILLED and len(mail.outbox) == 1
    assert shop.coffee.stocks.get().quantity == 8
    # a forged notification (wrong secret) is refused
    forged = dict(entry, url=entry["url"].replace("secret=", "secret=x"))
    assert deliver(forged).status_code == 403


def test_item15_13_a_till_payment_klarna_rejects_after_review_charges_nothing(
        till, shop, customer, klarna):
    order_id = paid_in_review(till, shop, customer, klarna)
    assert till.ok(REFRESH)["paymentStatus"] == "IN_REVIEW"
    klarna.decide_fraud(order_id, "REJECTED")
    sale = till.ok(REFRESH)  # the poll finds it as well as the notification would
    assert sale["status"] == "OPEN" and "rejected" in sale["note"]
    remote = klarna.orders[order_id]
    assert remote["status"] == "CANCELLED" and remote["captured_amount"] == 0
    assert Order.objects.count() == 0 and mail.outbox == []
    assert till.ok(SEND)["status"] == "WAITING"  # staff may send a new link


def test_item15_13_cancel_during_the_review_cancels_klarnas_order(till, shop, customer, klarna):
    order_id = paid_in_review(till, shop, customer, klarna)
    till.ok(REFRESH)
    assert till.ok(CANCEL)["status"] == "CANCELLED"
    assert klarna.orders[order_id]["status"] == "CANCELLED"
    assert Order.objects.count() == 0


@pytest.mark.parametrize("auto_capture", [False, True], ids=["capture by staff", "auto capture"])
def test_item15_13_a_checkout_in_fraud_review_is_not_captured_until_klarna_accepts(
        api, klarna_gateway, shop, customer, klarna, auto_capture):
    klarna_gateway(auto_capture=auto_capture)
    client = api(customer)
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    completed = pay(client, checkout, klarna.authorize(session["sessionId"],
                                                       fraud_status="PENDING"))
    assert completed["checkoutErrors"] == []
    order = Order.objects.get(token=completed["order"]["token"])
    payment = order.payments.get()
    assert payment.charge_status == ChargeStatus.NOT_CHARGED  # authorized, not taken
    row = KlarnaOrder.objects.get(order=order)
    assert row.fraud_status == "PENDING"
    assert klarna.orders[row.klarna_order_id]["captured_amount"] == 0

    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    capture = ORDER_ACTION % "orderCapture"
    variables = {"id": Node.to_global_id("Order", order.pk), "amount": str(checkout["total"])}
    refused = staff.data(capture, variables)["orderCapture"]
    assert klarna.orders[row.klarna_order_id]["captured_amount"] == 0
    assert refused["orderErrors"] and "reviewing" in refused["orderErrors"][0]["message"]
    notes = [e.parameters["message"] for e in order.events.filter(type="note_added")]
    assert any("reviewing" in note for note in notes)  # staff see why

    klarna.decide_fraud(row.klarna_order_id, "ACCEPTED")
    captured = staff.data(capture, variables)["orderCapture"]
    assert captured["orderErrors"] == [] and captured["order"]["paymentStatus"] == \
        "FULLY_CHARGED"
    remote = klarna.orders[row.klarna_order_id]
    assert remote["status"] == "CAPTURED" and len(remote["captures"]) == 1
    row.refresh_from_db()
    assert row.fraud_status == "ACCEPTED"


def test_item15_13_a_checkout_klarna_rejects_after_review_is_never_captured(
        api, klarna_gateway, shop, customer, klarna):
    client = api(customer)
    checkout = start_checkout(client, shop)
    session = open_session(client, checkout)
    completed = pay(client, checkout, klarna.authorize(session["sessionId"],
                                                       fraud_status="PENDING"))
    order = Order.objects.get(token=completed["order"]["token"])
    row = KlarnaOrder.objects.get(order=order)
    klarna.decide_fraud(row.klarna_order_id, "REJECTED")
    staff = api(factories.create_staff(permissions=[OrderPermissions.MANAGE_ORDERS]))
    refused = staff.data(ORDER_ACTION % "orderCapture", {
        "id": Node.to_global_id("Order", order.pk), "amount": str(checkout["total"])}
    )["orderCapture"]
    assert refused["orderErrors"] and "rejected" in refused["orderErrors"][0]["message"]
    assert klarna.orders[row.klarna_order_id]["captured_amount"] == 0
