"""Renewing subscriptions: the cycle's Saleor order, the charge, retries, consolidation.

Exactly once per subscription and cycle:
- the subscription row is locked (``skip_locked``: a second worker moves on) for the
  whole renewal, and ``Renewal`` is unique per (subscription, cycle);
- the charge carries an idempotency key made of the subscription, the cycle and the
  attempt number. The number only grows after a definite decline, so after a crash (the
  transaction rolls back) or a timeout the same key is sent again and Klarna answers with
  the order it already placed instead of charging twice.
"""
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal
from typing import Optional

from django.db import transaction
from django.utils import timezone

from . import notifications, parcels, replan
from .models import MONTHLY, ChargeAttempt, MonthlyInvoice, Renewal, Subscription
from .subscriptions import (
    DUMMY_GATEWAY,
    KLARNA_GATEWAY,
    advance,
    place_next,
    renewal_prices,
)

logger = logging.getLogger(__name__)

# what renew() did, for tasks, tests and the benchmark
PAID, INVOICED, RETRYING, DROPPED, PAYMENT_REQUIRED = (
    "paid", "invoiced", "retrying", "dropped", "payment_required")
LOCKED, NOT_DUE, RESUMED = "locked", "not_due", "resumed"


@dataclass
class ChargeResult:
    status: str  # ChargeAttempt.CHARGED / DECLINED / HARD_DECLINED / UNKNOWN
    klarna_order_id: str = ""
    error: str = ""


