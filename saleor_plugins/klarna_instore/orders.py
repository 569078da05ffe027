"""The Saleor order of a paid till sale, and its receipt e-mail."""
import logging

from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _
from prices import Money

from . import cart, stock

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
    captured Klarna order, and handed over (fulfilled) when ``fulfil``. Returns the order
    and, when the till's warehouse could not cover every line, the note saying so."""
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
    paid_by = sale.klarna_customer or {}
    billing = klarna_address(paid_by.get("billing_address"))
    if billing is None and customer is not None and customer.default_billing_address:
        billing = customer.default_billing_address.get_copy()
    shipping = None
    if not fulfil:  # the goods are sent later: to where the customer told Klarna
        shipping = klarna_address(paid_by.get("shipping_address")) or (
            billing.get_copy() if billing else None)
    email = sale.email or (customer.email if customer else "") or klarna_email(paid_by)
    till_info = {"sale_id": sale.pk, "till": sale.till_name,
                 "staff_id": sale.staff_id, "staff": _staff_name(sale.staff),
                 "klarna_order_id": sale.klarna_order_id}
    order = Order.objects.create(
        user=customer,
        user_email=email,
        language_code=sale.language_code,
        currency=currency,
        billing_address=billing,
        shipping_address=shipping,
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
        billing_first_name=billing.first_name if billing else "",
        billing_last_name=billing.last_name if billing else "",
        billing_address_1=billing.street_address_1 if billing else "",
        billing_city=billing.city if billing else "",
        billing_postal_code=billing.postal_code if billing else "",
        billing_country_code=billing.country.code if billing else sale.country,
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
    short = _hand_over(order, order_lines, staff, sale.warehouse) if fulfil else []
    shortage_note = ""
    if short:
        shortage_note = stock.shortage_note(sale.warehouse.name if sale.warehouse else None,
                                            short)
        events.order_note_added_event(order=order, user=staff, message=shortage_note)
    from saleor.plugins.manager import get_plugins_manager

    manager = get_plugins_manager()
    manager.order_fully_paid(order)
    if fulfil:
        manager.order_fulfilled(order)
    manager.order_updated(order)
    return order, shortage_note


def _hand_over(order, order_lines, staff, warehouse) -> list:
    """The customer leaves with the goods: one fulfilment, stock taken from the till's own
    warehouse. Returns what that warehouse could not cover (left unfulfilled)."""
    from saleor.order import events
    from saleor.order.models import Fulfillment, FulfillmentLine
    from saleor.order.utils import update_order_status

    taken, short = stock.take_stock(warehouse, order_lines)
    handed = [(line, quantity, row) for line, (quantity, row) in taken.items() if quantity]
    if handed:
        fulfillment = Fulfillment.objects.create(order=order)
        for line, quantity, row in handed:
            FulfillmentLine.objects.create(order_line=line, fulfillment=fulfillment,
                                           quantity=quantity, stock=row)
            line.quantity_fulfilled = quantity
            line.save(update_fields=["quantity_fulfilled"])
        events.fulfillment_fulfilled_items_event(
            order=order, user=staff, fulfillment_lines=list(fulfillment.lines.all()))
    if short:
        logger.warning("Till order %s: not enough stock at %s for %s", order.pk,
                       warehouse, ", ".join(f"{s.missing} x {s.name}" for s in short))
    update_order_status(order)
    return short


def send_receipt(sale_pk: int):
    from .tasks import send_till_receipt

    send_till_receipt.delay(sale_pk)


def klarna_email(paid_by: dict) -> str:
    for name in ("billing_address", "shipping_address"):
        address = paid_by.get(name) or {}
        if isinstance(address, dict) and address.get("email"):
            return str(address["email"]).strip().lower()[:254]
    return ""


def klarna_address(data):
    """A Saleor address (saved) from an address the customer gave Klarna; None if empty."""
    import phonenumbers
    from saleor.account.models import Address

    if not isinstance(data, dict) or not (data.get("family_name") or data.get("street_address")):
        return None

    def text(name, limit):
        return " ".join(str(data.get(name) or "").split())[:limit]

    country = text("country", 2).upper()
    phone = ""
    try:
        number = phonenumbers.parse(text("phone", 40), country or None)
        if phonenumbers.is_valid_number(number):
            phone = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    address = Address(
        first_name=text("given_name", 256), last_name=text("family_name", 256),
        company_name=text("organization_name", 256),
        street_address_1=text("street_address", 256), street_address_2=text("street_address2", 256),
        postal_code=text("postal_code", 20), city=text("city", 256),
        country_area=text("region", 128), country=country, phone=phone,
    )
    address.save()
    return address


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
