"""PostgreSQL restarted in the middle of a run: the package recovers without manual repair.

A throw-away PostgreSQL server (never the machine's) holds a copy of the test database.
Two web processes serving /graphql/ and a Celery worker run on it. While staff's "renew now"
waits for Klarna's answer the server is stopped, requests during the outage fail, then it
is started again. The same processes (not restarted) answer and renew afterwards, and
every cycle is still one paid order and one charge.
"""
import re
import threading
import time

import psycopg2
import pytest
import requests
from django.db import connection
from graphene import Node
from graphql_jwt.shortcuts import get_token

from saleor_plugins.core.permissions import SubscriptionPermissions
from saleor_plugins.subscription.locks import NAMESPACE

from . import factories
from .celery_worker import BROKER_URL, Worker, broker_answers
from .checkout_helpers import ADDRESS
from .subscription_helpers import klarna_subscriptions, subscriptions_on  # noqa: F401
from .test_faults_workers import BEAT, HOLD_SECONDS, TOKEN_ORDER, token_charges, wait_for
from .shop_server import ShopServer
from .throwaway_postgres import ThrowawayPostgres

pytestmark = pytest.mark.broker

DATABASE = "saleor"
SUBSCRIPTIONS = 3
CHECKOUT_CREATE = """
mutation($input: CheckoutCreateInput!) {
  checkoutCreate(input: $input) { checkout { token } checkoutErrors { field code message } }
}"""
RENEW_NOW = """
mutation($id: ID!) { productSubscriptionRenewNow(id: $id) { result
  subscriptionErrors { field code } } }"""


def post(server, query, variables, user=None, timeout=30):
    """The raw answer, whatever it is (during the outage too)."""
    headers = {"Authorization": f"JWT {get_token(user)}"} if user else {}
    return requests.post(server.url, json={"query": query, "variables": variables},
                         headers=headers, timeout=timeout)


def rows(url, query, *args):
    with psycopg2.connect(url) as conn:  # commits or rolls back, closed below
        with conn.cursor() as cursor:
            cursor.execute(query, args)
            result = cursor.fetchall() if cursor.description else None
    conn.close()
    return result


def conninfo(settings) -> str:
    """libpq's form of Django's connection settings (for pg_dump)."""
    # the embedded server listens on a socket directory given as the URL's ?host=
    host = settings["HOST"] or settings["OPTIONS"].get("host", "")
    parts = {"host": host, "port": settings["PORT"], "user": settings["USER"],
             "password": settings["PASSWORD"], "dbname": settings["NAME"]}
    return " ".join(f"{key}={value}" for key, value in parts.items() if value)


def run_held(url, subscription_pk) -> bool:
    """Some session holds the subscription's run lock (``locks.subscription_run``)."""
    return rows(url, "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND "
                     "classid = %s AND objid = %s AND objsubid = 2)",
                NAMESPACE, subscription_pk)[0][0]


def failed_cleanly(response, mutation) -> bool:
    """An error answer, no result: what an outage may look like to a client."""
    if response.status_code >= 500:
        return True
    payload = response.json()
    return bool(payload.get("errors")) and not (payload.get("data") or {}).get(mutation)


def checkout_created(response) -> bool:
    if response.status_code != 200:
        return False
    payload = (response.json().get("data") or {}).get("checkoutCreate") or {}
    return bool(payload.get("checkout")) and not payload.get("checkoutErrors")


@pytest.fixture
def postgres(transactional_db):
    server = ThrowawayPostgres()
    try:
        yield server.create()
    finally:
        server.remove()


