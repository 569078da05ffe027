"""The till: carts, Klarna payment links, the order on payment, cancel.

Every change to a sale runs under a row lock on the sale, and the Klarna calls that
decide its fate (disable link, cancel Klarna order, capture) run inside that lock, so a
cancel, a cart edit, a status callback and a poll are applied one after the other.

Decisions:
- Links use Klarna's ``PLACE_ORDER`` mode: when the customer pays, Klarna places an
  *authorized* order and the hosted page tells us its id. We capture it (with an
  idempotency key, so a retry never charges twice) and only then write the Saleor order.
- Cancel (and any cart edit) first disables the link at Klarna. If Klarna says the
  customer has just paid, we cancel that Klarna order (still only authorized): staff
  cancelled, so nothing is charged and nothing is left to void by hand.
- Once we have captured, the sale is paid: cancel is refused (that is a refund now).
- A paid Klarna order always ends as a Saleor order: capture and order writing are two
  steps, and the second is repeated by the next poll, callback or OK if it failed.
- An order Klarna holds for a fraud review (``PENDING``) is neither captured nor handed
  over until Klarna accepts it; rejected, the sale is open again and nothing is charged.
"""
import logging
from decimal import Decimal
from typing import List, Optional

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ..core import taxes
from ..klarna import errors as klarna_errors
from ..klarna.client import stable_idempotency_key
from . import cart, stock
from .models import (
    CANCELLED, OPEN, PAID, PLACING, WAITING, TillLine, TillPaymentLink, TillSale, new_secret,
)
from .plugin import PLUGIN_ID

logger = logging.getLogger(__name__)

GATEWAY_ID = "saleor_plugins.klarna"
MAX_LINES = 200
MAX_QUANTITY = 9999
MAX_PRICE = Decimal("999999.99")
# A customer search lists at most this many, and needs this much text (a number aside).
CUSTOMER_RESULTS = 10
MAX_CUSTOMER_RESULTS = 20
MIN_CUSTOMER_SEARCH = 3
# Hosted page statuses after which the link cannot be paid any more.
LINK_FINAL = {"COMPLETED", "CANCELLED", "DISABLED", "EXPIRED"}


