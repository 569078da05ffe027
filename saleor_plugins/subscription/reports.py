"""Staff reports: the upcoming orders forecast and picking lists (data, CSV, PDF)."""
import datetime
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import List

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from ..core.spreadsheet import csv_bytes
from . import parcels, scheduling
from .models import Renewal, Subscription
from .subscriptions import delivery_calendar, renewal_prices

MAX_FORECAST_ENTRIES = 5000


@dataclass
class ForecastEntry:
    order_date: datetime.date
    delivery_date: datetime.date
    cycle: int
    subscription: Subscription
    amount: Decimal


def forecast(start: datetime.date, end: datetime.date, config) -> List[ForecastEntry]:
    """Renewal orders the schedule will create between ``start`` and ``end`` (order dates),
    with each parcel's shipping once (see ``shipping_once_per_parcel``)."""
    from saleor.plugins.manager import get_plugins_manager

    calendar = delivery_calendar(config)
    entries = []
    subscriptions = Subscription.objects.filter(
        Q(status=Subscription.ACTIVE)
        | Q(status=Subscription.PAUSED, paused_until__lte=end)
    ).select_related("user", "variant__product", "shipping_address",
                       "billing_address")
    skipped = set(Renewal.objects.filter(
        status=Renewal.SKIPPED, subscription__in=subscriptions,
    ).values_list("subscription_id", "cycle"))
    manager = get_plugins_manager()
    shipping = {}
    for subscription in subscriptions:
        prices = renewal_prices(subscription, manager)
        amount = prices.total.gross.amount
        shipping[subscription.pk] = prices.shipping.gross.amount
        interval = subscription.interval_object
        cycle = subscription.next_cycle
        remaining = None
        if subscription.deliveries_total:
            remaining = subscription.deliveries_total - subscription.deliveries_made
        while remaining is None or remaining > 0:
            if cycle == subscription.next_cycle:  # as planned (replan may have moved it)
                delivery = subscription.next_delivery_date
                order_date = max(subscription.next_order_date, subscription.due_on)
            else:
                delivery = scheduling.delivery_date(subscription.anchor_date, interval,
                                                    cycle - subscription.anchor_cycle, calendar)
                order_date = calendar.order_date(delivery)
            if order_date > end:
                break
            paused = subscription.paused_until and order_date < subscription.paused_until
            if order_date >= start and not paused and (subscription.pk, cycle) not in skipped:
                entries.append(ForecastEntry(order_date, delivery, cycle, subscription, amount))
                if len(entries) >= MAX_FORECAST_ENTRIES:
                    return shipping_once_per_parcel(entries, shipping)
            if not paused and (subscription.pk, cycle) not in skipped and remaining is not None:
                remaining -= 1
            cycle += 1
    return shipping_once_per_parcel(entries, shipping)


def shipping_once_per_parcel(entries, shipping) -> List[ForecastEntry]:
    """Sorted entries; a parcel's shipping stays on the renewal that already claimed it,
    else on its first entry (what the renewal job does when every charge succeeds)."""
    entries = sorted(entries, key=lambda e: (e.order_date, e.subscription.pk))
    keys = [parcels.parcel_of(e.subscription, e.delivery_date) for e in entries]
    paid_by = parcels.payers(keys)
    seen = set()
    for entry, key in zip(entries, keys):
        payer = paid_by.get(key)
        if (payer is not None and payer != entry.subscription.pk) or (
                payer is None and key in seen):
            entry.amount -= shipping[entry.subscription.pk]
        seen.add(key)
    return entries


@dataclass
class PickingItem:
    sku: str
    name: str
    quantity: int
    sources: List[str] = field(default_factory=list)


@dataclass
class PickingCustomer:
    name: str
    email: str
    address: str
    items: "OrderedDict[tuple, PickingItem]" = field(default_factory=OrderedDict)
    comments: List[str] = field(default_factory=list)

    def add(self, sku, name, quantity, source):
        item = self.items.get((sku, name))
        if item is None:
            item = self.items[(sku, name)] = PickingItem(sku, name, 0)
        item.quantity += quantity
        if source not in item.sources:
            item.sources.append(source)

    def comment(self, text):
        text = (text or "").strip()
        if text and text not in self.comments:
            self.comments.append(text)


def _address_text(address) -> str:
    if address is None:
        return ""
    parts = [f"{address.first_name} {address.last_name}".strip(), address.street_address_1,
             address.street_address_2, f"{address.postal_code} {address.city}".strip(),
             getattr(address.country, "code", "")]
    return ", ".join(p for p in parts if p)


