"""The loyalty programme in Saleor's terms: what a checkout may spend and how the spent
points lower its lines (what an order earns: ``earning``; what happens when it is paid,
cancelled or refunded: ``orders``).

Redeemed points are spread over the eligible lines' totals (whole cents per unit, at least
one cent left per unit), so Saleor copies the discount into the order's unit prices and
keeps it when it recalculates the order; ``OrderPoints`` names it as its own line.
"""
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Dict, Optional

from django.utils import timezone
from prices import TaxedMoney

from ..core import checkout_rows, request_cache, taxes
from . import ledger
from .models import LoyaltyAccount, ProductPointsSetting, Reservation

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


def reservation_row(checkout, store: dict):
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
    reservation = reservation_row(checkout, store)
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
    from ..platform.saleor2.discount_rules.prices import adjust_line_total

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