class TillError(Exception):
    """A refusal shown to staff: ``code`` is one of ``ErrorCode``'s values."""

    def __init__(self, message: str, code: str, field: Optional[str] = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class ErrorCode:
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    NOT_LICENSED = "till_not_licensed"
    KLARNA_NOT_CONFIGURED = "till_klarna_not_configured"
    KLARNA_UNAVAILABLE = "till_klarna_unavailable"
    KLARNA_REJECTED = "till_klarna_rejected"
    SALE_CLOSED = "till_sale_closed"
    ALREADY_PAID = "till_sale_already_paid"
    NOT_PAID = "till_sale_not_paid"
    EMPTY_CART = "till_cart_empty"
    NO_CONTACT = "till_no_contact"
    NO_WAREHOUSE = "till_no_warehouse"
    INSUFFICIENT_STOCK = "till_insufficient_stock"

    ALL = (INVALID, NOT_FOUND, REQUIRED, NOT_LICENSED, KLARNA_NOT_CONFIGURED,
           KLARNA_UNAVAILABLE, KLARNA_REJECTED, SALE_CLOSED, ALREADY_PAID, NOT_PAID,
           EMPTY_CART, NO_CONTACT, NO_WAREHOUSE, INSUFFICIENT_STOCK)


# -- plugins -------------------------------------------------------------------------------

def _manager():
    from saleor.plugins.manager import get_plugins_manager

    return get_plugins_manager()


def till_plugin(manager=None):
    plugin = (manager or _manager()).get_plugin(PLUGIN_ID)
    if plugin is None or not plugin.active:
        raise TillError(_("The till is not switched on for this shop."), ErrorCode.NOT_LICENSED)
    return plugin


def klarna_client(manager=None):
    from ..klarna.payments import client_for

    gateway = (manager or _manager()).get_plugin(GATEWAY_ID)
    if gateway is None or not gateway.active or not gateway.configured:
        raise TillError(_("Klarna payments are not set up in this shop."),
                        ErrorCode.KLARNA_NOT_CONFIGURED)
    return client_for(gateway.config)


def klarna_failure(error: klarna_errors.KlarnaError) -> TillError:
    logger.warning("Klarna call from the till failed: %s", error)
    if error.retryable or isinstance(error, klarna_errors.AuthenticationError):
        return TillError(_("Klarna could not be reached. Please try again in a moment."),
                         ErrorCode.KLARNA_UNAVAILABLE)
    if isinstance(error, klarna_errors.BadValueError) and "contact_information" in error.field:
        return TillError(_("Klarna does not accept this phone number or e-mail."),
                         ErrorCode.KLARNA_REJECTED, "phone")
    return TillError(_("Klarna refused the request: %(reason)s") % {"reason": error.message[:150]},
                     ErrorCode.KLARNA_REJECTED)


# -- search --------------------------------------------------------------------------------

class PricedVariant:
    def __init__(self, variant, gross: Decimal, vat_rate: Decimal, exact_sku: bool):
        self.variant = variant
        self.gross = gross
        self.vat_rate = vat_rate
        self.exact_sku = exact_sku


class Pricer:
    """Gross shelf price and VAT rate of variants, from Saleor's prices and tax plugins."""

    def __init__(self, default_rate: Decimal, country: str, manager=None):
        from django_countries.fields import Country
        from saleor.discount.utils import fetch_discounts

        self.manager = manager or _manager()
        self.discounts = fetch_discounts(timezone.now())
        self.country = Country(country)
        self.default_rate = default_rate
        self.include_taxes = taxes.include_taxes()

    def price(self, variant):
        price = variant.get_price(self.discounts)
        taxed = self.manager.apply_taxes_to_product(variant.product, price, self.country)
        rate = Decimal(self.manager.get_tax_rate_percentage_value(variant.product, self.country))
        if taxed.gross != taxed.net:
            gross = taxed.gross.amount
            if not rate and taxed.net.amount:
                rate = cart.cents((taxed.gross.amount / taxed.net.amount - 1) * 100)
            return cart.cents(gross), rate
        rate = rate or self.default_rate
        if self.include_taxes:
            return cart.cents(price.amount), rate
        return cart.cents(price.amount * (100 + rate) / 100), rate


def _variants():
    from saleor.product.models import ProductVariant

    return ProductVariant.objects.select_related("product", "product__product_type")


def product_search(query: str, limit: int = 20, pricer: Optional[Pricer] = None
                   ) -> List[PricedVariant]:
    """Exact SKU first (a scanned barcode), then name, part of a name or SKU prefix."""
    text = " ".join((query or "").split())[:100]
    if not text:
        return []
    limit = max(1, min(limit, 50))
    exact = list(_variants().filter(sku__iexact=text)[:1])
    condition = Q()
    for word in text.split()[:5]:
        condition &= (Q(product__name__icontains=word) | Q(name__icontains=word)
                      | Q(sku__istartswith=word))
    found = _variants().filter(condition).order_by("product__name", "name", "pk")
    if exact:
        found = found.exclude(pk=exact[0].pk)
    variants = exact + list(found[: limit - len(exact)])
    if not variants:
        return []
    if pricer is None:
        plugin = till_plugin()
        pricer = Pricer(plugin.config.default_vat_rate, settings.DEFAULT_COUNTRY)
    results = []
    for variant in variants:
        gross, rate = pricer.price(variant)
        results.append(PricedVariant(variant, gross, rate, exact_sku=bool(exact) and
                                     variant.pk == exact[0].pk))
    return results


def customers():
    """Who the till may sell to: active customer accounts, never staff."""
    from saleor.account.models import User

    return User.objects.filter(is_active=True, is_staff=False, is_superuser=False)


def customer_search(query: str, limit: int = CUSTOMER_RESULTS):
    """Customers by name, e-mail, phone (any format) or customer number (their ID).

    Names and e-mail need ``MIN_CUSTOMER_SEARCH`` characters; a number alone is a phone
    number or an exact customer number. At most ``MAX_CUSTOMER_RESULTS``."""
    text = " ".join((query or "").split())[:100]
    if not text:
        return []
    compact = text.replace(" ", "").replace("+", "").replace("-", "")
    digits = "".join(ch for ch in text if ch.isdigit())
    is_number = bool(digits) and len(digits) == len(compact)
    if not is_number and len(text.replace(" ", "")) < MIN_CUSTOMER_SEARCH:
        raise TillError(_("Type at least %(count)d characters to find a customer.")
                        % {"count": MIN_CUSTOMER_SEARCH}, ErrorCode.INVALID, "search")
    condition = Q()
    for word in text.split()[:4]:
        condition &= (Q(first_name__icontains=word) | Q(last_name__icontains=word)
                      | Q(email__icontains=word))
    if is_number and len(compact) < MIN_CUSTOMER_SEARCH:
        condition = Q(pk=int(digits))  # a short number is a customer number, nothing else
    elif is_number:
        if len(digits) >= 4:
            local = digits.lstrip("0")
            condition |= Q(addresses__phone__contains=local[-8:]) | Q(
                default_billing_address__phone__contains=local[-8:])
        if len(digits) <= 9:
            condition |= Q(pk=int(digits))
    limit = max(1, min(limit, MAX_CUSTOMER_RESULTS))
    users = (customers().filter(condition)
             .select_related("default_billing_address").distinct().order_by("email"))
    return list(users[:limit])


def customer_phone(user) -> str:
    address = user.default_billing_address or user.default_shipping_address
    if address is not None and address.phone:
        return address.phone.as_e164
    for address in user.addresses.all():
        if address.phone:
            return address.phone.as_e164
    return ""


def normalise_phone(raw: str, country: str):
    """``"22 33 44 55"`` → ``("+4722334455", "NO")``; TillError when it is not a number."""
    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise TillError(_("Enter a valid phone number."), ErrorCode.INVALID, "phone")
    region = phonenumbers.region_code_for_number(number) or country
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), region


