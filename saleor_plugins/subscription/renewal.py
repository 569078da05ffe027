"""Renewing subscriptions: the cycle's Saleor order, the charge, retries.

Exactly once per subscription and cycle:
- one run per subscription at a time (``locks.subscription_run``: a second worker moves
  on), each step in a transaction holding the subscription's row, and ``Renewal`` unique
  per (subscription, cycle); one Saleor order per cycle, kept through the retries;
- the charge (``charges``) is stored with its idempotency key and body before Klarna is
  called. A charge whose outcome is not known (no answer, a crash) is sent again with the
  same key and body, at most ``charges.UNANSWERED_SENDS_LIMIT`` times; a new attempt (new
  key) only follows a known decline.
Consolidated monthly billing is in ``invoices``.
"""
import datetime
import logging
from dataclasses import dataclass
from typing import Optional

from django.db import transaction
from django.utils import timezone

from . import charges, notifications, parcels, replan
from .charges import ChargeResult, idempotency_key, klarna_config  # noqa: F401 (API)
from .locks import subscription_run
from .models import MONTHLY, ChargeAttempt, MonthlyInvoice, Renewal, Subscription
from .subscriptions import advance, delivery_calendar, place_next, renewal_prices

logger = logging.getLogger(__name__)
record_payment = charges.record_payment  # looked up here when called (tests replace it)

# what renew() did, for tasks, tests and the benchmark
PAID, INVOICED, RETRYING, DROPPED, PAYMENT_REQUIRED, UNRESOLVED = (
    "paid", "invoiced", "retrying", "dropped", "payment_required", "unresolved")
LOCKED, NOT_DUE, RESUMED = "locked", "not_due", "resumed"
ORDER_CANCELLED = "order_cancelled"
NO_ANSWER = "klarna_no_answer"


def due_subscription_ids(today: datetime.date, limit: Optional[int] = None):
    """Subscriptions whose order (or retry) is due, and paused ones whose pause ended."""
    from django.db.models import Q

    ids = Subscription.objects.filter(
        Q(status=Subscription.ACTIVE, due_on__lte=today)
        | Q(status=Subscription.PAUSED, paused_until__lte=today)
    ).order_by("due_on", "pk").values_list("pk", flat=True)
    return list(ids[:limit] if limit else ids)


def locked_subscription(subscription_pk: int) -> Optional[Subscription]:
    return (Subscription.objects.select_for_update(of=("self",))
            .select_related("user", "variant__product", "shipping_address", "billing_address")
            .filter(pk=subscription_pk).first())


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


def _announce(subscription, renewal, order):
    from saleor.order import events
    from saleor.order.actions import order_created

    order_created(order, subscription.user)
    events.order_note_added_event(order=order, user=None, message=(
        f"Renewal {renewal.cycle} of subscription #{subscription.pk}, "
        f"delivery {renewal.delivery_date.isoformat()}"))
    if renewal.ships_free:
        events.order_note_added_event(order=order, user=None, message=(
            f"Ships with order #{renewal.ships_with}: shipping is charged there"))


def _send_order_confirmation(order):
    from saleor.order.emails import send_order_confirmation

    notifications.later(lambda: send_order_confirmation.delay(order.pk, "", order.user_id))


def _drop_order(renewal, order):
    """The cycle is not delivered: its order is cancelled, its parcel freed."""
    from saleor.order import OrderStatus
    from saleor.order.actions import cancel_order

    if order is not None and order.status != OrderStatus.CANCELED:
        cancel_order(order, None)
    parcels.release(renewal)


# -- one renewal -------------------------------------------------------------------------


@dataclass
class Send:
    """A stored attempt to send to Klarna between a run's two transactions."""

    attempt: ChargeAttempt
    manager: object = None


def renew(subscription_pk: int, config, today: datetime.date, force=False) -> str:
    """Renew one subscription if it is due (``force``: staff's "renew now")."""
    with subscription_run(subscription_pk) as held:
        if not held:
            return LOCKED
        with notifications.after_success():
            with transaction.atomic():
                step = _prepare(subscription_pk, config, today, force)
            if not isinstance(step, Send):
                return step
            result = charges.send(step.attempt, step.manager)
            with transaction.atomic():
                subscription = locked_subscription(subscription_pk)
                attempt = (ChargeAttempt.objects.select_for_update(of=("self",))
                           .select_related("renewal").filter(pk=step.attempt.pk).first())
                if subscription is None or attempt is None or attempt.status not in (
                        ChargeAttempt.STARTED, ChargeAttempt.UNKNOWN):
                    return NOT_DUE
                return _settle(subscription, attempt.renewal, attempt, result,
                               delivery_calendar(config), today, config)


