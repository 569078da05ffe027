"""The till's own warehouse: stock is taken from the till's shelf, checked before the link
is sent and again at hand-over."""
from decimal import Decimal

from django.core import mail
from saleor.core.permissions import PluginsPermissions
from saleor.order import OrderStatus
from saleor.order.models import FulfillmentLine, Order
from saleor.warehouse.models import Stock

from . import factories
from .till_helpers import (  # noqa: F401 (fixtures)
    CUSTOMER_SET,
    FINISH,
    REFRESH,
    SALE,
    SEND,
    configure_till,
    gid,
    till,
    till_on,
    till_staff,
)


def quantity(variant, warehouse) -> int:
    return Stock.objects.get(product_variant=variant, warehouse=warehouse).quantity


def shop_floor(shop, coffee=3, mug=5):
    """A second warehouse, the shop floor, holding less coffee than the central one."""
    floor = factories.create_warehouse()
    Stock.objects.create(warehouse=floor, product_variant=shop.coffee, quantity=coffee)
    Stock.objects.create(warehouse=floor, product_variant=shop.mug, quantity=mug)
    return floor


def sell(till, shop, customer, till_name="Disk 1", coffee=2, mug=0):
    sale = till.start(till_name)
    till.add(shop.coffee, coffee)
    if mug:
        till.add(shop.mug, mug)
    till.ok(CUSTOMER_SET, customerId=gid("User", customer.pk))
    return sale


def test_item15_10_a_till_sells_from_its_own_warehouse(till, shop, customer, klarna):
    floor = shop_floor(shop)
    configure_till(till_warehouses=f"Disk 1 = {floor.slug}, Lager = {shop.warehouse.slug}",
                   default_warehouse=shop.warehouse.slug)
    sell(till, shop, customer, "disk  1")  # till names in any case and spacing
    till.ok(SEND)
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    sale = till.ok(REFRESH)
    assert sale["status"] == "PAID"
    # from the shop floor, though the central warehouse holds more
    assert (quantity(shop.coffee, floor), quantity(shop.coffee, shop.warehouse)) == (1, 10)
    order = Order.objects.get()
    assert order.status == OrderStatus.FULFILLED
    [fulfilled] = FulfillmentLine.objects.filter(order_line__order=order)
    assert fulfilled.stock.warehouse == floor and fulfilled.quantity == 2
    assert sale["warehouseName"] == floor.name  # staff see where the goods come from
    # a till not listed sells from the default warehouse
    other = till.start("Disk 2")
    assert other["warehouseName"] == shop.warehouse.name


def test_item15_10_short_stock_is_refused_before_the_link_is_sent(till, shop, customer, klarna):
    floor = shop_floor(shop, coffee=1)
    configure_till(till_warehouses=f"Disk 1 = {floor.slug}")
    sell(till, shop, customer, coffee=2)
    error = till.error(SEND)
    assert (error["field"], error["code"]) == ("lines", "TILL_INSUFFICIENT_STOCK")
    assert floor.name in error["message"] and "Kaffe Fjell (1" in error["message"]
    assert klarna.outbox == [] and not klarna.state.hpp  # no link the customer could pay
    # stock allocated to other orders is not on the shelf for the till either
    Stock.objects.filter(warehouse=floor, product_variant=shop.coffee).update(quantity=2)
    order = factories.create_order(lines=[(shop.coffee, 1)])
    order.lines.get().allocations.create(
        stock=Stock.objects.get(warehouse=floor, product_variant=shop.coffee),
        quantity_allocated=1)
    assert till.error(SEND)["code"] == "TILL_INSUFFICIENT_STOCK"


def test_item15_10_stock_sold_elsewhere_while_the_customer_paid_is_left_unfulfilled(
        till, shop, customer, klarna):
    floor = shop_floor(shop, coffee=3)
    configure_till(till_warehouses=f"Disk 1 = {floor.slug}")
    sell(till, shop, customer, coffee=3, mug=1)
    till.ok(SEND)
    # while the customer pays, two of the three coffees leave the shelf in another sale
    Stock.objects.filter(warehouse=floor, product_variant=shop.coffee).update(quantity=1)
    klarna.hpp_action(klarna.outbox[0]["session_id"], "pay")
    sale = till.ok(REFRESH)
    assert sale["status"] == "PAID"  # the customer has paid: the order is written
    assert "2 × Kaffe Fjell" in sale["note"] and floor.name in sale["note"]

    order = Order.objects.get()
    assert order.status == OrderStatus.PARTIALLY_FULFILLED
    assert order.total.gross.amount == Decimal("476.50")
    fulfilled = {line.product_sku: line.quantity_fulfilled for line in order.lines.all()}
    assert fulfilled == {"KAFFE-1": 1, "KRUS-1": 1}
    assert (quantity(shop.coffee, floor), quantity(shop.mug, floor)) == (0, 4)
    # nothing from another warehouse
    assert (quantity(shop.coffee, shop.warehouse), quantity(shop.mug, shop.warehouse)) == (10, 10)
    notes = [e.parameters["message"] for e in order.events.filter(type="note_added")]
    assert any("2 × Kaffe Fjell" in note for note in notes)
    assert till.ok(FINISH)["finishedAt"] and len(mail.outbox) == 1


def test_item15_10_without_a_warehouse_for_the_till_nothing_is_sent(
        till, shop, customer, klarna):
    shop_floor(shop)  # two warehouses, none chosen for this till
    sell(till, shop, customer)
    error = till.error(SEND)
    assert (error["field"], error["code"]) == ("tillName", "TILL_NO_WAREHOUSE")
    assert klarna.outbox == []
    assert till.client.data(SALE, {"id": till.sale_id})["tillSale"]["warehouseName"] == ""
    configure_till(default_warehouse=shop.warehouse.slug)  # set it: the same sale can go
    assert till.ok(SEND)["status"] == "WAITING"
    assert till.client.data(SALE, {"id": till.sale_id})["tillSale"]["warehouseName"] == \
        shop.warehouse.name


def test_item15_10_the_till_warehouse_setting_is_checked(api, till_on):
    staff = api(factories.create_staff(permissions=[PluginsPermissions.MANAGE_PLUGINS]))
    result = staff.data("""mutation { pluginUpdate(id: "saleor_plugins.klarna_instore", input: {
        configuration: [{name: "till_warehouses", value: "Disk 1 = a, Disk 1 = b, Lager"}]}) {
        pluginsErrors { field code message } } }""")["pluginUpdate"]
    assert [e["field"] for e in result["pluginsErrors"]] == ["tillWarehouses"]