# -- sales and carts -----------------------------------------------------------------------

def create_sale(staff, till_name: str = "", language_code: str = "") -> TillSale:
    plugin = till_plugin()
    languages = {code for code, _name in settings.LANGUAGES}
    language = language_code if language_code in languages else settings.LANGUAGE_CODE
    till_name = (till_name or "").strip()[:60]
    return TillSale.objects.create(
        staff=staff, till_name=till_name, language_code=language,
        warehouse=stock.till_warehouse(plugin, till_name),
        currency=settings.DEFAULT_CURRENCY, country=settings.DEFAULT_COUNTRY,
    )


def _locked(sale_id: int) -> TillSale:
    sale = TillSale.objects.select_for_update().filter(pk=sale_id).first()
    if sale is None:
        raise TillError(_("This sale does not exist."), ErrorCode.NOT_FOUND, "saleId")
    return sale


def _touch(sale: TillSale, *fields):
    sale.updated_at = timezone.now()
    sale.save(update_fields=["updated_at", *fields])


def _check_editable(sale: TillSale):
    if sale.status in (PLACING, PAID):
        raise TillError(_("The customer has paid; this sale cannot be changed."),
                        ErrorCode.ALREADY_PAID)
    if sale.status == CANCELLED:
        raise TillError(_("This sale was cancelled."), ErrorCode.SALE_CLOSED)


def _open_for_edit(sale: TillSale):
    """Before any cart or customer change: a link for the old cart must stop working."""
    _check_editable(sale)
    if sale.status == WAITING:
        _release_links(sale, _("The cart was changed after the link was sent."))
        sale.status = OPEN
    sale.cart_version = F("cart_version") + 1
    _touch(sale, "status", "cart_version", "note")
    sale.refresh_from_db(fields=["cart_version"])