def test_postgres_restart_mid_run_recovers_without_repair(
        tmp_path, api, shop, customer, klarna_gateway, klarna, subscriptions_on, postgres):
    if not broker_answers():
        pytest.skip(f"no broker answers at {BROKER_URL}")
    from saleor.celeryconf import app

    with app.connection_for_write(BROKER_URL) as broker:
        app.control.purge(connection=broker)
    klarna_gateway(timeout_seconds=30)
    bought = klarna_subscriptions(api, customer, shop, klarna, SUBSCRIPTIONS)
    first = bought[0]
    due = first.next_order_date.isoformat()
    staff = factories.create_staff(permissions=[SubscriptionPermissions.MANAGE_SUBSCRIPTIONS])
    checkout_input = {"input": {
        "email": customer.email, "shippingAddress": ADDRESS, "billingAddress": ADDRESS,
        "lines": [{"variantId": Node.to_global_id("ProductVariant", shop.mug.pk),
                   "quantity": 1}]}}

    postgres.start()
    postgres.copy_database(conninfo(connection.settings_dict), DATABASE)
    url = postgres.url(DATABASE)
    orders_before = rows(url, "SELECT count(*) FROM order_order")[0][0]
    checkouts_before = rows(url, "SELECT count(*) FROM checkout_checkout")[0][0]
    on_copy = {"DATABASE_URL": url, "SALEOR_PLUGINS_TEST_DB_NAME": DATABASE}
    # the worker's settings for the web too: Saleor's CONN_MAX_AGE=600, tasks to the broker
    web_env = dict(on_copy, DJANGO_SETTINGS_MODULE="tests.worker_settings",
                   SALEOR_PLUGINS_TEST_BROKER=BROKER_URL,
                   SALEOR_PLUGINS_TEST_MAIL_DIR=str(tmp_path))
    (tmp_path / "mail").mkdir()
    worker = Worker(tmp_path / "mail", tmp_path / "worker.log", pool="prefork", env=on_copy)
    web = ShopServer(tmp_path / "web.log", env=web_env, threaded=False)
    idle_web = ShopServer(tmp_path / "idle-web.log", env=web_env, threaded=False)
    processes = [worker, web, idle_web]  # idle_web gets no request during the outage
    try:
        web.start()
        idle_web.start()
        worker.start(timeout=120)
        web.wait_until_serving(90)
        idle_web.wait_until_serving(90)
        created = 0
        # all hold a connection from before the restart
        for process in (web, idle_web):
            response = post(process, CHECKOUT_CREATE, checkout_input)
            assert checkout_created(response), response.text[:2000]
            created += 1
        worker.send_task("saleor_plugins.subscription.tasks.send_renewal_reminders", [due])
        wait_for(lambda: re.search(r"send_renewal_reminders\[\S+\] succeeded",
                                   worker.log.read_text()), 30, "the worker's first task")

        # staff's "renew now" is waiting for Klarna, which has charged, when the server stops
        klarna.inject(method="POST", path=TOKEN_ORDER, delay=HOLD_SECONDS, after=True)
        charges_before = klarna.state.charge_count
        renew_now = {}
        thread = threading.Thread(target=lambda: renew_now.update(response=post(
            web, RENEW_NOW, {"id": Node.to_global_id("ProductSubscription", first.pk)}, staff,
            timeout=60)))
        thread.start()
        wait_for(lambda: token_charges(klarna), 30, "the charge")
        assert klarna.state.charge_count == charges_before + 1
        assert run_held(url, first.pk)  # the run is in flight
        postgres.stop()
        outage_started = time.monotonic()

        # during the outage: answers come, they are errors, nothing is written
        for _ in range(3):
            asked_at = time.monotonic()
            response = post(web, CHECKOUT_CREATE, checkout_input)
            assert time.monotonic() - asked_at < 10
            assert failed_cleanly(response, "checkoutCreate"), response.text[:2000]
        worker.send_task(BEAT, [due])
        wait_for(lambda: re.search(r"renew_due_subscriptions\[\S+\] raised unexpected: "
                                   r"OperationalError", worker.log.read_text()),
                 30, "the beat to fail")
        thread.join(60)
        # Klarna's answer came after the server had gone: the charge is not recorded
        assert failed_cleanly(renew_now["response"], "productSubscriptionRenewNow"), \
            renew_now["response"].text[:2000]
        time.sleep(max(0.0, outage_started + 2 - time.monotonic()))
        postgres.start()
        # committed before Klarna was called: the renewal's order and its attempt (key and
        # body) wait for the next run; recording Klarna's answer was not written
        assert rows(url, "SELECT r.subscription_id, a.status FROM "
                         "saleor_plugins_subscription_renewal r JOIN "
                         "saleor_plugins_subscription_chargeattempt a ON a.renewal_id = r.id "
                         "WHERE r.cycle = 1") == [(first.pk, "started")]
        assert rows(url, "SELECT count(*) FROM order_order")[0][0] == orders_before + 1

        # after: the same processes answer and renew, the first request too
        for process in (idle_web, web, idle_web, web):
            response = post(process, CHECKOUT_CREATE, checkout_input)
            assert checkout_created(response), response.text[:2000]
            created += 1
        worker.send_task(BEAT, [due])  # the next beat
        wait_for(lambda: rows(url, "SELECT count(*) FROM saleor_plugins_subscription_renewal "
                                   "WHERE cycle = 1 AND status = 'paid'")[0][0] == SUBSCRIPTIONS,
                 60, "the renewals after the restart")
        time.sleep(1)  # let a late duplicate show itself
        assert all(p.process.poll() is None for p in (web, idle_web, worker))
    finally:
        logs = "\n".join(p.log.read_text()[-3000:] for p in processes if p.log.exists())
        for process in processes:
            process.stop()

    # exactly one paid order and one charge per subscription and cycle; no orphans
    assert klarna.state.charge_count - charges_before == SUBSCRIPTIONS, logs
    for subscription in bought:
        (renewal_pk, order_pk, status), = rows(
            url, "SELECT id, order_id, status FROM saleor_plugins_subscription_renewal "
                 "WHERE subscription_id = %s AND cycle = 1", subscription.pk)
        assert status == "paid"
        attempts = rows(url, "SELECT number, status, klarna_order_id FROM "
                             "saleor_plugins_subscription_chargeattempt WHERE renewal_id = %s",
                        renewal_pk)
        assert [a[:2] for a in attempts] == [(1, "charged")]
        at_klarna = [o["order_id"] for o in klarna.orders.values()
                     if o["merchant_reference2"] == f"subscription-{subscription.pk}"]
        assert at_klarna == [attempts[0][2]]
        orders = rows(url, "SELECT id FROM order_order WHERE metadata->>'subscription_id' = %s",
                      str(subscription.pk))
        assert orders == [(order_pk,)]
        payments = rows(url, "SELECT charge_status, captured_amount, o.total_gross_amount FROM "
                             "payment_payment p JOIN order_order o ON o.id = p.order_id "
                             "WHERE p.order_id = %s", order_pk)
        assert [(p[0], p[1] == p[2]) for p in payments] == [("fully-charged", True)]
    assert rows(url, "SELECT count(*) FROM order_order")[0][0] == orders_before + SUBSCRIPTIONS
    # every checkout answered as created is there with its line, no other
    checkouts = rows(url, "SELECT c.token, count(l.id) FROM checkout_checkout c LEFT JOIN "
                          "checkout_checkoutline l ON l.checkout_id = c.token GROUP BY c.token")
    assert len(checkouts) == checkouts_before + created
    assert all(lines >= 1 for _, lines in checkouts)
