"""Subscriptions: settings, prices, the schedule of one subscription, buying and managing.

Renewing (orders and charges) is in ``renewal``; pure date rules in ``scheduling``.
"""
import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from prices import TaxedMoney

from ..core import checkout_rows
from . import gateways, scheduling
from .gateways import DUMMY_GATEWAY, KLARNA_GATEWAY  # noqa: F401 (imported from here)
from .models import (
    FLOATING,
    MONTHLY,
    PER_DELIVERY,
    CheckoutSubscriptionLine,
    Holiday,
    Renewal,
    Subscription,
    SubscriptionPlan,
)

PLUGIN_ID = "saleor_plugins.subscription"
CENT = Decimal("0.01")


class SubscriptionError(ValueError):
    """A request that cannot be done; ``code`` is a SubscriptionErrorCode value."""

    def __init__(self, message, code="invalid", field=None):
        super().__init__(message)
        self.code = code
        self.field = field


# -- settings ----------------------------------------------------------------------------


def plugin(manager=None):
    if manager is None:
        from saleor.plugins.manager import get_plugins_manager

        manager = get_plugins_manager()
    return manager.get_plugin(PLUGIN_ID)


def delivery_calendar(config) -> scheduling.DeliveryCalendar:
    holidays = Holiday.objects.values_list("date", flat=True)
    return scheduling.DeliveryCalendar.build(
        config.closing_weekdays, frozenset(holidays), config.lead_time_days)


def today(config, now=None) -> datetime.date:
    return scheduling.local_today(now or timezone.now(), config.time_zone)


# -- prices ------------------------------------------------------------------------------


def percent_off(amount: Decimal, percent: Decimal) -> Decimal:
    return (amount * (Decimal(100) - Decimal(percent)) / 100).quantize(CENT, ROUND_HALF_UP)


def current_unit_price(variant) -> Optional[Decimal]:
    """The variant's price today, with Saleor's sales."""
    from saleor.discount.utils import fetch_discounts

    if variant is None:
        return None
    return variant.get_price(fetch_discounts(timezone.now())).amount


def renewal_unit_price(subscription: Subscription) -> Decimal:
    """Price rule of the plan (fixed: the first order's; floating: today's) less the
    later-order discount."""
    base = subscription.unit_price
    if subscription.pricing_mode == FLOATING:
        current = current_unit_price(subscription.variant)
        base = current if current is not None else base
    return percent_off(base, subscription.later_order_discount)


@dataclass
class RenewalPrices:
    unit: "TaxedMoney"
    shipping: "TaxedMoney"
    total: "TaxedMoney"

    @property
    def unit_tax_rate(self) -> Decimal:
        return tax_rate(self.unit)


def tax_rate(price) -> Decimal:
    """Saleor's order line rate (tax / net), 0 for free lines (Saleor itself divides 0/0)."""
    if not price.net.amount:
        return Decimal(0)
    return (price.tax.amount / price.net.amount).quantize(CENT, ROUND_HALF_UP)


def tax_country(subscription: Subscription) -> str:
    from django.conf import settings

    for address in (subscription.shipping_address, subscription.billing_address):
        code = getattr(getattr(address, "country", None), "code", None)
        if code:
            return code
    return settings.DEFAULT_COUNTRY


def renewal_prices(subscription: Subscription, manager=None,
                   with_shipping=True) -> RenewalPrices:
    """The next renewal's prices as Saleor's tax plugins price products and shipping:
    the stored prices are shop prices (gross or net as the site setting says), the tax
    plugin chain turns them into net and gross. Without a tax plugin net = gross.
    ``with_shipping=False``: the renewal ships in a sibling's parcel (see ``parcels``)."""
    from django_countries.fields import Country
    from prices import Money
    from saleor.core.taxes import quantize_price
    from saleor.plugins.manager import get_plugins_manager

    manager = manager or get_plugins_manager()
    currency = subscription.currency
    unit_price = Money(renewal_unit_price(subscription), currency)
    product = subscription.variant.product if subscription.variant else None
    if product is not None:
        unit = manager.apply_taxes_to_product(
            product, unit_price, Country(tax_country(subscription)))
    else:  # the variant is gone: nothing to ask the tax plugins about
        unit = TaxedMoney(net=unit_price, gross=unit_price)
    unit = quantize_price(unit, currency)
    if with_shipping:
        shipping = quantize_price(manager.apply_taxes_to_shipping(
            Money(subscription.shipping_price, currency), subscription.shipping_address),
            currency)
    else:
        shipping = TaxedMoney(net=Money(0, currency), gross=Money(0, currency))
    return RenewalPrices(unit, shipping, unit * subscription.quantity + shipping)