def _check_quantity(quantity: int):
    if quantity is None or not 1 <= quantity <= MAX_QUANTITY:
        raise TillError(_("The quantity must be between 1 and %(max)d.") % {"max": MAX_QUANTITY},
                        ErrorCode.INVALID, "quantity")


def _check_price(price: Decimal, field: str, allow_negative=False):
    if price is None or not price.is_finite() or abs(price) > MAX_PRICE or (
            price < 0 and not allow_negative):
        raise TillError(_("Enter a price between 0 and %(max)s.") % {"max": MAX_PRICE},
                        ErrorCode.INVALID, field)
    if price != cart.cents(price):
        raise TillError(_("Prices have at most two decimals."), ErrorCode.INVALID, field)


def _check_room(sale):
    if sale.lines.count() >= MAX_LINES:
        raise TillError(_("A sale has at most %(max)d lines.") % {"max": MAX_LINES},
                        ErrorCode.INVALID, "lines")


def add_variant(sale_id: int, variant, quantity: int = 1) -> TillSale:
    """Add a product; the same product again (a second scan) raises the quantity."""
    _check_quantity(quantity)
    plugin = till_plugin()
    with transaction.atomic():
        sale = _locked(sale_id)
        _open_for_edit(sale)
        line = sale.lines.filter(variant=variant, is_text=False,
                                 unit_price=F("list_unit_price")).first()
        if line is not None:
            _check_quantity(line.quantity + quantity)
            line.quantity += quantity
            line.save(update_fields=["quantity"])
            return sale
        _check_room(sale)
        gross, rate = Pricer(plugin.config.default_vat_rate, sale.country).price(variant)
        TillLine.objects.create(
            sale=sale, variant=variant, name=variant.product.name,
            variant_name=variant.name if variant.name != variant.product.name else "",
            sku=variant.sku, quantity=quantity, list_unit_price=gross, unit_price=gross,
            vat_rate=rate, is_shipping_required=variant.is_shipping_required(),
        )
    return sale


def add_text_line(sale_id: int, text: str, amount: Decimal = Decimal(0),
                  vat_rate: Optional[Decimal] = None) -> TillSale:
    """A free-text receipt line: a note, an item not in the system or a deduction."""
    text = " ".join((text or "").split())
    if not text:
        raise TillError(_("Write the text of the line."), ErrorCode.REQUIRED, "text")
    if len(text) > 255:
        raise TillError(_("A line has at most 255 characters."), ErrorCode.INVALID, "text")
    amount = Decimal(amount or 0)
    _check_price(amount, "amount", allow_negative=True)
    plugin = till_plugin()
    rate = plugin.config.default_vat_rate if vat_rate is None else Decimal(vat_rate)
    if not 0 <= rate <= 100:
        raise TillError(_("The VAT rate must be between 0 and 100 %."), ErrorCode.INVALID,
                        "vatRate")
    with transaction.atomic():
        sale = _locked(sale_id)
        _open_for_edit(sale)
        _check_room(sale)
        TillLine.objects.create(
            sale=sale, is_text=True, name=text, quantity=1, list_unit_price=amount,
            unit_price=amount, vat_rate=cart.cents(rate), is_shipping_required=False,
        )
    return sale


def _line(sale, line_id) -> TillLine:
    line = sale.lines.filter(pk=line_id).first()
    if line is None:
        raise TillError(_("This line is not in the sale."), ErrorCode.NOT_FOUND, "lineId")
    return line


def update_line(sale_id: int, line_id: int, quantity: Optional[int] = None,
                unit_price: Optional[Decimal] = None, reset_price: bool = False) -> TillSale:
    """Change quantity and/or price (a gross price override; ``reset_price`` undoes it)."""
    if quantity is not None:
        _check_quantity(quantity)
    if unit_price is not None:
        _check_price(unit_price, "unitPrice")
    with transaction.atomic():
        sale = _locked(sale_id)
        line = _line(sale, line_id)
        before = (line.quantity, line.unit_price, line.list_unit_price)
        if quantity is not None:
            line.quantity = 1 if line.is_text else quantity
        if reset_price:
            line.unit_price = line.list_unit_price
        elif unit_price is not None:
            if line.is_text:
                line.list_unit_price = unit_price
            line.unit_price = unit_price
        _check_editable(sale)
        if (line.quantity, line.unit_price, line.list_unit_price) == before:
            return sale  # the same values typed again: the link sent stays valid
        _open_for_edit(sale)
        line.save(update_fields=["quantity", "unit_price", "list_unit_price"])
    return sale


