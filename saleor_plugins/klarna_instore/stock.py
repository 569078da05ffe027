"""The till's own warehouse: which shelf a till sells from, and taking its stock.

Like a POS device that belongs to one location, a till (by its name) sells from one
warehouse, set in the plugin's settings; stock is never taken from another warehouse.
Stock is checked before the link is sent, and taken at hand-over under row locks on the
warehouse's stock rows. What the warehouse cannot cover at hand-over (sold elsewhere
while the customer paid) is left unfulfilled on the paid order, and staff are told.
"""
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from .plugin import till_warehouse_pairs


@dataclass
class Shortage:
    name: str
    missing: int
    available: int


def till_warehouse(plugin, till_name: str):
    """The warehouse of the till named ``till_name``: its own entry in the settings, else the
    default warehouse, else the shop's only warehouse; None when none applies."""
    from saleor.warehouse.models import Warehouse

    name = " ".join((till_name or "").split()).lower()
    slug = till_warehouse_pairs(plugin.config.till_warehouses).get(name) or \
        plugin.config.default_warehouse
    if slug:
        return Warehouse.objects.filter(slug=slug).first()
    only = list(Warehouse.objects.all()[:2])
    return only[0] if len(only) == 1 else None


def _tracked(line) -> bool:
    return not line.is_text and line.variant is not None and line.variant.track_inventory


def _available(warehouse, variant_ids, lock=False) -> Dict[int, tuple]:
    """variant id → (stock row, quantity not allocated to other orders) in ``warehouse``."""
    from saleor.warehouse.models import Allocation, Stock

    stocks = Stock.objects.filter(warehouse=warehouse, product_variant_id__in=variant_ids)
    if lock:
        stocks = stocks.select_for_update().order_by("pk")
    stocks = list(stocks)
    allocated = dict(Allocation.objects.filter(stock__in=stocks).values("stock_id").annotate(
        total=Sum("quantity_allocated")).values_list("stock_id", "total"))
    return {stock.product_variant_id: (stock, max(stock.quantity - allocated.get(stock.pk, 0), 0))
            for stock in stocks}


def shortages(warehouse, lines) -> List[Shortage]:
    """What ``warehouse`` lacks for the cart's stock-tracked products."""
    needed, names = defaultdict(int), {}
    for line in lines:
        if _tracked(line):
            needed[line.variant_id] += line.quantity
            names[line.variant_id] = line.name
    if not needed:
        return []
    available = _available(warehouse, list(needed))
    missing = []
    for variant_id, quantity in needed.items():
        have = available.get(variant_id, (None, 0))[1]
        if have < quantity:
            missing.append(Shortage(names[variant_id], quantity - have, have))
    return missing


def needs_warehouse(lines) -> bool:
    return any(_tracked(line) for line in lines)


def take_stock(warehouse, order_lines) -> tuple:
    """At hand-over, under locks on the stock rows: take each order line from ``warehouse``.
    Returns ``(taken, short)``: order line → (quantity handed over, its stock row or None),
    and the lines the warehouse could not cover."""
    from saleor.warehouse.models import Stock

    tracked = [line for line in order_lines if line.variant is not None
               and line.variant.track_inventory]
    available = {}
    if tracked and warehouse is not None:
        available = {variant_id: [stock, free] for variant_id, (stock, free) in
                     _available(warehouse, {line.variant_id for line in tracked},
                                lock=True).items()}
    taken, short = {}, []
    for line in order_lines:
        if line not in tracked:
            taken[line] = (line.quantity, None)
            continue
        stock, free = available.get(line.variant_id, (None, 0))
        quantity = min(line.quantity, free)
        if quantity:
            Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") - quantity)
            available[line.variant_id][1] -= quantity
            taken[line] = (quantity, stock)
        if quantity < line.quantity:
            short.append(Shortage(line.product_name, line.quantity - quantity, quantity))
    return taken, short


def shortage_note(warehouse_name: Optional[str], short: List[Shortage]) -> str:
    items = ", ".join(f"{s.missing} × {s.name}" for s in short)
    return _("Not enough stock at %(warehouse)s: %(items)s not handed over. The order is paid; "
             "hand the rest over and fulfil it, or refund it.") % {
        "warehouse": warehouse_name or "-", "items": items}