def _customer(customers, key, name, email, address) -> PickingCustomer:
    if key not in customers:
        customers[key] = PickingCustomer(name=name, email=email, address=_address_text(address))
    return customers[key]


def _name_of(user, address, email):
    if user is not None and (user.first_name or user.last_name):
        return f"{user.first_name} {user.last_name}".strip()
    if address is not None:
        return f"{address.first_name} {address.last_name}".strip() or email
    return email


def _line_name(product_name, variant_name):
    if variant_name and variant_name != product_name:
        return f"{product_name} ({variant_name})"
    return product_name


def picking_list(day: datetime.date, config) -> List[PickingCustomer]:
    """Everything to pick for deliveries on ``day``, per customer: one-off orders, the
    subscriptions' renewal orders and renewals not ordered yet, with customers' notes."""
    from saleor.order import OrderStatus
    from saleor.order.models import Order

    calendar = delivery_calendar(config)
    customers: "OrderedDict[str, PickingCustomer]" = OrderedDict()
    renewals = (Renewal.objects.filter(delivery_date=day, order__isnull=False,
                                       status__in=(Renewal.PAID, Renewal.INVOICED))
                .exclude(order__status=OrderStatus.CANCELED)
                .select_related("order__user", "order__shipping_address", "subscription"))
    ordered_cycles = set()
    for renewal in renewals:
        order = renewal.order
        ordered_cycles.add((renewal.subscription_id, renewal.cycle))
        customer = _customer(customers, order.user_email, _name_of(
            order.user, order.shipping_address, order.user_email), order.user_email,
            order.shipping_address)
        for line in order.lines.all():
            customer.add(line.product_sku, _line_name(line.product_name, line.variant_name),
                         line.quantity, f"subscription #{renewal.subscription_id}")
        customer.comment(renewal.subscription.comment)
    planned = Subscription.objects.filter(
        status=Subscription.ACTIVE, next_delivery_date=day).select_related(
        "user", "shipping_address")
    for subscription in planned:
        if (subscription.pk, subscription.next_cycle) in ordered_cycles:
            continue
        email = subscription.user.email
        customer = _customer(customers, email, _name_of(
            subscription.user, subscription.shipping_address, email), email,
            subscription.shipping_address)
        customer.add(subscription.product_sku, _line_name(
            subscription.product_name, subscription.variant_name), subscription.quantity,
            f"subscription #{subscription.pk}")
        customer.comment(subscription.comment)
    # one-off orders: open, not created by a renewal, delivered on the first open day
    # after the lead time
    renewal_orders = Renewal.objects.filter(order__isnull=False, cycle__gt=0).values("order_id")
    window_start = timezone.now() - datetime.timedelta(days=calendar.lead_time_days + 90)
    one_off = (Order.objects.filter(
        status__in=(OrderStatus.UNFULFILLED, OrderStatus.PARTIALLY_FULFILLED),
        created__gte=window_start)
        .exclude(pk__in=renewal_orders)
        .select_related("user", "shipping_address").prefetch_related("lines"))
    for order in one_off:
        created = scheduling.local_today(order.created, config.time_zone)
        expected = calendar.next_open_day(
            created + datetime.timedelta(days=calendar.lead_time_days))
        if expected != day:
            continue
        customer = _customer(customers, order.user_email, _name_of(
            order.user, order.shipping_address, order.user_email), order.user_email,
            order.shipping_address)
        for line in order.lines.all():
            customer.add(line.product_sku, _line_name(line.product_name, line.variant_name),
                         line.quantity, f"order #{order.pk}")
        customer.comment(order.customer_note)
    return sorted(customers.values(), key=lambda c: (c.name.lower(), c.email))


def picking_list_csv(day: datetime.date, customers: List[PickingCustomer]) -> bytes:
    header = ["delivery_date", "customer", "email", "address", "sku", "product", "quantity",
              "from", "comments"]
    return csv_bytes(header, (
        [day.isoformat(), customer.name, customer.email, customer.address, item.sku, item.name,
         item.quantity, "; ".join(item.sources), " | ".join(customer.comments)]
        for customer in customers for item in customer.items.values()))


def picking_list_html(day: datetime.date, customers: List[PickingCustomer]) -> str:
    return render_to_string("saleor_plugins/subscription/picking_list.html",
                            {"day": day, "customers": customers})


def picking_list_pdf(day: datetime.date, customers: List[PickingCustomer]) -> bytes:
    from weasyprint import HTML

    return HTML(string=picking_list_html(day, customers)).write_pdf()