def remove_line(sale_id: int, line_id: int) -> TillSale:
    with transaction.atomic():
        sale = _locked(sale_id)
        line = _line(sale, line_id)
        _open_for_edit(sale)
        line.delete()
    return sale


def set_customer(sale_id: int, customer=None, phone: Optional[str] = None,
                 email: Optional[str] = None) -> TillSale:
    """An existing customer (their phone and e-mail unless typed) or a typed phone/e-mail."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    with transaction.atomic():
        sale = _locked(sale_id)
        country = sale.country
        if phone is None and customer is not None:
            phone = customer_phone(customer)
        if email is None and customer is not None:
            email = customer.email
        phone = (phone or "").strip()
        email = (email or "").strip()
        number, region = normalise_phone(phone, country) if phone else ("", "")
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise TillError(_("Enter a valid e-mail address."), ErrorCode.INVALID, "email")
        _check_editable(sale)
        if (sale.customer_id, sale.phone, sale.email) == (
                customer.pk if customer else None, number, email.lower()):
            return sale  # nothing changed: the link sent stays valid
        _open_for_edit(sale)
        sale.customer = customer
        sale.phone, sale.phone_country, sale.email = number, region, email.lower()
        _touch(sale, "customer", "phone", "phone_country", "email")
    return sale


# -- Klarna links --------------------------------------------------------------------------

def send_link(sale_id: int, resend: bool = False) -> TillSale:
    """Send the payment link by SMS (or e-mail when there is no phone).

    Repeating the call (a double click, a retry after a timeout) sends nothing new while
    the link for this cart is alive; ``resend`` sends the same link again.
    """
    import json

    from . import callbacks

    plugin = till_plugin()
    client = klarna_client()
    with transaction.atomic():
        sale = _locked(sale_id)
        if sale.status in (PLACING, PAID):
            raise TillError(_("The customer has paid already."), ErrorCode.ALREADY_PAID)
        if sale.status == CANCELLED:
            raise TillError(_("This sale was cancelled."), ErrorCode.SALE_CLOSED)
        lines = list(sale.lines.select_related("variant"))
        totals = cart.cart_totals(lines)
        if not lines or totals.total <= 0:
            raise TillError(_("Add articles before sending the payment link."),
                            ErrorCode.EMPTY_CART, "lines")
        if not sale.phone and not sale.email:
            raise TillError(_("Enter the customer's phone number."), ErrorCode.NO_CONTACT,
                            "phone")
        link = sale.current_link()
        if link is not None and link.status not in LINK_FINAL:
            if resend:
                _distribute(client, sale, link)
                link.save(update_fields=["send_count", "sent_to", "updated_at"])
            return sale
        _check_stock(plugin, sale, lines)
        for line in lines:
            line.sale = sale
        data = cart.klarna_order_data(sale, lines)
        body = data.as_dict()
        body["acquiring_channel"] = "IN_STORE"
        body["merchant_reference1"] = f"till-{sale.pk}"
        body["merchant_reference2"] = f"v{sale.cart_version}"
        secret = new_secret()
        body["merchant_urls"] = {"notification": callbacks.notification_url(plugin, sale, secret)}
        try:
            session = client.create_session(body)
            link = TillPaymentLink(sale=sale, cart_version=sale.cart_version, secret=secret,
                                   payment_session_id=session.session_id,
                                   order_amount=data.order_amount, order_body=json.dumps(body))
            hpp = client.create_hpp_session(
                session.session_id,
                merchant_urls={"status_update": callbacks.status_url(plugin, sale, secret)},
                options={"place_order_mode": "PLACE_ORDER", "purchase_type": "BUY"},
            )
        except klarna_errors.KlarnaError as error:
            raise klarna_failure(error)
        link.hpp_session_id = hpp.session_id
        link.link_url = hpp.redirect_url
        link.expires_at = timezone.now() + timezone.timedelta(
            minutes=plugin.config.link_lifetime_minutes)
        try:
            _distribute(client, sale, link)
        except TillError:
            try:  # nobody has the link: do not leave it payable
                client.disable_hpp_session(hpp.session_id)
            except klarna_errors.KlarnaError:
                pass
            raise
        link.save()
        sale.status = WAITING
        sale.note = ""
        _touch(sale, "status", "note")
    return sale


def _check_stock(plugin, sale: TillSale, lines):
    """Before the customer can pay: the till's warehouse must hold the cart's products."""
    if not stock.needs_warehouse(lines):
        return
    if sale.warehouse is None:
        sale.warehouse = stock.till_warehouse(plugin, sale.till_name)
        if sale.warehouse is None:
            raise TillError(_("This till has no warehouse to sell from. Set one in the till's "
                              "settings."), ErrorCode.NO_WAREHOUSE, "tillName")
        _touch(sale, "warehouse")
    short = stock.shortages(sale.warehouse, lines)
    if short:
        raise TillError(_("Not enough in stock at %(warehouse)s: %(items)s.") % {
            "warehouse": sale.warehouse.name,
            "items": ", ".join(_("%(name)s (%(available)d left)") % {
                "name": s.name, "available": s.available} for s in short)},
            ErrorCode.INSUFFICIENT_STOCK, "lines")


def _distribute(client, sale, link):
    try:
        if sale.phone:
            client.distribute_hpp_session(link.hpp_session_id, method="sms", phone=sale.phone,
                                          phone_country=sale.phone_country)
            link.sent_to = sale.phone
        else:
            client.distribute_hpp_session(link.hpp_session_id, method="email", email=sale.email)
            link.sent_to = sale.email
    except klarna_errors.KlarnaError as error:
        raise klarna_failure(error)
    link.send_count += 1
    link.updated_at = timezone.now()


def _release_links(sale: TillSale, note: str):
    """Make every link of the sale unpayable; void a Klarna order placed meanwhile.

    Runs under the sale's lock. Raises TillError (and changes nothing) if Klarna cannot
    be reached, so staff can try again.
    """
    links = list(sale.links.filter(disabled=False))
    if not links:
        return
    client = klarna_client()
    sale.note = note
    for link in links:
        try:
            if link.status not in LINK_FINAL:
                try:
                    client.disable_hpp_session(link.hpp_session_id)
                    link.status = "DISABLED"
                except klarna_errors.NotFoundError:  # expired at Klarna
                    link.status = "EXPIRED"
                except klarna_errors.InvalidRequestError:
                    # "already completed": the customer paid a moment ago
                    status = client.read_hpp_session(link.hpp_session_id)
                    link.status = status.status
                    link.klarna_order_id = status.order_id or link.klarna_order_id
            if link.status == "COMPLETED" and link.klarna_order_id:
                _void_klarna_order(client, link.klarna_order_id)
                sale.note = _("The customer paid just as the sale was stopped; "
                              "Klarna's order was cancelled, nothing is charged.")
        except klarna_errors.KlarnaError as error:
            raise klarna_failure(error)
        link.disabled = True
        link.updated_at = timezone.now()
        link.save(update_fields=["status", "klarna_order_id", "disabled", "updated_at"])


def _void_klarna_order(client, order_id: str):
    try:
        client.cancel_order(order_id, idempotency_key=stable_idempotency_key(order_id, "cancel"))
    except klarna_errors.NotAllowedError:
        order = client.read_order(order_id)
        if order.status != "CANCELLED":
            raise


def cancel(sale_id: int, staff=None) -> TillSale:
    """Stop the sale at any time before payment; repeating it is harmless."""
    with transaction.atomic():
        sale = _locked(sale_id)
        if sale.status == CANCELLED:
            return sale
        if sale.status in (PLACING, PAID):
            raise TillError(_("The customer has paid; refund the order instead."),
                            ErrorCode.ALREADY_PAID)
        _release_links(sale, _("Cancelled at the till."))
        sale.status = CANCELLED
        sale.cancelled_at = timezone.now()
        _touch(sale, "status", "cancelled_at", "note")
    return sale


# -- status from Klarna --------------------------------------------------------------------

def refresh(sale_id: int) -> TillSale:
    """Poll Klarna for the live link (the fallback for lost callbacks) and act on it."""
    sale = TillSale.objects.filter(pk=sale_id).first()
    if sale is None:
        raise TillError(_("This sale does not exist."), ErrorCode.NOT_FOUND, "saleId")
    if sale.status == WAITING:
        link = sale.current_link()
        if link is not None:
            _read_and_apply(link)
            link.refresh_from_db()
            if (link.status not in LINK_FINAL and link.expires_at
                    and timezone.now() > link.expires_at):
                _expire(sale_id)
    if TillSale.objects.filter(pk=sale_id, status=PLACING).exists():
        write_order(sale_id)
    return TillSale.objects.get(pk=sale_id)


def _expire(sale_id: int):
    """The link outlived the till's link lifetime: it stops working; send a new one."""
    with transaction.atomic():
        sale = _locked(sale_id)
        if sale.status != WAITING:
            return
        _release_links(sale, _("The payment link expired."))
        sale.status = OPEN
        _touch(sale, "status", "note")


