"""The merchant digest: once a shop day, to the configured staff address, the renewal orders
and the picking list of the delivery day ``digest_days_ahead`` days later, so the shop knows
early what to order in and pack. In the shop's language (``LANGUAGE_CODE``)."""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation

from . import reports
from .models import MerchantDigest, Renewal

TEMPLATE = "saleor_plugins/subscription/digest"
OFF, SENT, ALREADY_SENT = "off", "sent", "already sent"


@dataclass
class DigestOrder:
    subscription_id: int
    customer: str
    product: str
    quantity: int
    amount: Decimal
    currency: str
    order_date: datetime.date
    order_number: int = None  # None: not ordered yet


def renewal_orders(day: datetime.date, today: datetime.date, config) -> list:
    """Renewals delivered on ``day``: the orders already made (a lead time) and those the
    schedule will make by then."""
    made = (Renewal.objects.filter(delivery_date=day, order__isnull=False)
            .exclude(status__in=(Renewal.DROPPED, Renewal.SKIPPED))
            .select_related("order", "subscription__user"))
    orders = [DigestOrder(
        r.subscription_id, r.subscription.user.email, r.subscription.product_name,
        r.subscription.quantity, r.order.total_gross_amount, r.order.currency,
        r.order.created.date(), r.order.pk) for r in made]
    ordered = {(r.subscription_id, r.cycle) for r in made}
    for entry in reports.forecast(today, day, config):
        if entry.delivery_date == day and (entry.subscription.pk, entry.cycle) not in ordered:
            sub = entry.subscription
            orders.append(DigestOrder(sub.pk, sub.user.email, sub.product_name, sub.quantity,
                                      entry.amount, sub.currency, entry.order_date))
    return sorted(orders, key=lambda o: (o.order_date, o.subscription_id))


def send_digest(config, today: datetime.date) -> str:
    """Send ``today``'s digest unless it went out already. The day's row is inserted first
    and the e-mail sent before it commits: a concurrent run waits on the unique day and then
    finds it taken; a failed send rolls the row back, so the next hourly run tries again."""
    recipient = (config.digest_email or "").strip()
    if not recipient:
        return OFF
    day = today + datetime.timedelta(days=config.digest_days_ahead)
    if MerchantDigest.objects.filter(sent_on=today).exists():
        return ALREADY_SENT
    try:
        with transaction.atomic():
            MerchantDigest.objects.create(sent_on=today, delivery_date=day, recipient=recipient)
            _send(recipient, day, renewal_orders(day, today, config),
                  reports.picking_list(day, config), staff_page_url(config))
    except IntegrityError:
        return ALREADY_SENT
    return SENT


def staff_page_url(config) -> str:
    """The subscriptions staff page (picking list, PDF and CSV), absolute."""
    from django.urls import reverse

    from .notifications import public_base_url

    return public_base_url(config) + reverse("staff-subscriptions")


def _send(recipient, day, orders, customers, staff_url):
    from saleor.core.emails import get_email_context
    from templated_email import send_templated_mail

    send_kwargs, context = get_email_context()
    totals = {}
    for order in orders:
        totals[order.currency] = totals.get(order.currency, Decimal(0)) + order.amount
    context.update(day=day, orders=orders, customers=customers, staff_url=staff_url,
                   totals=sorted(totals.items()), language_code=settings.LANGUAGE_CODE)
    with translation.override(settings.LANGUAGE_CODE):
        send_templated_mail(template_name=TEMPLATE, recipient_list=[recipient],
                            context=context, **send_kwargs)