def _prepare(subscription_pk, config, today, force):
    """The run's first transaction: the cycle's order and the attempt to send (stored), or
    what the run did when there is nothing to send."""
    from saleor.core.exceptions import InsufficientStock
    from saleor.order import OrderStatus
    from saleor.plugins.manager import get_plugins_manager

    subscription = locked_subscription(subscription_pk)
    if subscription is None:
        return NOT_DUE
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
    attempt = charges.unsettled_attempt(renewal)
    if attempt is not None:  # outcome not known: ask again with the same key and body
        attempt.sends += 1
        attempt.save(update_fields=["sends"])
        return Send(attempt, manager)
    order = renewal.order
    if order is not None and order.status == OrderStatus.CANCELED:
        order = None  # a declined try's: the retry makes the cycle's order again
    if order is None:
        try:
            with transaction.atomic():
                order = create_renewal_order(subscription, renewal, manager)
                renewal.save()
        except InsufficientStock:
            renewal.refresh_from_db()
            return _failed(subscription, renewal, None, calendar, today, config,
                           ChargeAttempt.DECLINED, "out_of_stock")
        _announce(subscription, renewal, order)
        if subscription.billing == MONTHLY:
            return _invoice(subscription, renewal, order, calendar, today)
    attempt, result = charges.new_attempt(
        subscription, [order], renewal=renewal, manager=manager,
        key_parts=("renewal", subscription.pk, renewal.cycle))
    if result is not None:  # nothing to send: the dummy gateway, or no payment method
        return _settle(subscription, renewal, attempt, result, calendar, today, config)
    attempt.sends = 1
    attempt.save(update_fields=["sends"])
    return Send(attempt, manager)


def _settle(subscription, renewal, attempt, result, calendar, today, config) -> str:
    from saleor.order.models import Order

    charges.store(attempt, result)
    order = Order.objects.filter(pk__in=attempt.order_ids[:1]).first() or renewal.order
    if result.status == ChargeAttempt.CHARGED:
        record_payment(subscription, order, attempt.amount, attempt.klarna_order_id)
        _send_order_confirmation(order)
        renewal.order = order
        renewal.status, renewal.retry_on, renewal.last_error = Renewal.PAID, None, ""
        renewal.save()
        subscription.deliveries_made += 1
        _next_cycle(subscription, renewal, calendar, today)
        return PAID
    if result.status == ChargeAttempt.UNKNOWN:
        if charges.gave_up(attempt):
            return _unresolved(subscription, renewal, attempt, calendar, today)
        renewal.status, renewal.last_error = Renewal.RETRYING, result.error[:255]
        renewal.save()  # due as it is: the next run asks Klarna again
        return RETRYING
    return _failed(subscription, renewal, order, calendar, today, config, result.status,
                   result.error)


def _next_cycle(subscription, renewal, calendar, today):
    # a cancellation (or a new schedule) between the run's transactions stays as it is
    if subscription.status == Subscription.ACTIVE and subscription.next_cycle == renewal.cycle:
        advance(subscription, calendar, today)
    subscription.save()


def _unresolved(subscription, renewal, attempt, calendar, today) -> str:
    """Klarna never answered: the charge may have been taken, so the cycle is never charged
    again; its order stays as it is for staff to settle after a look in Klarna."""
    from saleor.order import events

    logger.error("Subscription %s cycle %s: no answer from Klarna after %s sends of key %s",
                 subscription.pk, renewal.cycle, attempt.sends, attempt.idempotency_key)
    renewal.status, renewal.retry_on, renewal.last_error = Renewal.UNRESOLVED, None, NO_ANSWER
    renewal.save()
    if renewal.order is not None:
        events.order_note_added_event(order=renewal.order, user=None, message=(
            f"Klarna did not answer the charge of this renewal ({attempt.sends} tries, "
            f"idempotency key {attempt.idempotency_key}), so it may have been taken. Look up "
            f"Klarna's order with merchant reference subscription-{subscription.pk} "
            f"before shipping or cancelling."))
    _next_cycle(subscription, renewal, calendar, today)
    return UNRESOLVED


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
    """A known failure: nothing was charged, so the order is cancelled (a retry makes the
    cycle's order again, priced again: its parcel's shipping may have moved to a sibling)."""
    _drop_order(renewal, order)
    renewal.last_error = error[:255]
    if status == ChargeAttempt.HARD_DECLINED:
        renewal.status, renewal.retry_on = Renewal.DROPPED, None
        renewal.save()
        subscription.status = Subscription.PAYMENT_REQUIRED
        if error != charges.NO_PAYMENT_METHOD:
            token_cancelled(subscription)
        place_next(subscription, subscription.next_cycle + 1, calendar, today)
        subscription.save()
        notifications.payment_method_declined(subscription)
        return PAYMENT_REQUIRED
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


def token_cancelled(subscription):
    from saleor_plugins.klarna.models import KlarnaCustomerToken

    if subscription.klarna_token_id:
        KlarnaCustomerToken.objects.filter(token_id=subscription.klarna_token_id).update(
            status=KlarnaCustomerToken.CANCELLED, cancelled_at=timezone.now())


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