def _read_and_apply(link: TillPaymentLink):
    client = klarna_client()
    try:
        status = client.read_hpp_session(link.hpp_session_id)
    except klarna_errors.NotFoundError:
        status = None  # expired
    except klarna_errors.KlarnaError as error:
        raise klarna_failure(error)
    apply_status(link.pk, status)


def apply_status(link_id: int, status, event_id: str = "") -> bool:
    """Record what Klarna says about a link; on payment, capture. False for a repeat."""
    with transaction.atomic():
        link = TillPaymentLink.objects.select_related("sale").get(pk=link_id)
        sale = _locked(link.sale_id)
        link.refresh_from_db()
        seen = set(filter(None, link.seen_event_ids.split("\n")))
        if event_id and event_id in seen:
            return False
        if event_id:
            link.seen_event_ids = "\n".join(sorted(seen | {event_id}))[-4000:]
        if not link.disabled and link.status not in LINK_FINAL:
            link.status = "EXPIRED" if status is None else status.status
            if status is not None and status.order_id:
                link.klarna_order_id = status.order_id
        link.updated_at = timezone.now()
        link.save(update_fields=["status", "klarna_order_id", "seen_event_ids", "updated_at"])
        current = (sale.status == WAITING and not link.disabled
                   and link.cart_version == sale.cart_version)
        if current and link.status == "COMPLETED" and link.klarna_order_id:
            _capture(sale, link)
    if TillSale.objects.filter(pk=link.sale_id, status=PLACING).exists():
        write_order(link.sale_id)
    return True


