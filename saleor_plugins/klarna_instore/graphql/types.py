import graphene
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.core.types import Error, Money

from ...core.errors import register_error_codes
from ...klarna.amounts import from_minor_units
from .. import cart, models
from ..till import ErrorCode

TillErrorCode = register_error_codes(graphene.Enum(
    "TillErrorCode",
    [("GRAPHQL_ERROR", "graphql_error")] + [(code.upper(), code) for code in ErrorCode.ALL],
))


class TillError(Error):
    code = TillErrorCode(description="The error code.", required=True)


TillSaleStatus = graphene.Enum("TillSaleStatus", [(s.upper(), s) for s in models.SALE_STATUSES])

# Klarna hosted-page status → what the till shows
PAYMENT_STATUS = {
    "WAITING": "SENT",
    "IN_PROGRESS": "OPENED",
    "FAILED": "DECLINED",
    "ERROR": "DECLINED",
    "BACK": "OPENED",
    "CANCELLED": "CANCELLED_BY_CUSTOMER",
    "COMPLETED": "PAID",
    "DISABLED": "DISABLED",
    "EXPIRED": "EXPIRED",
}
TillPaymentStatus = graphene.Enum("TillPaymentStatus", [
    ("NOT_SENT", "NOT_SENT"),
    ("SENT", "SENT"),
    ("OPENED", "OPENED"),
    ("DECLINED", "DECLINED"),
    ("CANCELLED_BY_CUSTOMER", "CANCELLED_BY_CUSTOMER"),
    ("PAID", "PAID"),
    ("IN_REVIEW", "IN_REVIEW"),
    ("DISABLED", "DISABLED"),
    ("EXPIRED", "EXPIRED"),
    ("CANCELLED", "CANCELLED"),
])


def _money(amount, currency):
    return cart.money(amount, currency)


def _gid(type_name, pk):
    return graphene.Node.to_global_id(type_name, pk) if pk else None


def _person(user) -> str:
    if user is None:
        return ""
    return f"{user.first_name} {user.last_name}".strip() or user.email


class TillVatGroup(graphene.ObjectType):
    rate = Decimal(required=True, description="VAT rate in percent.")
    net = graphene.Field(Money, required=True)
    vat = graphene.Field(Money, required=True)
    gross = graphene.Field(Money, required=True)


class TillCustomer(graphene.ObjectType):
    id = graphene.ID(required=True, description="The customer's User ID.")
    customer_number = graphene.String(required=True)
    name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = graphene.String(required=True)

    @staticmethod
    def from_user(user):
        from ..till import customer_phone

        return TillCustomer(id=_gid("User", user.pk), customer_number=str(user.pk),
                            name=_person(user) if (user.first_name or user.last_name) else "",
                            email=user.email, phone=customer_phone(user))


