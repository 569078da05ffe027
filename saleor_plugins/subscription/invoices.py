"""Consolidated monthly billing: a month's renewal orders charged at once when it has ended.

- Charged: the orders of the month's renewals that are not cancelled (a renewal whose
  order staff cancelled is dropped from the invoice).
- A declined charge puts the subscription on hold (``PAYMENT_REQUIRED``: no more orders, so
  no more goods shipped before payment) and is retried daily for ``retry_days``; a retry
  that succeeds makes it active again (missed deliveries are not made late). After the last
  retry, or at once on a hard decline, the invoice is ``FAILED`` and the customer is asked
  to update the payment method; once the subscription is active again (a new payment
  method, resumed) the failed invoice is charged once more, as a new attempt.
- A charge Klarna does not answer is asked again with the same key and body, as renewals
  are (``charges``), and is ``UNRESOLVED`` for staff when Klarna never answers.
Runs take the subscription's run lock and row, like renewals.
"""
import datetime
import logging
from decimal import Decimal

from django.db import transaction
from django.db.models import Q

from . import charges, notifications
from .locks import subscription_run
from .models import ChargeAttempt, MonthlyInvoice, Renewal, Subscription
from .renewal import (
    DROPPED,
    LOCKED,
    NOT_DUE,
    ORDER_CANCELLED,
    PAID,
    PAYMENT_REQUIRED,
    RETRYING,
    UNRESOLVED,
    Send,
    locked_subscription,
    token_cancelled,
)
from .scheduling import month_start

logger = logging.getLogger(__name__)
UNPAID = (MonthlyInvoice.OPEN, MonthlyInvoice.RETRYING)


def due_invoice_ids(today: datetime.date, subscription_pk=None):
    """Invoices of ended months not paid yet (and due for a retry), and failed ones whose
    subscription is active again (of one subscription, if given)."""
    due = MonthlyInvoice.objects.filter(
        Q(status__in=UNPAID) & (Q(retry_on__isnull=True) | Q(retry_on__lte=today))
        | Q(status=MonthlyInvoice.FAILED, subscription__status=Subscription.ACTIVE),
        month__lt=month_start(today),
    )
    if subscription_pk is not None:
        due = due.filter(subscription_id=subscription_pk)
    return list(due.order_by("month", "pk").values_list("pk", flat=True))


def charge_invoice(invoice_pk: int, config, today: datetime.date) -> str:
    subscription_pk = MonthlyInvoice.objects.filter(pk=invoice_pk).values_list(
        "subscription_id", flat=True).first()
    if subscription_pk is None:
        return NOT_DUE
    with subscription_run(subscription_pk) as held:
        if not held:
            return LOCKED
        with notifications.after_success():
            with transaction.atomic():
                step = _prepare(subscription_pk, invoice_pk, config, today)
            if not isinstance(step, Send):
                return step
            result = charges.send(step.attempt)
            with transaction.atomic():
                subscription = locked_subscription(subscription_pk)
                invoice = MonthlyInvoice.objects.select_for_update().filter(pk=invoice_pk).first()
                attempt = ChargeAttempt.objects.select_for_update().filter(
                    pk=step.attempt.pk).first()
                if None in (subscription, invoice, attempt) or attempt.status not in (
                        ChargeAttempt.STARTED, ChargeAttempt.UNKNOWN):
                    return NOT_DUE
                return _settle(subscription, invoice, attempt, result, config, today)


def _is_due(invoice, subscription, today) -> bool:
    if invoice.month >= month_start(today):
        return False
    if invoice.status == MonthlyInvoice.FAILED:
        return subscription.status == Subscription.ACTIVE
    return invoice.status in UNPAID and not (invoice.retry_on and invoice.retry_on > today)


def _prepare(subscription_pk, invoice_pk, config, today):
    subscription = locked_subscription(subscription_pk)
    invoice = MonthlyInvoice.objects.select_for_update().filter(pk=invoice_pk).first()
    if subscription is None or invoice is None or not _is_due(invoice, subscription, today):
        return NOT_DUE
    attempt = charges.unsettled_attempt(invoice)
    if attempt is not None:  # outcome not known: ask again with the same key and body
        attempt.sends += 1
        attempt.save(update_fields=["sends"])
        return Send(attempt)
    orders = _orders_due(invoice)
    invoice.amount = sum((order.total.gross.amount for order in orders), Decimal(0))
    if not orders:
        invoice.status, invoice.retry_on = MonthlyInvoice.PAID, None
        invoice.save()
        return PAID
    invoice.save()
    attempt, result = charges.new_attempt(
        subscription, orders, invoice=invoice, key_parts=("invoice", invoice.pk, invoice.month))
    if result is not None:
        return _settle(subscription, invoice, attempt, result, config, today)
    attempt.sends = 1
    attempt.save(update_fields=["sends"])
    return Send(attempt)