def _capture(sale: TillSale, link: TillPaymentLink):
    """Under the sale lock: check Klarna's order is this cart's and take the money."""
    client = klarna_client()
    order_id = link.klarna_order_id
    try:
        order = client.read_order(order_id)
        expected = (link.order_amount, sale.currency, f"till-{sale.pk}")
        found = (order.order_amount, order.purchase_currency.upper(), order.merchant_reference1)
        if found != expected:
            logger.error("Till sale %s: Klarna order %s is %s, expected %s",
                         sale.pk, order_id, found, expected)
            _void_klarna_order(client, order_id)
            link.disabled = True
            link.save(update_fields=["disabled"])
            sale.status = OPEN
            sale.note = _("Klarna's order did not match the cart and was cancelled.")
            _touch(sale, "status", "note")
            return
        if order.fraud_status in ("PENDING", "REJECTED") and not order.captured_amount:
            _fraud_review(client, sale, link, order.fraud_status)
            return
        if order.status in ("CANCELLED", "EXPIRED", "CLOSED") and not order.captured_amount:
            link.disabled = True
            link.save(update_fields=["disabled"])
            sale.status = OPEN
            sale.note = _("Klarna's order expired before it was taken.")
            _touch(sale, "status", "note")
            return
        if order.captured_amount < order.order_amount:
            client.capture_order(
                order_id, order.order_amount - order.captured_amount,
                idempotency_key=stable_idempotency_key(order_id, "till-capture"),
                reference=f"till-{sale.pk}",
            )
    except klarna_errors.KlarnaError as error:
        raise klarna_failure(error)
    link.fraud_status = order.fraud_status
    link.save(update_fields=["fraud_status"])
    sale.klarna_order_id = order_id
    # who paid: the e-mail and address the customer gave Klarna (a phone-only sale has no other)
    sale.klarna_customer = {name: order.raw[name] for name in ("billing_address",
                                                                 "shipping_address")
                            if isinstance(order.raw.get(name), dict)}
    sale.status = PLACING
    sale.paid_at = timezone.now()
    _touch(sale, "klarna_order_id", "klarna_customer", "status", "paid_at")