class TillProduct(graphene.ObjectType):
    variant_id = graphene.ID(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String(required=True)
    price = graphene.Field(Money, required=True, description="Gross shelf price.")
    vat_rate = Decimal(required=True)
    quantity_available = graphene.Int(required=True)
    exact_sku = graphene.Boolean(required=True, description="The search text was this SKU.")

    @staticmethod
    def from_priced(found, currency):
        variant = found.variant
        available = sum(max(s.quantity, 0) for s in variant.stocks.all())
        return TillProduct(
            variant_id=_gid("ProductVariant", variant.pk), product_name=variant.product.name,
            variant_name=variant.name if variant.name != variant.product.name else "",
            sku=variant.sku, price=_money(found.gross, currency), vat_rate=found.vat_rate,
            quantity_available=available, exact_sku=found.exact_sku,
        )


class TillLine(graphene.ObjectType):
    id = graphene.ID(required=True)
    variant_id = graphene.ID()
    is_text = graphene.Boolean(required=True, description="A free-text receipt line.")
    name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    list_unit_price = graphene.Field(Money, required=True, description="Gross list price.")
    unit_price = graphene.Field(Money, required=True, description="Gross price charged.")
    price_change = graphene.Field(Money, required=True,
                                  description="unitPrice - listUnitPrice (negative = discount).")
    price_overridden = graphene.Boolean(required=True)
    total = graphene.Field(Money, required=True, description="Gross line sum.")
    vat_rate = Decimal(required=True)
    vat = graphene.Field(Money, required=True)

    @staticmethod
    def from_model(line, currency):
        amounts = cart.line_amounts(line)
        return TillLine(
            id=_gid("TillLine", line.pk), variant_id=_gid("ProductVariant", line.variant_id),
            is_text=line.is_text, name=line.name, variant_name=line.variant_name, sku=line.sku,
            quantity=line.quantity, list_unit_price=_money(line.list_unit_price, currency),
            unit_price=_money(line.unit_price, currency),
            price_change=_money(amounts.price_change, currency),
            price_overridden=not line.is_text and line.unit_price != line.list_unit_price,
            total=_money(amounts.total, currency), vat_rate=line.vat_rate,
            vat=_money(amounts.vat, currency),
        )


class TillPaymentLink(graphene.ObjectType):
    status = graphene.Field(TillPaymentStatus, required=True)
    klarna_status = graphene.String(required=True, description="Klarna's hosted-page status.")
    klarna_fraud_status = graphene.String(
        required=True, description="Klarna's fraud status of the paid order: ACCEPTED, PENDING "
                                   "(in review: keep the goods), REJECTED; empty before payment.")
    url = graphene.String(required=True)
    sent_to = graphene.String(required=True)
    send_count = graphene.Int(required=True)
    amount = graphene.Field(Money, required=True)
    expires_at = graphene.DateTime()


class TillSale(graphene.ObjectType):
    id = graphene.ID(required=True)
    status = graphene.Field(TillSaleStatus, required=True)
    payment_status = graphene.Field(TillPaymentStatus, required=True,
                                    description="Live status of the payment link.")
    till_name = graphene.String(required=True)
    warehouse_name = graphene.String(
        required=True, description="The till's warehouse, where the goods are taken from.")
    staff_name = graphene.String(required=True)
    staff_email = graphene.String(required=True)
    customer = graphene.Field(TillCustomer)
    phone = graphene.String(required=True)
    email = graphene.String(required=True)
    language_code = graphene.String(required=True)
    cart_version = graphene.Int(required=True)
    lines = graphene.List(graphene.NonNull(TillLine), required=True)
    item_count = graphene.Int(required=True)
    total = graphene.Field(Money, required=True)
    net = graphene.Field(Money, required=True)
    vat_total = graphene.Field(Money, required=True)
    vat_groups = graphene.List(graphene.NonNull(TillVatGroup), required=True)
    link = graphene.Field(TillPaymentLink, description="The link for the current cart.")
    note = graphene.String(required=True)
    order_id = graphene.ID()
    order_number = graphene.String()
    created_at = graphene.DateTime(required=True)
    updated_at = graphene.DateTime(required=True)
    paid_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    cancelled_at = graphene.DateTime()

    @staticmethod
    def from_model(sale):
        sale = models.TillSale.objects.select_related("staff", "customer", "warehouse").get(
            pk=sale.pk)
        lines = list(sale.lines.all())
        for line in lines:
            line.sale = sale
        totals = cart.cart_totals(lines)
        currency = sale.currency
        link = sale.links.order_by("-pk").first()
        link_type = None
        payment_status = "NOT_SENT"
        if link is not None and link.cart_version == sale.cart_version:
            payment_status = PAYMENT_STATUS.get(link.status, "SENT")
            if link.fraud_status == "PENDING" and sale.status == models.WAITING:
                payment_status = "IN_REVIEW"
            link_type = TillPaymentLink(
                status=payment_status, klarna_status=link.status,
                klarna_fraud_status=link.fraud_status, url=link.link_url,
                sent_to=link.sent_to, send_count=link.send_count,
                amount=from_minor_units(link.order_amount, currency),
                expires_at=link.expires_at,
            )
        if sale.status == models.PAID:
            payment_status = "PAID"
        elif sale.status == models.CANCELLED:
            payment_status = "CANCELLED"
        return TillSale(
            id=_gid("TillSale", sale.pk), status=sale.status, payment_status=payment_status,
            till_name=sale.till_name,
            warehouse_name=sale.warehouse.name if sale.warehouse else "",
            staff_name=_person(sale.staff),
            staff_email=sale.staff.email if sale.staff else "",
            customer=TillCustomer.from_user(sale.customer) if sale.customer else None,
            phone=sale.phone, email=sale.email, language_code=sale.language_code,
            cart_version=sale.cart_version,
            lines=[TillLine.from_model(line, currency) for line in lines],
            item_count=totals.item_count, total=_money(totals.total, currency),
            net=_money(totals.net, currency), vat_total=_money(totals.vat, currency),
            vat_groups=[TillVatGroup(rate=g.rate, net=_money(g.net, currency),
                                     vat=_money(g.vat, currency),
                                     gross=_money(g.gross, currency))
                        for g in totals.vat_groups],
            link=link_type, note=sale.note,
            order_id=_gid("Order", sale.order_id),
            order_number=str(sale.order_id) if sale.order_id else None,
            created_at=sale.created_at, updated_at=sale.updated_at, paid_at=sale.paid_at,
            finished_at=sale.finished_at, cancelled_at=sale.cancelled_at,
        )


class TillOrderInfo(graphene.ObjectType):
    sale_id = graphene.ID(required=True)
    till_name = graphene.String(required=True)
    staff_name = graphene.String(
        description="Who sold it; null unless the requester has MANAGE_ORDERS or USE_TILL.")
    staff_email = graphene.String(
        description="The staff member's e-mail; null unless the requester has MANAGE_ORDERS "
                    "or USE_TILL.")
