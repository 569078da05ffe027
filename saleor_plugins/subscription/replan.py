"""Re-planning after the delivery calendar changed (holidays, closing weekdays, lead time).

Every subscription keeps the ``DeliveryCalendar.key`` its next delivery was planned with;
after a change the open subscriptions with another key are stale. ``replan`` plans their
next delivery again: the same cycle, stepped from the anchor and moved past closed days,
ordered the lead time before. A change that would put the order day in the past (a
holiday deleted, a longer lead time) delivers on the first open day the lead time still
allows instead, so no delivery is lost. Running it twice changes nothing.

It runs as a task after each holiday change and ``pluginUpdate``, at the start of every
hourly renewal run (a lost task is caught up) and, through ``calendar_for_renewal``, for
the subscription a renewal is about to renew. Rows are locked a batch at a time and the
calendar is read after the locks are held: a renewal renewing one of them at the same
moment is waited for and what it planned is planned again, or it sees the new calendar.

Not moved: renewal orders already created and deliveries being charged (a retry keeps its
day). An order whose delivery day became closed gets one staff note on the order.
"""
import datetime
import logging

from django.db import transaction
from django.utils.translation import gettext as _

from . import scheduling
from .models import Holiday, Renewal, Subscription
from .subscriptions import OPEN_STATUSES, delivery_calendar

logger = logging.getLogger(__name__)

BATCH = 200
BEING_CHARGED = (Renewal.PENDING, Renewal.RETRYING)
ORDERED = (Renewal.PENDING, Renewal.RETRYING, Renewal.PAID, Renewal.INVOICED, Renewal.UNRESOLVED)


def current_calendar() -> scheduling.DeliveryCalendar:
    """The calendar as stored now: the configuration row itself, not a manager's copy
    (one manager may have read it before a ``pluginUpdate`` in the same request)."""
    from saleor.plugins.models import PluginConfiguration

    from .plugin import SubscriptionPlugin

    row = PluginConfiguration.objects.filter(identifier=SubscriptionPlugin.PLUGIN_ID).first()
    stored = SubscriptionPlugin(
        configuration=row.configuration if row else SubscriptionPlugin.DEFAULT_CONFIGURATION,
        active=row.active if row else False)
    return delivery_calendar(stored.config)


def request():
    """Re-plan soon (a task after the commit); if the broker is down, the next hourly
    renewal run does it."""
    from .tasks import replan_subscriptions

    try:
        replan_subscriptions.delay()
    except Exception:  # noqa: BLE001 (any broker error: the hourly run catches up)
        logger.exception("Could not queue the subscription re-plan")


def replan(today: datetime.date, notes=False) -> int:
    """Re-plan every stale open subscription; returns how many got other dates.
    ``notes``: note orders on closed days even if no subscription is stale."""
    calendar = current_calendar()
    stale = list(Subscription.objects.filter(status__in=OPEN_STATUSES)
                 .exclude(calendar_key=calendar.key).order_by("pk")
                 .values_list("pk", flat=True))
    if stale or notes:
        note_orders_on_closed_days(calendar, today)
    moved = 0
    for start in range(0, len(stale), BATCH):
        moved += _replan_batch(stale[start:start + BATCH], today)
    return moved


def _replan_batch(pks, today) -> int:
    with transaction.atomic():
        rows = list(Subscription.objects.select_for_update(of=("self",))
                    .filter(pk__in=pks, status__in=OPEN_STATUSES).order_by("pk"))
        calendar = current_calendar()  # after the locks: no renewal holds an older one
        charging = set(Renewal.objects.filter(subscription_id__in=pks, status__in=BEING_CHARGED)
                       .values_list("subscription_id", "cycle"))
        moved, unchanged = 0, []
        for subscription in rows:
            if subscription.calendar_key == calendar.key or \
                    (subscription.pk, subscription.next_cycle) in charging:
                continue
            try:
                changed = _plan(subscription, calendar, today)
            except scheduling.ScheduleError as error:  # closed for months: left stale
                logger.error("Re-planning subscription %s: %s", subscription.pk, error)
                continue
            if changed:
                subscription.save(update_fields=PLANNED_FIELDS)
                moved += 1
            else:
                unchanged.append(subscription.pk)
        # most keep their dates (e.g. a holiday far ahead): one update for all of them
        Subscription.objects.filter(pk__in=unchanged).update(calendar_key=calendar.key)
        return moved


