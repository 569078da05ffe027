"""Celery tasks of subscriptions (arguments are primary keys and ISO dates)."""
import datetime
from typing import Optional

from saleor.celeryconf import app

from . import renewal
from .subscriptions import plugin


def _config_and_today(day: Optional[str]):
    found = plugin()
    if found is None or not found.active:
        return None, None
    config = found.config
    today = datetime.date.fromisoformat(day) if day else renewal.now_local_today(config)
    return config, today


@app.task
def renew_due_subscriptions(day: Optional[str] = None) -> int:
    """Beat: one ``renew_subscription`` task per due subscription."""
    config, today = _config_and_today(day)
    if config is None:
        return 0
    ids = renewal.due_subscription_ids(today)
    for pk in ids:
        renew_subscription.delay(pk, today.isoformat())
    for pk in renewal.due_invoice_ids(today):
        charge_monthly_invoice.delay(pk, today.isoformat())
    return len(ids)


@app.task
def renew_subscription(subscription_pk: int, day: Optional[str] = None) -> str:
    config, today = _config_and_today(day)
    if config is None:
        return "inactive"
    return renewal.renew(subscription_pk, config, today)


@app.task
def charge_monthly_invoice(invoice_pk: int, day: Optional[str] = None) -> str:
    config, today = _config_and_today(day)
    if config is None:
        return "inactive"
    return renewal.charge_invoice(invoice_pk, config, today)


@app.task
def send_renewal_reminders(day: Optional[str] = None) -> int:
    config, today = _config_and_today(day)
    if config is None:
        return 0
    return renewal.send_reminders(config, today)
