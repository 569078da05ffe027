"""Tasks queued inside a database transaction reach the broker when it commits.

A real worker on a real broker; the tasks are queued by another real process with a broker
(tests/task_publisher.py, as a web process or a worker queues them), or by a renewal the
worker runs itself. Eager mode (the test settings, the demo) runs tasks at once as before.
"""
import json
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.db import transaction
from saleor.order.models import Order

from saleor_plugins.subscription.models import Renewal

from . import factories
from .celery_worker import ROOT, Worker, stop_process
from .subscription_helpers import klarna_subscriptions, subscriptions_on  # noqa: F401

QUIET_SECONDS = 3  # a task published at once is received by the idle worker well within this


def wait_until(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


class Publisher:
    def __init__(self, worker, scenario):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.task_publisher", scenario], cwd=ROOT,
            env=worker.environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def read(self):
        line = self.process.stdout.readline()
        assert line, f"publisher ended early (exit {self.process.wait(30)})"
        return json.loads(line)

    def go_on(self):
        self.process.stdin.write("\n")
        self.process.stdin.flush()

    def finish(self):
        self.process.stdin.close()
        assert self.process.wait(30) == 0


@pytest.fixture
def publish(celery_worker):
    """Start a publisher; stopped before the test's data is flushed, even if the test fails."""
    started = []

    def start(scenario):
        started.append(Publisher(celery_worker, scenario))
        return started[-1]

    yield start
    for publisher in started:
        stop_process(publisher.process)


def subjects(worker):
    return [str(message["Subject"]) for message in worker.messages()]


def received(worker, task_id):
    return f"[{task_id}] received" in worker.log.read_text()


def succeeded(worker, task_id):
    return f"[{task_id}] succeeded" in worker.log.read_text()


@pytest.mark.broker
def test_task_queued_in_a_committed_transaction_runs_after_the_commit(celery_worker, publish, shop):
    publisher = publish("commit")
    queued = publisher.read()
    time.sleep(QUIET_SECONDS)
    assert not received(celery_worker, queued["task"]), celery_worker.log.read_text()[-3000:]

    publisher.go_on()
    assert publisher.read() == {"committed": True}
    publisher.finish()
    # the pre-generated id handed to the caller is the id the task ran under
    assert wait_until(lambda: succeeded(celery_worker, queued["task"])), \
        celery_worker.log.read_text()[-3000:]
    assert subjects(celery_worker) == [f"Thank you for your order {queued['order']}"]
    assert "does not exist" not in celery_worker.log.read_text()


@pytest.mark.broker
def test_tasks_queued_in_a_rolled_back_transaction_never_run(celery_worker, publish, shop):
    publisher = publish("rollback")
    rolled_back = publisher.read()
    publisher.go_on()
    marker = publisher.read()
    publisher.finish()
    # one worker process takes the queue in order: once the later task ran, nothing is pending
    assert wait_until(lambda: succeeded(celery_worker, marker["task"])), \
        celery_worker.log.read_text()[-3000:]
    time.sleep(1)
    log = celery_worker.log.read_text()
    for task_id in rolled_back["tasks"]:  # by delay() and by send_task() alike
        assert f"[{task_id}]" not in log
    assert subjects(celery_worker) == [f"Thank you for your order {marker['marker']}"]
    assert not Order.objects.filter(pk=rolled_back["order"]).exists()


@pytest.mark.broker
def test_task_queued_outside_a_transaction_is_sent_at_once(celery_worker, publish, shop):
    publisher = publish("outside")
    queued = publisher.read()  # the publisher now holds a later transaction open
    assert wait_until(lambda: succeeded(celery_worker, queued["task"]), timeout=30), \
        celery_worker.log.read_text()[-3000:]
    assert subjects(celery_worker) == [f"Thank you for your order {queued['order']}"]
    publisher.go_on()
    publisher.finish()


@pytest.fixture
def second_worker(celery_worker, tmp_path):
    """A worker that is idle while the first one renews: it takes queued e-mails at once."""
    worker = Worker(celery_worker.mail_dir, tmp_path / "second-worker.log").start()
    yield worker
    worker.stop()


@pytest.mark.broker
def test_renewal_by_a_worker_sends_order_and_payment_confirmations(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, celery_worker,
        second_worker):
    (subscription,) = klarna_subscriptions(api, customer, shop, klarna, 1)
    due = subscription.next_order_date
    celery_worker.send_task("saleor_plugins.subscription.tasks.renew_subscription",
                            [subscription.pk, due.isoformat()])

    def logs():
        return celery_worker.log.read_text() + second_worker.log.read_text()

    assert wait_until(lambda: Renewal.objects.filter(cycle=1, status=Renewal.PAID).exists()), \
        logs()[-3000:]
    order_pk = Renewal.objects.get(cycle=1).order_id
    expected = {f"Thank you for your order {order_pk}", f"Payment received for order {order_pk}"}
    assert wait_until(lambda: set(subjects(celery_worker)) >= expected, timeout=30), \
        logs()[-3000:]
    time.sleep(1)
    messages = celery_worker.messages()
    assert sorted(str(m["Subject"]) for m in messages) == sorted(expected)
    assert all(m["To"] == customer.email for m in messages)
    assert "does not exist" not in logs()


def test_eager_tasks_still_run_at_once_inside_a_transaction(shop, customer):
    from saleor.order.emails import send_order_confirmation

    order = factories.create_order(customer, [(shop.coffee, 1)])
    with transaction.atomic():
        result = send_order_confirmation.delay(order.pk, "")
        assert len(mail.outbox) == 1
    assert result.successful()
    assert mail.outbox[0].subject == f"Thank you for your order {order.pk}"
