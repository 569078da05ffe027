"""The till's Klarna status callback, and races between cancel, edits, polls and callbacks."""
import threading
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from saleor.order.models import Order

from saleor_plugins.klarna_instore.models import TillPaymentLink, TillSale

from .graphql_client import GraphQLClient
from .till_helpers import (  # noqa: F401 (fixtures)
    CANCEL,
    CUSTOMER_SET,
    LINE_ADD,
    REFRESH,
    SEND,
    Till,
    gid,
    till,
    till_on,
    till_staff,
)


def sent_sale(till, shop, customer):
    till.start()
    till.add(shop.coffee, 2)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    till.ok(SEND)
    return TillSale.objects.get()


def callbacks(klarna, status=None):
    klarna.wait_for_callbacks(5)
    return [entry for entry in klarna.state.callback_log
            if entry["attempt"] == 1 and (status is None
                                          or entry["payload"]["session"]["status"] == status)]


def post_callback(entry, **query_changes):
    """Deliver a callback the simulator tried to send, to the shop's endpoint."""
    url = urlsplit(entry["url"])
    query = url.query
    for old, new in query_changes.items():
        query = query.replace(old, new)
    return Client().post(f"{url.path}?{query}", entry["payload"], content_type="application/json")


def test_callback_with_its_secret_completes_the_sale_once(till, shop, customer, klarna):
    sale = sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "pay")
    [completed] = callbacks(klarna, "COMPLETED")
    assert f"secret={link.secret}" in completed["url"]

    response = post_callback(completed)
    assert response.status_code == 200 and response.json()["result"] == "applied"
    sale.refresh_from_db()
    assert sale.status == "paid" and sale.order is not None
    # Klarna retries the same event, then a later poll: nothing happens twice
    assert post_callback(completed).json()["result"] == "repeat"
    assert till.ok(REFRESH)["status"] == "PAID"
    assert Order.objects.count() == 1 and len(mail.outbox) == 1
    assert klarna.orders[sale.klarna_order_id]["captured_amount"] == 25800
    assert len(klarna.orders[sale.klarna_order_id]["captures"]) == 1


def test_callback_needs_the_links_own_secret(till, shop, customer, klarna):
    sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "pay")
    [completed] = callbacks(klarna, "COMPLETED")
    assert post_callback(completed, **{link.secret: "guessed"}).status_code == 403
    assert post_callback(completed, **{f"secret={link.secret}": "secret="}).status_code == 403
    forged = dict(completed, payload={"event_id": "x", "session": {"session_id": "nope"}})
    assert post_callback(forged, **{link.hpp_session_id: "nope"}).status_code == 404
    assert TillSale.objects.get().status == "waiting" and Order.objects.count() == 0


def test_callback_body_is_not_trusted(till, shop, customer, klarna):
    """A forged "COMPLETED" body for an unpaid link: the status is re-read from Klarna."""
    sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "open")
    [opened] = callbacks(klarna, "IN_PROGRESS")
    forged = dict(opened, payload={"event_id": "forged-1", "session": dict(
        opened["payload"]["session"], status="COMPLETED", order_id="made-up")})
    assert post_callback(forged).json()["result"] == "applied"
    link.refresh_from_db()
    assert link.status == "IN_PROGRESS" and link.klarna_order_id == ""
    assert TillSale.objects.get().status == "waiting" and Order.objects.count() == 0


def test_a_callback_for_a_replaced_link_changes_nothing(till, shop, customer, klarna):
    sale = sent_sale(till, shop, customer)
    old = TillPaymentLink.objects.get()
    klarna.hpp_action(old.hpp_session_id, "open")
    till.ok(LINE_ADD, variantId=gid("ProductVariant", shop.mug.pk))  # disables the old link
    [opened] = callbacks(klarna, "IN_PROGRESS")
    assert post_callback(opened).status_code == 200
    sale.refresh_from_db()
    assert sale.status == "open" and Order.objects.count() == 0


def _run_together(*calls):
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


def _mutation(user, document, sale_id):
    def call():
        name = document.split("{", 2)[1].split("(")[0].strip()
        return GraphQLClient(user).data(document, {"saleId": sale_id})[name]
    return call


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round", range(3))
def test_cancel_racing_a_payment_never_leaves_money_without_an_order(
        api, till_staff, till_on, shop, customer, klarna, round):
    """The customer has paid at Klarna; Cancel and the till's poll arrive together.
    Whichever wins, Klarna's order is either captured *and* the Saleor order exists, or
    cancelled with nothing charged."""
    till = Till(api(till_staff))
    sale = sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "pay")
    cancelled, polled = _run_together(_mutation(till_staff, CANCEL, till.sale_id),
                                      _mutation(till_staff, REFRESH, till.sale_id))
    sale.refresh_from_db()
    klarna_order = klarna.orders[klarna.state.hpp[link.hpp_session_id]["order_id"]]
    if sale.status == "paid":
        assert cancelled["tillErrors"][0]["code"] == "TILL_SALE_ALREADY_PAID"
        assert klarna_order["status"] == "CAPTURED"
        assert Order.objects.filter(pk=sale.order_id).exists()
        assert len(mail.outbox) == 1
    else:
        assert sale.status == "cancelled" and cancelled["tillErrors"] == []
        assert polled["sale"]["status"] == "CANCELLED"
        assert klarna_order["status"] == "CANCELLED" and klarna_order["captured_amount"] == 0
        assert Order.objects.count() == 0 and mail.outbox == []
    assert klarna.state.charge_count == 1  # one Klarna order, never a second


@pytest.mark.django_db(transaction=True)
def test_two_callbacks_at_once_make_one_order_one_capture_one_receipt(
        api, till_staff, till_on, shop, customer, klarna):
    till = Till(api(till_staff))
    sale = sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "pay")
    [completed] = callbacks(klarna, "COMPLETED")
    second = dict(completed, payload=dict(completed["payload"], event_id="other-event"))
    results = _run_together(lambda: post_callback(completed).status_code,
                            lambda: post_callback(second).status_code,
                            _mutation(till_staff, REFRESH, till.sale_id))
    assert results[:2] == [200, 200]
    sale.refresh_from_db()
    assert sale.status == "paid"
    assert Order.objects.count() == 1 and len(mail.outbox) == 1
    assert len(klarna.orders[sale.klarna_order_id]["captures"]) == 1


@pytest.mark.django_db(transaction=True)
def test_an_edit_racing_a_payment_is_charged_for_one_cart_only(
        api, till_staff, till_on, shop, customer, klarna):
    till = Till(api(till_staff))
    sale = sent_sale(till, shop, customer)
    link = TillPaymentLink.objects.get()
    klarna.hpp_action(link.hpp_session_id, "pay")
    edit = lambda: GraphQLClient(till_staff).data(LINE_ADD, {  # noqa: E731
        "saleId": till.sale_id, "variantId": gid("ProductVariant", shop.mug.pk)})["tillLineAdd"]
    edited, polled = _run_together(edit, _mutation(till_staff, REFRESH, till.sale_id))
    sale.refresh_from_db()
    klarna_order = klarna.orders[klarna.state.hpp[link.hpp_session_id]["order_id"]]
    if sale.status == "paid":
        assert edited["tillErrors"][0]["code"] == "TILL_SALE_ALREADY_PAID"
        assert klarna_order["status"] == "CAPTURED" and Order.objects.count() == 1
        assert Order.objects.get().lines.count() == 1  # the cart the customer approved
    else:
        assert sale.status == "open" and edited["tillErrors"] == []
        assert klarna_order["status"] == "CANCELLED" and Order.objects.count() == 0