def _fraud_review(client, sale: TillSale, link: TillPaymentLink, fraud_status: str):
    """Klarna holds the order for a fraud review (PENDING): nothing is captured or handed over
    until it accepts. Rejected: Klarna cancels the order; the sale is open again."""
    if fraud_status == "PENDING":
        if link.fraud_status != "PENDING":
            link.fraud_status = "PENDING"
            link.save(update_fields=["fraud_status"])
            sale.note = _("Klarna is reviewing this payment. Keep the goods until Klarna "
                          "accepts it.")
            _touch(sale, "note")
        return
    try:
        _void_klarna_order(client, link.klarna_order_id)
    except klarna_errors.NotAllowedError:  # Klarna closed it already
        pass
    link.fraud_status = "REJECTED"
    link.disabled = True
    link.save(update_fields=["fraud_status", "disabled"])
    sale.status = OPEN
    sale.note = _("Klarna rejected the payment after its review. Nothing is charged.")
    _touch(sale, "status", "note")


# -- the order -----------------------------------------------------------------------------

def write_order(sale_id: int) -> TillSale:
    """Second step after capture: the Saleor order, paid and handed over. Idempotent."""
    from . import orders

    with transaction.atomic():
        sale = _locked(sale_id)
        if sale.status != PLACING or sale.order_id:
            return sale
        plugin = till_plugin()
        order, shortage_note = orders.create_order(sale, fulfil=plugin.config.fulfil_on_payment)
        sale.order = order
        sale.status = PAID
        if shortage_note:
            sale.note = shortage_note[:255]
        _touch(sale, "order", "status", "note")
    # after the commit; the task itself makes sure a receipt goes out only once
    orders.send_receipt(sale.pk)
    return sale


def finish(sale_id: int) -> TillSale:
    """Staff pressed OK: the sale must be paid (checked with Klarna once more)."""
    sale = refresh(sale_id)
    if sale.status != PAID:
        raise TillError(_("Klarna has not confirmed the payment yet."), ErrorCode.NOT_PAID)
    if sale.finished_at is None:
        TillSale.objects.filter(pk=sale.pk, finished_at__isnull=True).update(
            finished_at=timezone.now())
        sale.refresh_from_db()
    return sale


def refresh_waiting_sales(limit: int = 100) -> int:
    """Beat task body: poll links whose callbacks may have been lost."""
    count = 0
    for sale_id in TillSale.objects.filter(status__in=(WAITING, PLACING)).values_list(
            "pk", flat=True)[:limit]:
        try:
            refresh(sale_id)
            count += 1
        except TillError as error:
            logger.warning("Till sale %s not refreshed: %s", sale_id, error.message)
    return count
