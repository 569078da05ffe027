"""Faults under the subscription workers: a Celery worker killed in the middle of a renewal.

Real worker processes on a real broker renew subscriptions charged through the Klarna
simulator. The simulator holds the token charge open (before or after doing the work), the
worker is SIGKILLed while it waits, another worker starts and beat runs again. In the end
every cycle is one paid Saleor order and one charge at Klarna, and the task the dead worker
held was delivered again (and found nothing left to do).
"""
import json
import re
import time

import pytest
from django.db import connection
from saleor.order.models import Order
from saleor.payment import ChargeStatus

from saleor_plugins.subscription.locks import NAMESPACE
from saleor_plugins.subscription.models import ChargeAttempt, Renewal
from saleor_plugins.subscription.renewal import idempotency_key

from .celery_worker import BROKER_URL, Worker, broker_answers
from .subscription_helpers import klarna_subscriptions, subscriptions_on  # noqa: F401

pytestmark = pytest.mark.broker

BEAT = "saleor_plugins.subscription.tasks.renew_due_subscriptions"
TOKEN_ORDER = r"^/customer-token/v1/tokens/[^/]+/order$"
SUBSCRIPTIONS = 3
HOLD_SECONDS = 5  # how long the simulator keeps the charge open
# the broker hands out again, within seconds, a task a dead worker never acknowledged
# (production keeps Redis' default hour; AMQP redelivers as soon as the connection drops)
QUICK_REDELIVERY = json.dumps({"visibility_timeout": 6, "unacked_restore_interval": 1,
                               "unacked_restore_throttle": 1})
RECEIVED = re.compile(r"renew_subscription\[([0-9a-f-]+)\] received")


def finished(log: str):
    """{task id: result} of the renew_subscription tasks a worker log shows finished."""
    return dict(re.findall(r"renew_subscription\[([0-9a-f-]+)\] succeeded in [\d.]+s: '(\w+)'",
                           log))