def renewal_amount(subscription: Subscription, manager=None) -> Decimal:
    """What the next renewal will charge at most (gross): its shipping is left out when
    a sibling renewal of the same parcel pays it, which is only known at renewal."""
    return renewal_prices(subscription, manager).total.gross.amount


def shop_price(price) -> Decimal:
    """A taxed price as the shop enters prices: gross if prices include taxes, else net."""
    from ..core.taxes import include_taxes

    return (price.gross if include_taxes() else price.net).amount


# -- schedule ----------------------------------------------------------------------------


def place_next(subscription: Subscription, cycle: int, calendar, earliest_order_date=None):
    """Set the subscription's next cycle to ``cycle`` or the first later one whose order
    date is not before ``earliest_order_date`` (missed cycles are not charged late)."""
    interval = subscription.interval_object
    anchor, base = subscription.anchor_date, subscription.anchor_cycle
    steps = cycle - base
    if earliest_order_date is not None:
        earliest_delivery = earliest_order_date + datetime.timedelta(days=calendar.lead_time_days)
        steps = scheduling.first_delivery_on_or_after(
            anchor, interval, steps, earliest_delivery, calendar)
    delivery = scheduling.delivery_date(anchor, interval, steps, calendar)
    subscription.next_cycle = base + steps
    subscription.next_delivery_date = delivery
    subscription.next_order_date = calendar.order_date(delivery)
    subscription.due_on = subscription.next_order_date
    subscription.calendar_key = calendar.key


def advance(subscription: Subscription, calendar, today_: datetime.date):
    """After a cycle is settled (paid, invoiced, dropped, skipped): the next one."""
    if subscription.deliveries_total and subscription.deliveries_made >= \
            subscription.deliveries_total:
        subscription.status = Subscription.COMPLETED
    # strictly after today: cycles that fall on the same day (or were missed) are not
    # delivered twice or charged late
    place_next(subscription, subscription.next_cycle + 1, calendar,
               today_ + datetime.timedelta(days=1))


def reanchor(subscription: Subscription, delivery: datetime.date, calendar):
    """The next delivery moves to ``delivery``; later ones follow from it."""
    subscription.anchor_date = delivery
    subscription.anchor_cycle = subscription.next_cycle
    place_next(subscription, subscription.next_cycle, calendar)


# -- buying ------------------------------------------------------------------------------


def plans_for_variant(variant):
    from django.db.models import Q

    return SubscriptionPlan.objects.filter(
        Q(variant=variant) | Q(product_id=variant.product_id, variant__isnull=True),
        is_active=True)


def mark_checkout_line(checkout, line, plan: Optional[SubscriptionPlan],
                       interval: Optional[str]) -> Optional[CheckoutSubscriptionLine]:
    """Buy a checkout line as a subscription (or one-off again with ``plan=None``)."""
    if plan is None:
        CheckoutSubscriptionLine.objects.filter(checkout_line=line).delete()
        return None
    if not checkout.user_id:
        raise SubscriptionError(_("Log in or create an account to subscribe."),
                                "subscription_login_required", "checkoutId")
    if not plans_for_variant(line.variant).filter(pk=plan.pk).exists():
        raise SubscriptionError(_("This product cannot be bought with this plan."),
                                "subscription_plan_not_offered", "planId")
    try:
        interval_code = scheduling.Interval.parse(interval).code
    except scheduling.ScheduleError:
        raise SubscriptionError(_("Choose one of the plan's intervals."),
                                "subscription_interval_not_offered", "interval")
    if interval_code not in plan.intervals:
        raise SubscriptionError(_("Choose one of the plan's intervals."),
                                "subscription_interval_not_offered", "interval")
    marked, _created = CheckoutSubscriptionLine.objects.update_or_create(
        checkout_line=line,
        defaults={"checkout_token": checkout.token, "plan": plan, "interval": interval_code})
    checkout_rows.forget(checkout.token)
    return marked


MARKED_LINES = "subscription_lines"
checkout_rows.register(MARKED_LINES, CheckoutSubscriptionLine)


def marked_lines(checkout_token):
    return list(CheckoutSubscriptionLine.objects.filter(checkout_token=checkout_token)
                .select_related("plan", "checkout_line__variant__product"))


def check_checkout(checkout, marked=None):
    """Before payment: a checkout with subscription lines needs an account and a payment
    method that can be charged again (``marked``: its ``marked_lines`` if read already)."""
    marked = marked_lines(checkout.token) if marked is None else marked
    if not marked:
        return
    from django.core.exceptions import ValidationError
    from saleor.checkout.error_codes import CheckoutErrorCode

    if not checkout.user_id:
        raise ValidationError(_("Log in or create an account to subscribe."),
                              code=CheckoutErrorCode.INVALID.value)
    payment = checkout.get_last_active_payment()
    if payment is not None and not gateways.pays_subscriptions(payment.gateway):
        raise ValidationError(_("Subscriptions can only be paid with Klarna."),
                              code=CheckoutErrorCode.INVALID.value)


