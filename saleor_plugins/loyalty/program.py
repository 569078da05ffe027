"""The loyalty programme in Saleor's terms: what a checkout may spend, how the spent points
lower its lines, what an order earns, and what happens when it is paid, cancelled or refunded.

Redeemed points are spread over the eligible lines' totals (whole cents per unit, at least
one cent left per unit), so Saleor copies the discount into the order's unit prices and
keeps it when it recalculates the order; ``OrderPoints`` names it as its own line.
"""
import logging
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Dict, Optional

from django.db import transaction
from django.utils import timezone
from prices import TaxedMoney

from ..core import checkout_rows, request_cache, taxes
from . import ledger, reversal
from .models import (
    EARN_PURCHASE,
    EARN_REFERRAL,
    POSTED,
    LedgerEntry,
    LoyaltyAccount,
    OrderPoints,
    ProductPointsSetting,
    Reservation,
)

logger = logging.getLogger(__name__)

PLUGIN_ID = "saleor_plugins.loyalty"
CACHE_SECTION = "loyalty"
CENT = Decimal("0.01")
RESERVATIONS = "loyalty_reservation"
checkout_rows.register(RESERVATIONS, Reservation)


def active_plugin(manager=None):
    """The loyalty plugin if the merchant switched it on, else None."""
    if manager is None:
        from saleor.plugins.manager import get_plugins_manager

        manager = get_plugins_manager()
    plugin = manager.get_plugin(PLUGIN_ID)
    return plugin if plugin is not None and plugin.active else None


def cache(fallback=None) -> dict:
    return request_cache.section(CACHE_SECTION, fallback if fallback is not None else {})


def taxes_included(store: dict) -> bool:
    """The shop's VAT mode, read once per request (``store`` keeps it outside one)."""
    return taxes.include_taxes(store)


def product_exceptions(store: dict) -> Dict[int, ProductPointsSetting]:
    if "products" not in store:
        store["products"] = {s.product_id: s for s in ProductPointsSetting.objects.all()}
    return store["products"]


def earns(product_id, exceptions) -> bool:
    setting = exceptions.get(product_id)
    return setting is None or setting.earns_points


def redeemable(product_id, exceptions) -> bool:
    setting = exceptions.get(product_id)
    return setting is None or setting.redeemable


def points_for(amount: Decimal, config) -> int:
    """Whole points for an amount, rounded down."""
    if amount <= 0:
        return 0
    return int((amount * config.points_per_currency_unit).to_integral_value(ROUND_DOWN))


def value_of(points: int, config) -> Decimal:
    return (Decimal(points) * config.point_value).quantize(CENT, ROUND_DOWN)


def _cents(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value(ROUND_DOWN))


# --- spending on a checkout -------------------------------------------------------------

@dataclass
class Redemption:
    points: int = 0
    cents: int = 0
    per_unit: Dict[int, int] = field(default_factory=dict)  # line pk -> cents off each unit
    capacity_cents: int = 0  # most the eligible lines can be lowered by


def _line_amount(line, discounts, gross_prices) -> Decimal:
    from saleor.checkout.base_calculations import base_checkout_line_total

    total = base_checkout_line_total(line, discounts)
    return (total.gross if gross_prices else total.net).amount


def eligible_capacity(lines, discounts, gross_prices, exceptions) -> Dict[int, tuple]:
    """line pk -> (quantity, cents each unit may be lowered by) for lines points pay for."""
    capacity = {}
    for line in lines:
        if not redeemable(line.variant.product_id, exceptions):
            continue
        unit_cents = _cents(_line_amount(line, discounts, gross_prices)) // line.quantity
        if unit_cents > 1:
            capacity[line.pk] = (line.quantity, unit_cents - 1)  # a zero line crashes Saleor
    return capacity


def max_points_for_lines(capacity, config) -> int:
    if config.point_value <= 0:
        return 0
    total = Decimal(sum(q * c for q, c in capacity.values())) / 100
    return int((total / config.point_value).to_integral_value(ROUND_DOWN))


