"""The Saleor order of a paid till sale, and its receipt e-mail."""
import logging

from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from prices import Money

from . import cart

logger = logging.getLogger(__name__)

GATEWAY_ID = "saleor_plugins.klarna"
METADATA_KEY = "saleor_plugins.till"


def _staff_name(user) -> str:
    if user is None:
        return ""
    name = f"{user.first_name} {user.last_name}".strip()
    return name or user.email


def create_order(sale, fulfil: bool = True):
    """Order with the till's lines (overrides and text lines as they were), paid by the
    captured Klarna order, and handed over (fulfilled) when ``fulfil``."""
    from saleor.order import OrderStatus, events
    from saleor.order.actions import order_created
    from saleor.order.models import Order
    from saleor.payment import ChargeStatus, TransactionKind
    from saleor.payment.models import Payment

    from ..klarna.models import KlarnaOrder

    lines = list(sale.lines.select_related("variant"))
    for line in lines:
        line.sale = sale
    totals = cart.cart_totals(lines)
    currency = sale.currency
    customer = sale.customer
    billing = None
    if customer is not None and customer.default_billing_address is not None:
        billing = customer.default_billing_address.get_copy()
    till_info = {"sale_id": sale.pk, "till": sale.till_name,
                 "staff_id": sale.staff_id, "staff": _staff_name(sale.staff),
                 "klarna_order_id": sale.klarna_order_id}
    order = Order.objects.create(
        user=customer,
        user_email=sale.email or (customer.email if customer else ""),
        language_code=sale.language_code,
        currency=currency,
        billing_address=billing,
        status=OrderStatus.UNFULFILLED,
        total_net=Money(totals.net, currency),
        total_gross=Money(totals.total, currency),
        # public metadata is shown to anyone holding the order's token: no staff in it
        metadata={METADATA_KEY: {"till": sale.till_name}},
        private_metadata={METADATA_KEY: till_info},
    )
    order_lines = []
    for line in lines:
        rate = line.vat_rate / 100
        order_lines.append(order.lines.create(
            variant=line.variant,
            product_name=line.name,
            variant_name=line.variant_name,
            product_sku=line.sku,
            is_shipping_required=line.is_shipping_required,
            quantity=line.quantity,
            currency=currency,
            unit_price_gross=Money(line.unit_price, currency),
            unit_price_net=Money(cart.net_of(line.unit_price, line.vat_rate), currency),
            tax_rate=rate,
        ))
    staff = sale.staff
    order_created(order, user=staff)
    notes = [_("Sold at the till %(till)s by %(staff)s.") % {
        "till": sale.till_name or "-", "staff": _staff_name(staff) or "-"}]
    for line in lines:
        if not line.is_text and line.unit_price != line.list_unit_price:
            notes.append(_("Price of %(name)s changed from %(old)s to %(new)s.") % {
                "name": line.name, "old": line.list_unit_price, "new": line.unit_price})
    events.order_note_added_event(order=order, user=staff, message=" ".join(notes))

    payment = Payment.objects.create(
        gateway=GATEWAY_ID, order=order, is_active=True, token=sale.klarna_order_id,
        total=totals.total, captured_amount=totals.total, currency=currency,
        charge_status=ChargeStatus.FULLY_CHARGED, billing_email=order.user_email,
        billing_first_name=customer.first_name if customer else "",
        billing_last_name=customer.last_name if customer else "",
        billing_country_code=sale.country,
    )
    payment.transactions.create(
        kind=TransactionKind.CAPTURE, token=sale.klarna_order_id, is_success=True,
        amount=totals.total, currency=currency,
        gateway_response={"klarna_order_id": sale.klarna_order_id, "till_sale": sale.pk},
    )
    KlarnaOrder.objects.get_or_create(
        klarna_order_id=sale.klarna_order_id,
        defaults={"payment": payment, "order": order, "currency": currency,
                  "order_amount": cart.minor_units(totals.total, currency),
                  "fraud_status": "ACCEPTED", "auto_captured": True},
    )
    events.payment_captured_event(order=order, user=staff, amount=totals.total, payment=payment)
    events.order_fully_paid_event(order=order)
    if fulfil:
        _hand_over(order, order_lines, staff)
    from saleor.plugins.manager import get_plugins_manager

    manager = get_plugins_manager()
    manager.order_fully_paid(order)
    if fulfil:
        manager.order_fulfilled(order)
    manager.order_updated(order)
    return order


def _hand_over(order, order_lines, staff):
    """The customer leaves with the goods: one fulfilment, stock taken from the shelf."""
    from saleor.order import events
    from saleor.order.models import Fulfillment, FulfillmentLine
    from saleor.order.utils import update_order_status
    from saleor.warehouse.models import Stock

    fulfillment = Fulfillment.objects.create(order=order)
    fulfilled = []
    for line in order_lines:
        stock = None
        if line.variant is not None and line.variant.track_inventory:
            stock = (Stock.objects.select_for_update()
                     .filter(product_variant=line.variant, quantity__gte=line.quantity)
                     .order_by("-quantity", "pk").first())
            if stock is not None:
                Stock.objects.filter(pk=stock.pk).update(quantity=F("quantity") - line.quantity)
            else:  # sold from the shop floor though the system had none left
                logger.warning("Till order %s: no stock row for %s", order.pk, line.product_sku)
        FulfillmentLine.objects.create(order_line=line, fulfillment=fulfillment,
                                       quantity=line.quantity, stock=stock)
        line.quantity_fulfilled = line.quantity
        line.save(update_fields=["quantity_fulfilled"])
        fulfilled.append(line)
    events.fulfillment_fulfilled_items_event(
        order=order, user=staff, fulfillment_lines=list(fulfillment.lines.all()))
    update_order_status(order)


def send_receipt(sale_pk: int):
    from .tasks import send_till_receipt

    send_till_receipt.delay(sale_pk)


def receipt_context(sale) -> dict:
    lines = list(sale.lines.all())
    rows = []
    for line in lines:
        line.sale = sale
        amounts = cart.line_amounts(line)
        rows.append({"line": line, "total": amounts.total, "change": amounts.price_change})
    totals = cart.cart_totals(lines)
    return {"sale": sale, "order": sale.order, "rows": rows, "totals": totals,
            "currency": sale.currency, "staff_name": _staff_name(sale.staff)}


def receipt_language(sale) -> str:
    return sale.language_code or translation.get_language() or "en"