def _copy_address(address):
    return address.get_copy() if address is not None else None


def _token_for(order) -> str:
    from saleor_plugins.klarna.models import KlarnaCustomerToken

    payment = order.payments.filter(is_active=True).order_by("-pk").first()
    if payment is None or payment.gateway != KLARNA_GATEWAY:
        return ""
    for raw in payment.transactions.filter(is_success=True).values_list(
            "gateway_response", flat=True):
        token = (raw or {}).get("customer_token")
        if token:
            return token
    token = KlarnaCustomerToken.objects.filter(
        user_id=order.user_id, status=KlarnaCustomerToken.ACTIVE).first()
    return token.token_id if token else ""


def create_from_order(order, config, billing=PER_DELIVERY, marked=None):
    """``order_created``: one subscription per subscription line of the order's checkout
    (``marked``: its ``marked_lines`` if read already)."""
    from saleor.discount.utils import fetch_discounts

    from ..core import order_checkout

    if not order.checkout_token or not order.user_id:
        return []
    marked = marked_lines(order.checkout_token) if marked is None else marked
    if not marked:
        return []
    payment = order.payments.filter(is_active=True).order_by("-pk").first()
    gateway = payment.gateway if payment else ""  # none: the first renewal asks for one
    token_id = _token_for(order)
    calendar = delivery_calendar(config)
    start = today(config)
    discounts = order_checkout.checkout_of(order)[1]
    if discounts is None:
        discounts = fetch_discounts(timezone.now())
    shipping_price = shop_price(order.shipping_price)  # the same for every line
    created = []
    for mark in marked:
        line = mark.checkout_line
        variant, plan = line.variant, mark.plan
        subscription = Subscription(
            user_id=order.user_id, variant=variant, product_name=variant.product.name,
            variant_name=variant.name, product_sku=variant.sku, quantity=line.quantity,
            plan=plan, interval=mark.interval, pricing_mode=plan.pricing_mode,
            later_order_discount=plan.later_order_discount, anchor_date=start,
            deliveries_total=plan.deliveries, deliveries_made=1,
            unit_price=variant.get_price(discounts).amount, currency=order.currency,
            shipping_method_id=order.shipping_method_id,
            shipping_method_name=order.shipping_method_name or "",
            shipping_price=shipping_price,
            shipping_address=_copy_address(order.shipping_address),
            billing_address=_copy_address(order.billing_address),
            gateway=gateway, klarna_token_id=token_id, billing=billing,
            first_order=order, language_code=order.language_code or "en",
            comment=order.customer_note or "",
        )
        if plan.deliveries == 1:
            subscription.status = Subscription.COMPLETED
        place_next(subscription, 1, calendar, start)
        subscription.save()
        Renewal.objects.create(subscription=subscription, cycle=0, delivery_date=start,
                               status=Renewal.PAID, order=order)
        created.append(subscription)
    CheckoutSubscriptionLine.objects.filter(checkout_token=order.checkout_token).delete()
    return created


# -- managing ----------------------------------------------------------------------------

OPEN_STATUSES = (Subscription.ACTIVE, Subscription.PAUSED, Subscription.PAYMENT_REQUIRED)


def _require_open(subscription):
    if subscription.status not in OPEN_STATUSES:
        raise SubscriptionError(_("This subscription has ended."), "subscription_ended")


def _require_no_renewal_in_progress(subscription):
    if Renewal.objects.filter(subscription=subscription, cycle=subscription.next_cycle,
                              status__in=(Renewal.PENDING, Renewal.RETRYING)).exists():
        raise SubscriptionError(
            _("The next delivery is being charged; change it after that."),
            "subscription_renewal_in_progress")


def pause(subscription, until: datetime.date, config):
    _require_open(subscription)
    if subscription.status == Subscription.PAYMENT_REQUIRED:
        # the status is what says a new payment method is needed: PAUSED would hide it
        raise SubscriptionError(
            _("Your payment method was declined. Update the payment method before pausing."),
            "subscription_payment_required")
    if until <= today(config):
        raise SubscriptionError(_("Pause until a date in the future."), "invalid", "until")
    _require_no_renewal_in_progress(subscription)
    subscription.status = Subscription.PAUSED
    subscription.paused_until = until
    place_next(subscription, subscription.next_cycle, delivery_calendar(config), until)
    subscription.save()