def allocate(capacity: Dict[int, tuple], cents: int) -> Dict[int, int]:
    """Spread ``cents`` over lines in proportion, then the remainder where it fits whole."""
    total = sum(q * c for q, c in capacity.values())
    cents = min(cents, total)
    per_unit = {}
    if not cents:
        return per_unit
    for pk, (quantity, room) in capacity.items():
        share = cents * quantity * room // total
        per_unit[pk] = min(room, share // quantity)
    left = cents - sum(per_unit[pk] * capacity[pk][0] for pk in per_unit)
    for pk, (quantity, room) in sorted(capacity.items(), key=lambda item: item[1][0]):
        if left <= 0:
            break
        extra = min(room - per_unit[pk], left // quantity)
        per_unit[pk] += extra
        left -= extra * quantity
    return {pk: c for pk, c in per_unit.items() if c}


def _signature(lines) -> frozenset:
    return frozenset((line.pk, line.variant_id, line.quantity) for line in lines)


def cached_for_line(store: dict, line) -> Optional[Redemption]:
    """The request's evaluation of the line's checkout while it still describes the line;
    Saleor prices each line on its own, usually without its checkout loaded."""
    cached = store.get(("redemption", line.checkout_id))
    if cached is not None and (cached[0] is None
                               or (line.pk, line.variant_id, line.quantity) in cached[0]):
        return cached[1]
    return None


def _reservation_row(checkout, store: dict):
    """The checkout's reservation row, expired or not, read once per request (``forget``
    drops it)."""
    key = ("reservation", checkout.pk)
    if key not in store:
        # most checkouts hold no points: one shared query says so (``checkout_rows``)
        store[key] = ledger.reservation_of(checkout.token) \
            if checkout_rows.may_have_rows(RESERVATIONS, checkout.token) else None
    return store[key]


def held_points(checkout, store: dict):
    """The checkout's points hold if it may be spent; most checkouts have none, and then
    their lines are never needed."""
    if not checkout.user_id:
        return None
    reservation = _reservation_row(checkout, store)
    if reservation is None or reservation.expires_at <= timezone.now() \
            or reservation.account.user_id != checkout.user_id or reservation.account.excluded:
        return None
    return reservation


def evaluate(checkout, lines, discounts, config, store: dict) -> Redemption:
    """The points a checkout spends and how they lower its lines (cached per request).

    ``lines`` None: read only when the checkout holds points. Without a hold nothing is
    spent, whatever the lines (cached with signature None)."""
    key = ("redemption", checkout.pk)
    cached = store.get(key)
    if cached is not None and cached[0] is None:
        return cached[1]
    reservation = held_points(checkout, store)
    if reservation is None:
        store[key] = (None, Redemption())
        return store[key][1]
    lines = checkout_lines(checkout) if lines is None else lines
    signature = _signature(lines)
    if cached is not None and cached[0] == signature:
        return cached[1]
    taxes = taxes_included(store)
    capacity = eligible_capacity(lines, discounts, taxes, product_exceptions(store))
    points = min(reservation.points, max_points_for_lines(capacity, config))
    if config.max_points_per_order:
        points = min(points, config.max_points_per_order)
    cents = _cents(value_of(points, config))
    per_unit = allocate(capacity, cents)
    redemption = Redemption(
        points=points, cents=sum(per_unit[pk] * capacity[pk][0] for pk in per_unit),
        per_unit=per_unit, capacity_cents=sum(q * c for q, c in capacity.values()))
    store[key] = (signature, redemption)
    return redemption


def forget(store: dict, checkout) -> None:
    store.pop(("redemption", checkout.pk), None)
    store.pop(("reservation", checkout.pk), None)


def checkout_lines(checkout):
    return list(checkout.lines.select_related("variant__product"))


def lower_line_total(price: TaxedMoney, per_unit_cents: int, quantity: int,
                     gross_prices: bool) -> TaxedMoney:
    from ..discount_rules.cart import adjust_line_total

    # another plugin may have lowered the line already: leave a cent per unit (a zero line
    # crashes Saleor's order creation)
    amount = price.gross.amount if gross_prices else price.net.amount
    per_unit_cents = min(per_unit_cents, _cents(amount) // quantity - 1)
    if per_unit_cents <= 0:
        return price
    return adjust_line_total(price, -per_unit_cents, quantity, gross_prices)


@dataclass
class Usable:
    points: int
    reason: str = ""  # why none: guest, excluded, no_points, minimum_balance, no_products


def usable_points(account, checkout, lines, discounts, config, store) -> Usable:
    """The most points this checkout may spend now, after every limit."""
    if account is None:
        return Usable(0, "guest")
    if account.excluded:
        return Usable(0, "excluded")
    if account.balance <= 0:
        return Usable(0, "no_points")
    if account.balance < config.minimum_balance:
        return Usable(0, "minimum_balance")
    taxes = taxes_included(store)
    capacity = eligible_capacity(lines, discounts, taxes, product_exceptions(store))
    most = min(ledger.available_points(account, checkout.token),
               max_points_for_lines(capacity, config))
    if config.max_points_per_order:
        most = min(most, config.max_points_per_order)
    if not capacity:
        return Usable(0, "no_products")
    return Usable(max(most, 0))


# --- earning --------------------------------------------------------------------------

def earn_base_for_checkout(lines, discounts, config, store, redemption: Redemption) -> Decimal:
    """What a checkout's products earn on (net of VAT and shipping, minus the points part)."""
    taxes = taxes_included(store)
    exceptions = product_exceptions(store)
    base = Decimal(0)
    for line in lines:
        if not earns(line.variant.product_id, exceptions):
            continue
        if config.earn_after_discounts:
            amount = _line_amount(line, discounts, taxes)
        else:
            amount = line.variant.base_price.amount * line.quantity
        base += amount - Decimal(redemption.per_unit.get(line.pk, 0) * line.quantity) / 100
    return max(base, Decimal(0))


def earn_base_for_order(order, config, per_unit: Dict[str, int], gross_prices) -> Decimal:
    """The order's earning base: its earning products' net amount, excluding shipping and
    the part paid with points; before or after discounts as the merchant chose."""
    store = cache()
    exceptions = product_exceptions(store)
    base = Decimal(0)
    lines = list(order.lines.select_related("variant__product"))
    earning_net = Decimal(0)
    all_net = Decimal(0)
    for line in lines:
        net = line.unit_price_net_amount * line.quantity
        all_net += net
        product_id = line.variant.product_id if line.variant else None
        if product_id is None or not earns(product_id, exceptions):
            continue
        divisor = (1 + (line.tax_rate or 0)) if gross_prices else Decimal(1)
        points_part = Decimal(per_unit.get(str(line.variant_id), 0) * line.quantity) / 100
        if config.earn_after_discounts:
            base += net  # unit prices already carry every line discount and the points
            earning_net += net
        else:
            base += line.variant.base_price.amount * line.quantity / divisor \
                - points_part / divisor
    if config.earn_after_discounts and order.discount_amount and all_net:
        # a Saleor voucher lowers only the total: take the earning lines' share of it, net
        gross = order.total_gross_amount or Decimal(1)
        base -= order.discount_amount * (earning_net / all_net) * \
            (order.total_net_amount / gross if gross else 1)
    return max(base, Decimal(0)).quantize(CENT)


def record_order(order, checkout, discounts, config, paid=False) -> Optional[OrderPoints]:
    """When the order is created: spend its held points, note what it will earn.

    ``paid``: the order is paid already; points that come on payment are then written
    spendable at once instead of pending and posted a moment later (the rest of
    ``order_paid`` is the caller's: ``reward_referral``)."""
    from django.db.models import Exists

    if order.user_id is None:
        return None
    store = cache()
    # no savepoints: this runs inside Saleor's order creation, which rolls back as a whole
    with transaction.atomic(savepoint=False):
        # locked now, not in each ledger write; whether an earlier call recorded the order
        # comes along (only this transaction can: it is creating the order)
        account = ledger.locked_account_for(order.user, order_recorded=Exists(
            OrderPoints.objects.filter(order=order.pk)))
        lines = checkout_lines(checkout) if held_points(checkout, store) is not None else []
        redemption = evaluate(checkout, lines, discounts, config, store) \
            if not account.excluded else Redemption()
        variant_cents = {str(line.variant_id): redemption.per_unit.get(line.pk, 0)
                         for line in lines}
        amount = Decimal(redemption.cents) / 100
        entry = None
        if redemption.points:
            entry = ledger.redeem_for_order(account, order, redemption.points, amount,
                                            config.point_value, checkout.token)
        elif _reservation_row(checkout, store) is not None:
            ledger.release(checkout.token)
        taxes = taxes_included(store)
        base = earn_base_for_order(order, config, variant_cents, taxes)
        earned = 0 if account.excluded else points_for(base, config)
        # a second call for the order finds the first record; no other transaction can
        # write one for an order this transaction is creating
        record = OrderPoints.objects.filter(order=order).first() \
            if account.order_recorded else None
        created = record is None
        if created:
            record = OrderPoints.objects.create(
                order=order, account=account, points_earned=earned,
                points_redeemed=-entry.points if entry else 0,
                redeemed_amount=amount if entry else 0, currency=order.currency,
                earn_base=base, earn_rate=config.points_per_currency_unit,
                point_value=config.point_value,
            )
        spendable = paid and config.earn_when == "paid"
        # the order's first record comes with its earning, so a new record means the
        # earning's key is unused: written on the account locked above while no
        # redemption has changed its balance since
        earn = ledger.earn_unused_key if created and entry is None else ledger.earn
        earning = earn(
            account, EARN_PURCHASE, earned, key=ledger.purchase_key(order),
            pending=not spendable, expiry_months=config.expiry_months, order=order,
            rate=config.points_per_currency_unit, amount=base) if earned else None
        if entry is not None:
            from saleor.order import events

            events.order_note_added_event(
                order=order, user=None,
                message="Redeemed points: %d points (-%s %s)" % (
                    record.points_redeemed, amount, order.currency))
    if spendable:
        if earning is not None and earning.status == POSTED:
            if created:
                notify_earned(earning.pk)
        else:  # a pending earning of an earlier call for this order
            make_spendable(order, config)
    return record


def check_before_payment(checkout, discounts, config) -> Optional[str]:
    """Before payment: the held points must still be there; a message when not."""
    if not checkout.user_id:
        return None
    store = cache()
    redemption = evaluate(checkout, None, discounts, config, store)
    if not redemption.points:
        return None
    account = LoyaltyAccount.objects.get(user_id=checkout.user_id)
    if account.excluded or ledger.available_points(account, checkout.token) < redemption.points:
        return "unavailable"
    return None


def order_paid(order, config) -> None:
    """The order is paid: referral rewards; purchase points if they come on payment."""
    if order.user_id is None:
        return
    if config.earn_when == "paid":
        make_spendable(order, config)
    reward_referral(order, config)


def make_spendable(order, config) -> None:
    entry = ledger.pending_earning(order)
    if entry is not None:
        posted = ledger.post_pending(entry.pk, config.expiry_months)
        if posted is not None:
            notify_earned(posted.pk)


def reward_referral(order, config) -> None:
    """Both sides of a referral earn when the referred customer's first order is paid; the
    points belong to that order (``reversal.reverse_order`` takes them back with it)."""
    if not config.referral_points:
        return
    account = LoyaltyAccount.objects.filter(user_id=order.user_id).select_related(
        "referred_by").first()
    if account is None or account.referred_by is None or account.excluded:
        return
    referrer = account.referred_by
    for target, key in ((account, f"referral:{account.pk}:new"),
                        (referrer, f"referral:{account.pk}:referrer")):
        if target.excluded or ledger.entry_with_key(key):  # once, on the first paid order
            continue
        entry = ledger.earn(target, EARN_REFERRAL, config.referral_points, key=key,
                            expiry_months=config.expiry_months, order=order,
                            reason="Referral")
        if entry is not None:
            notify_earned(entry.pk)


def refunded_fraction(order) -> Decimal:
    """Share of the money paid for the order that was refunded."""
    from django.db.models import Sum
    from saleor.payment import TransactionKind
    from saleor.payment.models import Transaction

    refunded = Transaction.objects.filter(
        payment__order=order, kind=TransactionKind.REFUND, is_success=True,
    ).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    paid = order.total_gross_amount
    if not refunded or not paid:
        return Decimal(0)
    return min(refunded / paid, Decimal(1))


def order_changed(order) -> None:
    """Cancelled: reverse all; refunded: reverse the refunded share."""
    from saleor.order import OrderStatus

    if not LedgerEntry.objects.filter(order=order).exists():
        return
    if order.status == OrderStatus.CANCELED:
        reversal.reverse_order(order, Decimal(1))
        return
    fraction = refunded_fraction(order)
    if fraction > 0:
        reversal.reverse_order(order, fraction)


EARNED_EMAIL_DELAY = 120  # seconds: after Saleor's order confirmation, not before


def notify_earned(entry_id) -> None:
    from .tasks import send_points_earned_email

    transaction.on_commit(lambda: send_points_earned_email.apply_async(
        (entry_id,), countdown=EARNED_EMAIL_DELAY))


def product_points(product, config) -> int:
    """Points one unit of the product earns at its catalogue price."""
    return points_for(product.price.amount, config)


def welcome(customer, config) -> None:
    """A new account: its loyalty account and the welcome bonus."""
    from .models import EARN_SIGNUP

    account = ledger.account_for(customer)
    entry = ledger.earn(account, EARN_SIGNUP, config.welcome_points, key=f"signup:{customer.pk}",
                        expiry_months=config.expiry_months, reason="Welcome")
    if entry is not None:
        notify_earned(entry.pk)