PLANNED_FIELDS = ["next_delivery_date", "next_order_date", "due_on", "calendar_key"]


def replan_locked(subscription: Subscription, calendar, today: datetime.date) -> bool:
    """Plan the next delivery of a subscription whose row the caller locked."""
    moved = _plan(subscription, calendar, today)
    subscription.save(update_fields=PLANNED_FIELDS)
    return moved


def _plan(subscription: Subscription, calendar, today: datetime.date) -> bool:
    """Set the next delivery's dates by ``calendar``; True if they changed."""
    steps = subscription.next_cycle - subscription.anchor_cycle
    delivery = scheduling.delivery_date(subscription.anchor_date, subscription.interval_object,
                                        steps, calendar)
    order = calendar.order_date(delivery)
    earliest = today
    if subscription.status == Subscription.PAUSED and subscription.paused_until:
        earliest = max(earliest, subscription.paused_until)
    if order < earliest and order < subscription.next_order_date:
        delivery = calendar.next_open_day(
            earliest + datetime.timedelta(days=calendar.lead_time_days))
        order = calendar.order_date(delivery)
    moved = (delivery, order, order) != (subscription.next_delivery_date,
                                         subscription.next_order_date, subscription.due_on)
    subscription.next_delivery_date = delivery
    subscription.next_order_date = subscription.due_on = order
    subscription.calendar_key = calendar.key
    return moved


def calendar_for_renewal(subscription: Subscription, config, today: datetime.date):
    """The calendar to renew the locked ``subscription`` with; a subscription planned
    with another calendar is re-planned first (its renewal may no longer be due)."""
    calendar = delivery_calendar(config)
    if subscription.calendar_key == calendar.key:
        return calendar
    calendar = current_calendar()  # ``config`` may predate a pluginUpdate
    if subscription.calendar_key != calendar.key and \
            subscription.status in OPEN_STATUSES and not Renewal.objects.filter(
                subscription=subscription, cycle=subscription.next_cycle,
                status__in=BEING_CHARGED).exists():
        replan_locked(subscription, calendar, today)
    return calendar


def note_orders_on_closed_days(calendar, today: datetime.date) -> int:
    """One staff note on each renewal order whose delivery day (today or later) is now
    closed: the order was made before the change and is not moved."""
    from saleor.order import OrderStatus

    candidates = (Renewal.objects.filter(delivery_date__gte=today, order__isnull=False,
                                         status__in=ORDERED, closed_day_noted=False)
                  .exclude(order__status=OrderStatus.CANCELED)
                  .values_list("pk", "delivery_date"))
    closed = [pk for pk, day in candidates if not calendar.is_open(day)]
    for pk in closed:
        _note(pk, calendar)
    return len(closed)


def _note(renewal_pk, calendar):
    from saleor.order import events

    with transaction.atomic():
        renewal = (Renewal.objects.select_for_update(of=("self",)).select_related("order")
                   .filter(pk=renewal_pk, closed_day_noted=False).first())
        if renewal is None:
            return
        day = renewal.delivery_date
        holiday = Holiday.objects.filter(date=day).first()
        if holiday is not None:
            reason = holiday.name or _("a holiday")
        else:
            reason = _("a closing day")
        events.order_note_added_event(order=renewal.order, user=None, message=_(
            "The delivery day %(date)s is now closed (%(reason)s). This renewal order was "
            "made before and was not moved: agree the delivery with the customer.") % {
            "date": day.isoformat(), "reason": reason})
        renewal.closed_day_noted = True
        renewal.save(update_fields=["closed_day_noted", "updated_at"])