def token_charges(klarna):
    return [r for r in klarna.requests_to("/customer-token/", "POST")
            if re.search(TOKEN_ORDER, r["path"])]


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def run_held(subscription) -> bool:
    """Some connection holds the subscription's run lock (``locks.subscription_run``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                       "AND classid = %s AND objid = %s AND objsubid = 2)",
                       [NAMESPACE, subscription.pk])
        return cursor.fetchone()[0]


def stored_attempt(subscription):
    return ChargeAttempt.objects.filter(renewal__subscription=subscription,
                                        renewal__cycle=1).first()


@pytest.fixture
def start_worker(tmp_path, transactional_db):
    if not broker_answers():
        pytest.skip(f"no broker answers at {BROKER_URL}")
    from saleor.celeryconf import app

    with app.connection_for_write(BROKER_URL) as broker:
        app.control.purge(connection=broker)
    started = []

    def start(name, **env):
        mail_dir = tmp_path / f"mail-{name}"
        mail_dir.mkdir()
        worker = Worker(mail_dir, tmp_path / f"{name}.log", env=env, pool="prefork")
        started.append(worker)
        return worker.start(timeout=120)

    yield start
    for worker in started:
        worker.stop()


@pytest.mark.parametrize("after", [True, False],
                         ids=["after Klarna charged", "before Klarna charged"])
@pytest.mark.parametrize("whole_worker", [True, False],
                         ids=["worker killed", "pool process killed"])
def test_worker_killed_mid_renewal_renews_every_cycle_once(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, start_worker, after,
        whole_worker):
    klarna_gateway(timeout_seconds=30)  # the worker waits for the held answer
    bought = klarna_subscriptions(api, customer, shop, klarna, SUBSCRIPTIONS)
    first = bought[0]
    due = bought[0].next_order_date.isoformat()
    keys = {idempotency_key("renewal", s.pk, 1, 1): s for s in bought}
    charges_before = klarna.state.charge_count
    orders_before = Order.objects.count()
    klarna.inject(method="POST", path=TOKEN_ORDER, delay=HOLD_SECONDS, after=after)

    doomed = start_worker("doomed", SALEOR_PLUGINS_TEST_BROKER_OPTIONS=QUICK_REDELIVERY)
    doomed.send_task(BEAT, [due])
    request = wait_for(lambda: token_charges(klarna), 60, "the first charge")[0]
    held_at = time.monotonic()
    in_flight = keys[request["idempotency_key"]]
    if after:  # Klarna has placed and captured the order; the answer has not left yet
        wait_for(lambda: klarna.state.charge_count == charges_before + 1, 5, "the charge")
    else:
        assert klarna.state.charge_count == charges_before
    # the renewal really is in flight: its run is held, and its order and attempt (key and
    # body) were committed before Klarna was called
    assert run_held(in_flight)
    attempt = stored_attempt(in_flight)
    assert attempt.status == ChargeAttempt.STARTED and attempt.request_body
    assert attempt.idempotency_key == request["idempotency_key"]
    received = RECEIVED.findall(doomed.log.read_text())
    assert received, doomed.log.read_text()[-3000:]
    if whole_worker:
        doomed.kill()
        assert doomed.process.returncode == -9
        # the dead worker's run lock goes with its connection; what it stored stays
        wait_for(lambda: not run_held(in_flight), 10, "the lock's release")
        assert stored_attempt(in_flight).status == ChargeAttempt.STARTED
        assert Order.objects.count() == orders_before + 1
        second = start_worker("second", SALEOR_PLUGINS_TEST_BROKER_OPTIONS=QUICK_REDELIVERY)
    else:  # the worker stays, forks a new pool process and goes on with the next tasks
        doomed.kill_pool_process()
        second = doomed
    second.send_task(BEAT, [due])  # the next beat

    def settled():
        done = finished(second.log.read_text())
        return (Renewal.objects.filter(cycle=1, status=Renewal.PAID).count() == SUBSCRIPTIONS
                and all(task in done for task in received))

    wait_for(settled, 90, "every renewal and the redelivered tasks")
    # the held request may still be running inside the simulator: let it end in this test
    time.sleep(max(0.0, held_at + HOLD_SECONDS + 0.5 - time.monotonic()))
    time.sleep(1)  # let a late duplicate show itself
    logs = doomed.log.read_text() + (second.log.read_text() if whole_worker else "")
    results = list(finished(logs).values())
    assert results.count("paid") == SUBSCRIPTIONS, logs[-4000:]
    assert set(results) <= {"paid", "not_due", "locked"}, logs[-4000:]

    assert klarna.state.charge_count - charges_before == SUBSCRIPTIONS
    for subscription in bought:
        at_klarna = [o for o in klarna.orders.values()
                     if o["merchant_reference2"] == f"subscription-{subscription.pk}"]
        renewal = Renewal.objects.get(subscription=subscription, cycle=1)
        assert renewal.status == Renewal.PAID
        attempts = list(renewal.attempts.all())
        assert [(a.number, a.status) for a in attempts] == [(1, ChargeAttempt.CHARGED)]
        assert [o["order_id"] for o in at_klarna] == [attempts[0].klarna_order_id]
        assert at_klarna[0]["status"] == "CAPTURED"
        order = renewal.order
        assert order.metadata["subscription_cycle"] == "1"
        payment = order.get_last_payment()
        assert payment.charge_status == ChargeStatus.FULLY_CHARGED
        assert payment.captured_amount == order.total.gross.amount
        subscription.refresh_from_db()
        assert subscription.next_cycle == 2
    # no orphans: every order made since is a renewal's
    made = set(Order.objects.exclude(pk=first.first_order_id).values_list("pk", flat=True))
    assert made == set(Renewal.objects.filter(cycle=1).values_list("order_id", flat=True))
    assert Order.objects.count() == orders_before + SUBSCRIPTIONS