def _orders_due(invoice):
    """The month's orders to charge; renewals whose order was cancelled leave the invoice."""
    from saleor.order import OrderStatus

    orders, cancelled = [], []
    for renewal in invoice.renewals.filter(status=Renewal.INVOICED).select_related(
            "order").order_by("cycle"):
        if renewal.order is None or renewal.order.status == OrderStatus.CANCELED:
            cancelled.append(renewal.pk)
        else:
            orders.append(renewal.order)
    Renewal.objects.filter(pk__in=cancelled).update(
        status=Renewal.DROPPED, last_error=ORDER_CANCELLED)
    return orders


def _settle(subscription, invoice, attempt, result, config, today) -> str:
    from saleor.order.models import Order

    charges.store(attempt, result)
    if result.status == ChargeAttempt.CHARGED:
        orders = Order.objects.in_bulk(attempt.order_ids)
        for index, pk in enumerate(attempt.order_ids):
            order = orders[pk]
            charges.record_payment(subscription, order, order.total.gross.amount,
                                   attempt.klarna_order_id, link_klarna=index == 0)
        invoice.renewals.filter(order_id__in=attempt.order_ids).update(status=Renewal.PAID)
        invoice.amount = attempt.amount
        invoice.status, invoice.retry_on = MonthlyInvoice.PAID, None
        invoice.save()
        _active_again(subscription, invoice, config, today)
        return PAID
    if result.status == ChargeAttempt.UNKNOWN:
        if charges.gave_up(attempt):
            logger.error("Monthly invoice %s of subscription %s: no answer from Klarna after "
                         "%s sends of key %s; check Klarna's order with merchant reference "
                         "subscription-%s", invoice.pk, subscription.pk, attempt.sends,
                         attempt.idempotency_key, subscription.pk)
            invoice.status, invoice.retry_on = MonthlyInvoice.UNRESOLVED, None
            invoice.save()
            return UNRESOLVED
        invoice.status = MonthlyInvoice.RETRYING
        invoice.save()  # due as it is: the next run asks Klarna again
        return RETRYING
    return _declined(subscription, invoice, result, config, today)


def _declined(subscription, invoice, result, config, today) -> str:
    invoice.failed_days += 1
    if subscription.status in (Subscription.ACTIVE, Subscription.PAUSED):
        subscription.status, subscription.paused_until = Subscription.PAYMENT_REQUIRED, None
        subscription.save()
    if result.status == ChargeAttempt.HARD_DECLINED or invoice.failed_days > config.retry_days:
        invoice.status, invoice.retry_on = MonthlyInvoice.FAILED, None
        invoice.save()
        if result.status == ChargeAttempt.HARD_DECLINED and \
                result.error != charges.NO_PAYMENT_METHOD:
            token_cancelled(subscription)
        if subscription.status == Subscription.PAYMENT_REQUIRED:
            notifications.payment_method_declined(subscription)
            return PAYMENT_REQUIRED
        notifications.invoice_failed(subscription, invoice)
        return DROPPED
    invoice.status = MonthlyInvoice.RETRYING
    invoice.retry_on = today + datetime.timedelta(days=1)
    invoice.save()
    notifications.invoice_failed(subscription, invoice, invoice.retry_on)
    return RETRYING


def _active_again(subscription, invoice, config, today):
    """A paid invoice ends the hold it put on the subscription (no other unpaid month)."""
    from .subscriptions import delivery_calendar, first_unsettled_cycle, place_next

    if subscription.status != Subscription.PAYMENT_REQUIRED or subscription.invoices.filter(
            status__in=UNPAID + (MonthlyInvoice.FAILED,)).exclude(pk=invoice.pk).exists():
        return
    subscription.status = Subscription.ACTIVE
    place_next(subscription, first_unsettled_cycle(subscription), delivery_calendar(config),
               today)
    subscription.save()
