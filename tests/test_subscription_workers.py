"""Four real Celery worker processes on a real broker race over the same due subscriptions:
every cycle is charged exactly once (charges counted in the Klarna simulator)."""
import time

import pytest
from saleor.order.models import Order

from saleor_plugins.subscription.models import ChargeAttempt, Renewal, Subscription

from .celery_worker import Worker, broker_answers
from .subscription_helpers import klarna_subscriptions, subscriptions_on  # noqa: F401

pytestmark = pytest.mark.broker

SUBSCRIPTIONS = 6


@pytest.fixture
def workers(tmp_path, transactional_db):
    if not broker_answers():
        pytest.skip("no broker answers")
    from saleor.celeryconf import app

    from .celery_worker import BROKER_URL

    with app.connection_for_write(BROKER_URL) as broker:
        app.control.purge(connection=broker)
    started = []
    for number in range(4):
        mail_dir = tmp_path / f"mail{number}"
        mail_dir.mkdir()
        started.append(Worker(mail_dir, tmp_path / f"worker{number}.log"))
    try:
        for worker in started:
            worker.start(timeout=120)
        yield started
    finally:
        for worker in started:
            worker.stop()


def test_four_workers_charge_every_cycle_exactly_once(
        api, shop, customer, klarna_gateway, klarna, subscriptions_on, workers):
    bought = klarna_subscriptions(api, customer, shop, klarna, SUBSCRIPTIONS)
    due = bought[0].next_order_date
    charges_before = klarna.state.charge_count
    # the beat task sent four times at once (two beats, a retry, a manual run), plus every
    # renewal sent directly to each worker's queue
    for worker in workers:
        worker.send_task("saleor_plugins.subscription.tasks.renew_due_subscriptions",
                         [due.isoformat()])
        for subscription in bought:
            worker.send_task("saleor_plugins.subscription.tasks.renew_subscription",
                             [subscription.pk, due.isoformat()])
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        paid = Renewal.objects.filter(cycle=1, status=Renewal.PAID).count()
        if paid == SUBSCRIPTIONS:
            break
        time.sleep(0.5)
    time.sleep(3)  # let any late duplicate finish
    logs = "\n".join(w.log.read_text()[-2000:] for w in workers)
    assert Renewal.objects.filter(cycle=1, status=Renewal.PAID).count() == SUBSCRIPTIONS, logs
    assert klarna.state.charge_count - charges_before == SUBSCRIPTIONS
    assert ChargeAttempt.objects.filter(status=ChargeAttempt.CHARGED).count() == SUBSCRIPTIONS
    assert Order.objects.count() == 1 + SUBSCRIPTIONS  # the first order + one renewal each
    assert all(s.next_cycle == 2 for s in Subscription.objects.all())
    # more than one worker did renewals
    renewing = [w for w in workers if "renew_subscription" in w.log.read_text()
                and "'paid'" in w.log.read_text()]
    assert len(renewing) >= 2, logs
