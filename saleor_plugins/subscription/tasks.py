"""Celery tasks of subscriptions (arguments are primary keys and ISO dates)."""
import datetime
from typing import Optional

from saleor.celeryconf import app

from . import digest, invoices, renewal, replan
from .subscriptions import plugin

# Acknowledged when done, not when started: a task whose worker dies (SIGKILL, OOM, lost
# machine) is handed out again instead of lost until the next beat. Safe because every
# task here may run twice: one run per subscription at a time, Renewal is unique per
# cycle and a charge whose outcome is unknown is sent again with its key and body.
# (Redis hands unacknowledged tasks out again after its visibility_timeout, AMQP when the
# connection drops.)
REDELIVER_IF_WORKER_DIES = dict(acks_late=True, reject_on_worker_lost=True)


def _config_and_today(day: Optional[str]):
    found = plugin()
    if found is None or not found.active:
        return None, None
    config = found.config
    today = datetime.date.fromisoformat(day) if day else renewal.now_local_today(config)
    return config, today


@app.task(**REDELIVER_IF_WORKER_DIES)
def renew_due_subscriptions(day: Optional[str] = None) -> int:
    """Beat: one ``renew_subscription`` task per due subscription (after re-planning
    what a changed calendar made stale, in case its own task was lost)."""
    config, today = _config_and_today(day)
    if config is None:
        return 0
    replan.replan(today)
    for pk in invoices.due_invoice_ids(today):
        charge_monthly_invoice.delay(pk, today.isoformat())
    ids = renewal.due_subscription_ids(today)
    for pk in ids:
        renew_subscription.delay(pk, today.isoformat())
    return len(ids)


@app.task(**REDELIVER_IF_WORKER_DIES)
def renew_subscription(subscription_pk: int, day: Optional[str] = None) -> str:
    config, today = _config_and_today(day)
    if config is None:
        return "inactive"
    # an ended month's invoice is charged before the next delivery is made, whichever task
    # a worker runs first: a declined one holds the subscription (no goods on credit)
    for invoice_pk in invoices.due_invoice_ids(today, subscription_pk=subscription_pk):
        invoices.charge_invoice(invoice_pk, config, today)
    return renewal.renew(subscription_pk, config, today)


@app.task(**REDELIVER_IF_WORKER_DIES)
def charge_monthly_invoice(invoice_pk: int, day: Optional[str] = None) -> str:
    config, today = _config_and_today(day)
    if config is None:
        return "inactive"
    return invoices.charge_invoice(invoice_pk, config, today)


@app.task(**REDELIVER_IF_WORKER_DIES)
def send_renewal_reminders(day: Optional[str] = None) -> int:
    config, today = _config_and_today(day)
    if config is None:
        return 0
    return renewal.send_reminders(config, today)


@app.task(**REDELIVER_IF_WORKER_DIES)
def replan_subscriptions(day: Optional[str] = None) -> int:
    """After a holiday or calendar setting changed: the stale subscriptions re-planned."""
    config, today = _config_and_today(day)
    if config is None:
        return 0
    return replan.replan(today, notes=True)


@app.task(**REDELIVER_IF_WORKER_DIES)
def send_merchant_digest(day: Optional[str] = None) -> str:
    """Beat (hourly): the day's merchant digest, once per shop day (from the renewal hour)."""
    config, today = _config_and_today(day)
    if config is None:
        return "inactive"
    return digest.send_digest(config, today)
