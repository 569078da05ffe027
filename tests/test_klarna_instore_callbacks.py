"""Klarna's status callbacks reaching a real server over HTTP: the simulator calls the URL
the till gave it, as Klarna would (with the default settings, and with a broker)."""
import re
import threading

import pytest
import requests
from django.contrib.sites.models import Site
from saleor.order.models import Order

from saleor_plugins.klarna_instore.models import TillSale

from .celery_worker import BROKER_URL, Worker
from .graphql_client import HttpGraphQLClient
from .shop_server import ShopServer
from .test_faults_workers import wait_for
from .till_helpers import (  # noqa: F401 (fixtures)
    CUSTOMER_SET,
    LINE_ADD,
    SALE_CREATE,
    SEND,
    configure_till,
    gid,
    till_staff,
)


def serve_on_site_domain(log, env=None) -> ShopServer:
    """A server whose address is the site's domain: the till's default callback address."""
    server = ShopServer(log, env=env)
    site = Site.objects.get_current()
    site.domain = f"127.0.0.1:{server.port}"
    site.save()
    Site.objects.clear_cache()
    return server


def ok(client, document, **variables):
    name = document.split("{", 2)[1].split("(")[0].strip()
    result = client.data(document, variables)[name]
    assert result["tillErrors"] == [], result["tillErrors"]
    return result["sale"]


def sell_over_http(server, staff, shop, customer):
    """Staff build the sale and send the link through the server's /graphql/."""
    http = HttpGraphQLClient(server.url)
    http.login(staff.email, "password")
    sale = ok(http, SALE_CREATE, tillName="Disk 1", languageCode="nb")
    ok(http, LINE_ADD, saleId=sale["id"], variantId=gid("ProductVariant", shop.coffee.pk),
       quantity=2)
    ok(http, CUSTOMER_SET, saleId=sale["id"], customerId=gid("User", customer.pk))
    ok(http, SEND, saleId=sale["id"])
    http.close()
    return TillSale.objects.get()


def first_delivery(klarna, status):
    """Klarna's first delivery of the status update (it retries 3 times on anything but 2xx)."""
    [entry] = [entry for entry in klarna.state.callback_log if entry["attempt"] == 1
               and entry["payload"].get("session", {}).get("status") == status]
    return entry


@pytest.mark.django_db(transaction=True)
def test_item15_07_klarnas_callback_pays_the_sale_with_the_default_settings(
        tmp_path, till_staff, klarna_gateway, shop, customer, klarna):
    configure_till(public_url="")  # the default: callbacks go to the site's domain
    server = serve_on_site_domain(tmp_path / "server.log").start()
    try:
        server.wait_until_serving()
        sale = sell_over_http(server, till_staff, shop, customer)
        link = sale.links.get()
        klarna.hpp_action(link.hpp_session_id, "pay")
        klarna.wait_for_callbacks(30)
    finally:
        server.stop()
    completed = first_delivery(klarna, "COMPLETED")
    assert completed["status"] == 200, (completed["url"], server.log.read_text()[-2000:])
    assert completed["url"].endswith(f"&hppId={link.hpp_session_id}")
    assert len([e for e in klarna.state.callback_log if e["url"] == completed["url"]
                and e["payload"] == completed["payload"]]) == 1  # no retry was needed
    # paid by the callback alone: nobody polled (no page, no tillSaleRefresh, no beat)
    sale.refresh_from_db()
    assert sale.status == "paid" and sale.order is not None
    remote = klarna.orders[sale.klarna_order_id]
    assert remote["status"] == "CAPTURED" and len(remote["captures"]) == 1


@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_item15_08_callbacks_are_answered_at_once_and_the_work_is_done_once_by_workers(
        tmp_path, celery_worker, till_staff, klarna_gateway, shop, customer, klarna):
    web_env = {"DJANGO_SETTINGS_MODULE": "tests.worker_settings",  # tasks go to the broker
               "SALEOR_PLUGINS_TEST_BROKER": BROKER_URL,
               "SALEOR_PLUGINS_TEST_MAIL_DIR": str(celery_worker.mail_dir)}
    server = ShopServer(tmp_path / "server.log", env=web_env)
    configure_till(public_url=f"http://127.0.0.1:{server.port}")
    klarna_gateway(timeout_seconds=10)  # a slow Klarna answer is waited for, not retried
    second = Worker(celery_worker.mail_dir, tmp_path / "worker-2.log")  # tasks run at once
    try:
        server.start()
        second.start()
        server.wait_until_serving()
        sale = sell_over_http(server, till_staff, shop, customer)
        link = sale.links.get()
        # reading Klarna's order takes longer than Klarna waits for an answer
        klarna.inject(method="GET", path="/ordermanagement/v1/orders/",
                      delay=klarna.callback_timeout + 1)
        klarna.hpp_action(link.hpp_session_id, "pay")
        klarna.wait_for_callbacks(30)
        completed = first_delivery(klarna, "COMPLETED")
        assert completed["status"] == 200, completed  # answered before the work is done

        # Klarna repeats the event and sends another, several at once, while the work runs
        again = dict(completed["payload"], event_id="another-event")
        barrier = threading.Barrier(6)
        answers = []

        def deliver(payload):
            barrier.wait()
            response = requests.post(completed["url"], json=payload, timeout=30)
            answers.append((response.status_code, response.json()["result"]))

        threads = [threading.Thread(target=deliver, args=(payload,))
                   for payload in [completed["payload"]] * 3 + [again] * 3]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert [status for status, _result in answers] == [200] * 6
        # queued again unless the first task had recorded the event already
        queued = 1 + sum(result == "accepted" for _status, result in answers)
        assert {result for _status, result in answers} <= {"accepted", "repeat"}

        def done():
            logs = celery_worker.log.read_text() + second.log.read_text()
            return len(re.findall(r"apply_klarna_update\[\S+\] succeeded", logs)) == queued

        wait_for(done, 90, f"{queued} updates to be applied")
        wait_for(lambda: any(m["To"] == customer.email for m in celery_worker.messages()), 60,
                 "the receipt")
        logs = celery_worker.log.read_text() + second.log.read_text()
    finally:
        server.stop()
        second.stop()
    sale = TillSale.objects.get()
    remote = klarna.orders[sale.klarna_order_id]
    assert remote["status"] == "CAPTURED" and len(remote["captures"]) == 1
    assert Order.objects.count() == 1 and sale.order is not None
    receipts = [m for m in celery_worker.messages() if m["To"] == customer.email]
    assert len(receipts) == 1
    assert "Traceback" not in logs, logs[-3000:]