def resume(subscription, config):
    from saleor_plugins.klarna.models import KlarnaCustomerToken

    _require_open(subscription)
    if subscription.status == Subscription.PAYMENT_REQUIRED or not has_usable_token(
            subscription):
        # a new token from a later Klarna purchase replaces the declined (or cancelled) one
        token = KlarnaCustomerToken.objects.filter(
            user_id=subscription.user_id, status=KlarnaCustomerToken.ACTIVE,
        ).exclude(token_id=subscription.klarna_token_id).first()
        if token is None:
            raise SubscriptionError(
                _("Your payment method was declined. Update the payment method to resume."),
                "subscription_payment_required")
        subscription.klarna_token_id = token.token_id
    subscription.status = Subscription.ACTIVE
    subscription.paused_until = None
    place_next(subscription, first_unsettled_cycle(subscription), delivery_calendar(config),
               today(config))
    subscription.save()


def has_usable_token(subscription) -> bool:
    """False when the subscription's Klarna token is known to be cancelled (e.g. by
    another subscription's hard decline on the same token while this one was paused)."""
    from saleor_plugins.klarna.models import KlarnaCustomerToken

    if subscription.gateway != KLARNA_GATEWAY:
        return True
    if not subscription.klarna_token_id:
        return False
    return not KlarnaCustomerToken.objects.filter(
        token_id=subscription.klarna_token_id).exclude(
        status=KlarnaCustomerToken.ACTIVE).exists()


def first_unsettled_cycle(subscription) -> int:
    """The cycle after the last one paid, dropped or skipped (a pause moved past others)."""
    from django.db.models import Max

    last = Renewal.objects.filter(subscription=subscription).aggregate(Max("cycle"))
    return (last["cycle__max"] or 0) + 1


def skip_next(subscription, config):
    _require_open(subscription)
    _require_no_renewal_in_progress(subscription)
    calendar = delivery_calendar(config)
    Renewal.objects.get_or_create(
        subscription=subscription, cycle=subscription.next_cycle,
        defaults={"delivery_date": subscription.next_delivery_date, "status": Renewal.SKIPPED})
    place_next(subscription, subscription.next_cycle + 1, calendar, today(config))
    subscription.save()


def cancel(subscription):
    _require_open(subscription)
    subscription.status = Subscription.CANCELLED
    subscription.cancelled_at = timezone.now()
    subscription.save()


def change(subscription, config, *, plan=None, interval=None, quantity=None,
           next_delivery_date=None, shipping_address=None, shipping_method=None,
           comment=None, billing=None):
    """Change what and when; ``None`` leaves a field as it is (the plan's terms: ``terms``,
    the shipping method: ``shipping_methods``)."""
    from . import shipping_methods, terms

    if comment is not None:
        if len(comment) > 2000:
            raise SubscriptionError(_("A comment has at most 2000 characters."), "invalid",
                                    "comment")
        subscription.comment = comment.strip()
    schedule_change = any(v is not None for v in (plan, interval, quantity, next_delivery_date,
                                                  shipping_address, shipping_method, billing))
    if schedule_change:
        _require_open(subscription)
        _require_no_renewal_in_progress(subscription)
    calendar = delivery_calendar(config)
    if quantity is not None:
        if not 1 <= quantity <= 1000:
            raise SubscriptionError(_("Quantity must be between 1 and 1000."), "invalid",
                                    "quantity")
        subscription.quantity = quantity
    if plan is not None:
        if subscription.variant is None or not plans_for_variant(subscription.variant).filter(
                pk=plan.pk).exists():
            raise SubscriptionError(_("This product cannot be bought with this plan."),
                                    "subscription_plan_not_offered", "planId")
        terms.switch_plan(subscription, plan)
    if interval is not None or plan is not None:
        code = interval or subscription.interval
        try:
            code = scheduling.Interval.parse(code).code
        except scheduling.ScheduleError:
            code = None
        offered = subscription.plan.intervals if subscription.plan else []
        if code not in offered:
            raise SubscriptionError(_("Choose one of the plan's intervals."),
                                    "subscription_interval_not_offered", "interval")
        if code != subscription.interval:
            subscription.interval = code
            reanchor(subscription, next_delivery_date or subscription.next_delivery_date,
                     calendar)
    if billing is not None:
        subscription.billing = billing
    if next_delivery_date is not None:
        earliest = today(config) + datetime.timedelta(days=calendar.lead_time_days + 1)
        if next_delivery_date < earliest:
            raise SubscriptionError(
                _("The next delivery can be %(date)s at the earliest.") % {"date": earliest},
                "subscription_date_too_early", "nextDeliveryDate")
        if not calendar.is_open(next_delivery_date):
            raise SubscriptionError(_("The shop does not deliver on that day."),
                                    "subscription_date_closed", "nextDeliveryDate")
        reanchor(subscription, next_delivery_date, calendar)
    if shipping_address is not None or shipping_method is not None:
        shipping_methods.check(subscription, shipping_address or subscription.shipping_address,
                               shipping_method)
    if shipping_address is not None:
        shipping_address.save()
        subscription.shipping_address = shipping_address
    subscription.save()
    return subscription