def due_subscription_ids(today: datetime.date, limit: Optional[int] = None):
    """Subscriptions whose order (or retry) is due, and paused ones whose pause ended."""
    from django.db.models import Q

    ids = Subscription.objects.filter(
        Q(status=Subscription.ACTIVE, due_on__lte=today)
        | Q(status=Subscription.PAUSED, paused_until__lte=today)
    ).order_by("due_on", "pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


# -- the Saleor order --------------------------------------------------------------------


def create_renewal_order(subscription: Subscription, renewal: Renewal, manager=None):
    """An unpaid order for the cycle: the plan's price rule, the first order's shipping
    (unless a sibling renewal of the same parcel pays it: ``renewal.ships_free``), taxed
    by Saleor's tax plugins the way a checkout-created order is."""
    from saleor.order.models import Order
    from saleor.warehouse.management import allocate_stock

    payer = parcels.claim(subscription, renewal, renewal.delivery_date)
    renewal.ships_free = payer != renewal.pk
    renewal.ships_with = parcels.paying_order_id(payer) if renewal.ships_free else None
    prices = renewal_prices(subscription, manager, with_shipping=not renewal.ships_free)
    user = subscription.user
    order = Order.objects.create(
        user=user, user_email=user.email, language_code=subscription.language_code,
        billing_address=_copy(subscription.billing_address),
        shipping_address=_copy(subscription.shipping_address),
        shipping_method=subscription.shipping_method,
        shipping_method_name=subscription.shipping_method_name,
        shipping_price=prices.shipping, total=prices.total, currency=subscription.currency,
        customer_note=subscription.comment,
        metadata={"subscription_id": str(subscription.pk),
                  "subscription_cycle": str(renewal.cycle)},
    )
    variant = subscription.variant
    line = order.lines.create(
        product_name=subscription.product_name, variant_name=subscription.variant_name,
        product_sku=subscription.product_sku,
        is_shipping_required=variant.is_shipping_required() if variant else True,
        quantity=subscription.quantity, variant=variant,
        unit_price=prices.unit, tax_rate=prices.unit_tax_rate,
    )
    if variant is not None and variant.track_inventory:
        country = order.shipping_address.country.code if order.shipping_address else None
        allocate_stock(line, country, subscription.quantity)  # raises InsufficientStock
    renewal.order = order
    return order


def _copy(address):
    return address.get_copy() if address is not None else None


# -- charging ----------------------------------------------------------------------------


def idempotency_key(kind: str, owner_pk, part, number: int) -> str:
    from saleor_plugins.klarna.client import stable_idempotency_key

    return stable_idempotency_key("subscription", kind, owner_pk, part, number)


def next_attempt(*, renewal=None, invoice=None, amount, currency, key_parts) -> ChargeAttempt:
    """The attempt to make: the one whose outcome is unknown (same key), else a new one."""
    attempts = (renewal or invoice).attempts.all()
    unknown = attempts.filter(status=ChargeAttempt.UNKNOWN).first()
    if unknown is not None:
        return unknown
    number = attempts.count() + 1
    return ChargeAttempt.objects.create(
        renewal=renewal, invoice=invoice, number=number, amount=amount, currency=currency,
        idempotency_key=idempotency_key(*key_parts, number),
    )


def klarna_config(manager=None):
    from saleor.plugins.manager import get_plugins_manager

    gateway = (manager or get_plugins_manager()).get_plugin(KLARNA_GATEWAY)
    return gateway.config if gateway is not None and gateway.active else None


def charge(subscription: Subscription, attempt: ChargeAttempt, orders,
           manager=None) -> ChargeResult:
    """Charge the subscription's stored payment method for ``orders``."""
    if subscription.gateway == DUMMY_GATEWAY:
        return ChargeResult(ChargeAttempt.CHARGED, "dummy-" + attempt.idempotency_key)
    from saleor_plugins.klarna import errors
    from saleor_plugins.klarna.amounts import minor_units
    from saleor_plugins.klarna.payments import client_for
    from saleor_plugins.klarna.saleor_data import order_order_data

    config = klarna_config(manager)
    if config is None or not subscription.klarna_token_id:
        return ChargeResult(ChargeAttempt.DECLINED, error="Klarna is not available.")
    data = None
    for order in orders:
        part = order_order_data(order, default_country=config.default_country)
        if data is None:
            data = part
        else:
            data.order_lines.extend(part.order_lines)
    body = data.as_dict()
    body["order_amount"] = sum(line["total_amount"] for line in body["order_lines"])
    body["order_tax_amount"] = sum(line["total_tax_amount"] for line in body["order_lines"])
    assert body["order_amount"] == minor_units(attempt.amount, attempt.currency)
    body["auto_capture"] = True
    body["merchant_reference1"] = ",".join(str(order.pk) for order in orders)[:255]
    body["merchant_reference2"] = f"subscription-{subscription.pk}"
    try:
        placed = client_for(config).create_token_order(
            subscription.klarna_token_id, body, idempotency_key=attempt.idempotency_key)
    except errors.HardDeclineError as error:
        return ChargeResult(ChargeAttempt.HARD_DECLINED, error=str(error)[:255])
    except errors.TransientError as error:
        return ChargeResult(ChargeAttempt.UNKNOWN, error=str(error)[:255])
    except errors.KlarnaError as error:
        return ChargeResult(ChargeAttempt.DECLINED, error=str(error)[:255])
    if placed.fraud_status == "REJECTED":
        return ChargeResult(ChargeAttempt.DECLINED, placed.order_id, "Rejected by Klarna")
    return ChargeResult(ChargeAttempt.CHARGED, placed.order_id)


def record_payment(subscription, order, amount: Decimal, klarna_order_id: str,
                   link_klarna=True):
    """A captured Saleor payment on the order; then Saleor's paid-order processing."""
    from saleor.order import actions
    from saleor.payment import ChargeStatus, TransactionKind
    from saleor.payment.models import Transaction
    from saleor.payment.utils import create_payment

    payment = create_payment(
        gateway=subscription.gateway, total=amount, currency=order.currency,
        email=order.user_email, payment_token=klarna_order_id, order=order)
    payment.charge_status = ChargeStatus.FULLY_CHARGED
    payment.captured_amount = amount
    payment.save(update_fields=["charge_status", "captured_amount"])
    Transaction.objects.create(
        payment=payment, kind=TransactionKind.CAPTURE, token=klarna_order_id, is_success=True,
        amount=amount, currency=order.currency,
        gateway_response={"subscription": subscription.pk, "klarna_order_id": klarna_order_id})
    if link_klarna and subscription.gateway == KLARNA_GATEWAY:
        from saleor_plugins.klarna.amounts import minor_units
        from saleor_plugins.klarna.models import KlarnaOrder

        KlarnaOrder.objects.get_or_create(
            klarna_order_id=klarna_order_id,
            defaults={"payment": payment, "order": order, "order_amount": minor_units(
                amount, order.currency), "currency": order.currency, "auto_captured": True})
    actions.handle_fully_paid_order(order)


def _send_order_confirmation(order):
    from saleor.order.emails import send_order_confirmation

    notifications.later(lambda: send_order_confirmation.delay(order.pk, "", order.user_id))


def _cancel_order(order):
    from saleor.order.actions import cancel_order

    if order is not None:
        cancel_order(order, None)


# -- one renewal -------------------------------------------------------------------------


def renew(subscription_pk: int, config, today: datetime.date, force=False) -> str:
    """Renew one subscription if it is due (``force``: staff's "renew now")."""
    from saleor.core.exceptions import InsufficientStock
    from saleor.order import events
    from saleor.order.actions import order_created
    from saleor.plugins.manager import get_plugins_manager

    with notifications.after_success(), transaction.atomic():
        subscription = (Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                        .select_related("user", "variant__product", "shipping_address",
                                        "billing_address")
                        .filter(pk=subscription_pk).first())
        if subscription is None:
            return LOCKED
        # read under the lock; re-plans it first if planned with an older calendar
        calendar = replan.calendar_for_renewal(subscription, config, today)
        if subscription.status == Subscription.PAUSED and subscription.paused_until and \
                subscription.paused_until <= today:
            subscription.status = Subscription.ACTIVE
            subscription.paused_until = None
            place_next(subscription, subscription.next_cycle, calendar, today)
            subscription.save()
            return RESUMED
        if subscription.status != Subscription.ACTIVE or (
                subscription.due_on > today and not force):
            return NOT_DUE
        renewal, _ = Renewal.objects.get_or_create(
            subscription=subscription, cycle=subscription.next_cycle,
            defaults={"delivery_date": subscription.next_delivery_date})
        if renewal.status not in (Renewal.PENDING, Renewal.RETRYING):
            advance(subscription, calendar, today)  # settled earlier (e.g. skipped)
            subscription.save()
            return NOT_DUE
        manager = get_plugins_manager()  # one per renewal: prices and the Klarna config
        try:
            with transaction.atomic():
                order = create_renewal_order(subscription, renewal, manager)
        except InsufficientStock:
            return _failed(subscription, renewal, None, calendar, today, config,
                           ChargeAttempt.DECLINED, "out_of_stock")
        order_created(order, subscription.user)
        events.order_note_added_event(order=order, user=None, message=(
            f"Renewal {renewal.cycle} of subscription #{subscription.pk}, "
            f"delivery {renewal.delivery_date.isoformat()}"))
        if renewal.ships_free:
            events.order_note_added_event(order=order, user=None, message=(
                f"Ships with order #{renewal.ships_with}: shipping is charged there"))
        if subscription.billing == MONTHLY:
            return _invoice(subscription, renewal, order, calendar, today)
        amount = order.total.gross.amount
        attempt = next_attempt(
            renewal=renewal, amount=amount, currency=order.currency,
            key_parts=("renewal", subscription.pk, renewal.cycle))
        result = charge(subscription, attempt, [order], manager)
        attempt.status, attempt.klarna_order_id = result.status, result.klarna_order_id
        attempt.error = result.error
        attempt.save()
        if result.status != ChargeAttempt.CHARGED:
            return _failed(subscription, renewal, order, calendar, today, config,
                           result.status, result.error)
        record_payment(subscription, order, amount, result.klarna_order_id)
        _send_order_confirmation(order)
        renewal.status, renewal.retry_on, renewal.last_error = Renewal.PAID, None, ""
        renewal.save()
        subscription.deliveries_made += 1
        advance(subscription, calendar, today)
        subscription.save()
        return PAID


def _invoice(subscription, renewal, order, calendar, today):
    from .scheduling import month_start

    invoice, _ = MonthlyInvoice.objects.get_or_create(
        subscription=subscription, month=month_start(renewal.delivery_date),
        defaults={"currency": subscription.currency})
    renewal.status, renewal.invoice = Renewal.INVOICED, invoice
    renewal.save()
    _send_order_confirmation(order)
    subscription.deliveries_made += 1
    advance(subscription, calendar, today)
    subscription.save()
    return INVOICED


def _failed(subscription, renewal, order, calendar, today, config, status, error) -> str:
    _cancel_order(order)
    if status != ChargeAttempt.UNKNOWN:
        parcels.release(renewal)
    renewal.last_error = error[:255]
    if status == ChargeAttempt.HARD_DECLINED:
        renewal.status, renewal.retry_on = Renewal.DROPPED, None
        renewal.save()
        subscription.status = Subscription.PAYMENT_REQUIRED
        _token_cancelled(subscription)
        place_next(subscription, subscription.next_cycle + 1, calendar, today)
        subscription.save()
        notifications.payment_method_declined(subscription)
        return PAYMENT_REQUIRED
    if status == ChargeAttempt.UNKNOWN:
        # Klarna did not answer: try again at the next run with the same key
        renewal.status = Renewal.RETRYING
        renewal.save()
        return RETRYING
    renewal.failed_days += 1
    tomorrow = today + datetime.timedelta(days=1)
    after_next = _order_date_after(subscription, calendar)
    if renewal.failed_days > config.retry_days or tomorrow >= after_next:
        renewal.status, renewal.retry_on = Renewal.DROPPED, None
        renewal.save()
        advance(subscription, calendar, today)
        subscription.save()
        notifications.renewal_dropped(subscription, renewal)
        return DROPPED
    renewal.status, renewal.retry_on = Renewal.RETRYING, tomorrow
    renewal.save()
    subscription.due_on = tomorrow
    subscription.save()
    notifications.renewal_failed(subscription, renewal, tomorrow)
    return RETRYING


def _order_date_after(subscription, calendar) -> datetime.date:
    """Order date of the cycle after the current one: retries must end before it."""
    from . import scheduling

    steps = subscription.next_cycle + 1 - subscription.anchor_cycle
    delivery = scheduling.delivery_date(
        subscription.anchor_date, subscription.interval_object, steps, calendar)
    return calendar.order_date(delivery)


def _token_cancelled(subscription):
    from saleor_plugins.klarna.models import KlarnaCustomerToken

    if subscription.klarna_token_id:
        KlarnaCustomerToken.objects.filter(token_id=subscription.klarna_token_id).update(
            status=KlarnaCustomerToken.CANCELLED, cancelled_at=timezone.now())


# -- consolidated monthly billing --------------------------------------------------------


def due_invoice_ids(today: datetime.date):
    """Invoices of months that have ended, not paid yet (and due for a retry)."""
    from django.db.models import Q

    from .scheduling import month_start

    return list(MonthlyInvoice.objects.filter(
        Q(retry_on__isnull=True) | Q(retry_on__lte=today),
        month__lt=month_start(today),
        status__in=(MonthlyInvoice.OPEN, MonthlyInvoice.RETRYING),
    ).values_list("pk", flat=True))


def charge_invoice(invoice_pk: int, config, today: datetime.date) -> str:
    from .scheduling import month_start

    with notifications.after_success(), transaction.atomic():
        invoice = (MonthlyInvoice.objects.select_for_update(skip_locked=True)
                   .select_related("subscription__user").filter(pk=invoice_pk).first())
        if invoice is None:
            return LOCKED
        if invoice.status not in (MonthlyInvoice.OPEN, MonthlyInvoice.RETRYING) or \
                invoice.month >= month_start(today) or \
                (invoice.retry_on and invoice.retry_on > today):
            return NOT_DUE
        subscription = invoice.subscription
        orders = [r.order for r in invoice.renewals.select_related("order").order_by("cycle")
                  if r.order is not None]
        invoice.amount = sum((o.total.gross.amount for o in orders), Decimal(0))
        if not orders:
            invoice.status = MonthlyInvoice.PAID
            invoice.save()
            return PAID
        attempt = next_attempt(invoice=invoice, amount=invoice.amount,
                               currency=invoice.currency,
                               key_parts=("invoice", invoice.pk, invoice.month))
        result = charge(subscription, attempt, orders)
        attempt.status, attempt.klarna_order_id = result.status, result.klarna_order_id
        attempt.error = result.error
        attempt.save()
        if result.status == ChargeAttempt.CHARGED:
            for index, order in enumerate(orders):
                record_payment(subscription, order, order.total.gross.amount,
                               result.klarna_order_id, link_klarna=index == 0)
            invoice.renewals.update(status=Renewal.PAID)
            invoice.status, invoice.retry_on = MonthlyInvoice.PAID, None
            invoice.save()
            return PAID
        if result.status == ChargeAttempt.UNKNOWN:
            invoice.status = MonthlyInvoice.RETRYING
            invoice.save()
            return RETRYING
        invoice.failed_days += 1
        if result.status == ChargeAttempt.HARD_DECLINED or \
                invoice.failed_days > config.retry_days:
            invoice.status, invoice.retry_on = MonthlyInvoice.FAILED, None
            invoice.save()
            if result.status == ChargeAttempt.HARD_DECLINED:
                subscription.status = Subscription.PAYMENT_REQUIRED
                subscription.save(update_fields=["status"])
                _token_cancelled(subscription)
                notifications.payment_method_declined(subscription)
                return PAYMENT_REQUIRED
            notifications.invoice_failed(subscription, invoice)
            return DROPPED
        invoice.status = MonthlyInvoice.RETRYING
        invoice.retry_on = today + datetime.timedelta(days=1)
        invoice.save()
        notifications.invoice_failed(subscription, invoice, invoice.retry_on)
        return RETRYING


# -- reminders ---------------------------------------------------------------------------


def send_reminders(config, today: datetime.date) -> int:
    """E-mail every active subscription whose order is ``reminder_days`` away (once per
    cycle; paused subscriptions are not active, skipped cycles are no longer next)."""
    from saleor.plugins.manager import get_plugins_manager

    from .subscriptions import renewal_amount

    if not config.reminder_days:
        return 0
    day = today + datetime.timedelta(days=config.reminder_days)
    sent = 0
    manager = get_plugins_manager()
    candidates = Subscription.objects.filter(
        status=Subscription.ACTIVE, next_order_date=day).select_related(
            "user", "variant__product", "shipping_address", "billing_address")
    for subscription in candidates:
        with notifications.after_success(), transaction.atomic():
            updated = Subscription.objects.filter(
                pk=subscription.pk, reminded_cycle__lt=subscription.next_cycle,
                status=Subscription.ACTIVE,
            ).update(reminded_cycle=subscription.next_cycle)
            if not updated:
                continue
            amount = renewal_amount(subscription, manager)
            if amount <= 0:
                continue
            notifications.renewal_reminder(subscription, amount)
            sent += 1
    return sent


def now_local_today(config):
    from .scheduling import renewal_day

    return renewal_day(timezone.now(), config.time_zone, config.renewal_hour)
