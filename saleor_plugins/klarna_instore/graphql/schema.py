"""Klarna in-store till: queries, mutations and type extensions served on /graphql/."""
import graphene
from django.conf import settings
from graphql import GraphQLError
from saleor.graphql.order.types import Order
from saleor.graphql.utils import get_user_or_app_from_context

from ...core.actors import person_has_perms
from ...core.errors import permission_denied
from ...core.permissions import TillPermissions
from ...graphql.ids import pk_from_global_id
from .. import till
from ..models import SALE_STATUSES, TillSale as TillSaleModel
from .login import TillLogin, TillLogout, TillTokenRefresh
from .mutations import (
    TillCustomerSet,
    TillLineAdd,
    TillLineRemove,
    TillLineUpdate,
    TillPaymentSend,
    TillSaleCancel,
    TillSaleCreate,
    TillSaleFinish,
    TillSaleRefresh,
    TillTextLineAdd,
)
from .types import TillCustomer, TillOrderInfo, TillProduct, TillSale, TillSaleStatus


def _require_till(info):
    if not person_has_perms(info.context, [TillPermissions.USE_TILL.value]):
        raise permission_denied()  # apps too: the till is for staff members (mutations.py)
    try:
        return till.till_plugin(info.context.plugins)
    except till.TillError as error:
        raise GraphQLError(error.message)


def _limit(first):
    return max(1, min(first or 20, 50))


class KlarnaInstoreQueries(graphene.ObjectType):
    till_products = graphene.List(
        graphene.NonNull(TillProduct), required=True,
        search=graphene.String(required=True, description="Name, part of a name or SKU."),
        first=graphene.Int(description="At most 50; default 20."),
        description="Products for the till: an exact SKU first, then name matches (USE_TILL).",
    )
    till_customers = graphene.List(
        graphene.NonNull(TillCustomer), required=True,
        search=graphene.String(
            required=True, description="Name, e-mail or phone (at least 3 characters), or a "
                                       "customer number."),
        first=graphene.Int(description="At most 20; default 10."),
        description="Customer accounts (never staff) for the till (USE_TILL).",
    )
    till_sale = graphene.Field(TillSale, id=graphene.ID(required=True),
                               description="One till sale (USE_TILL).")
    till_sales = graphene.List(
        graphene.NonNull(TillSale), required=True, status=TillSaleStatus(),
        first=graphene.Int(), description="Latest till sales, newest first (USE_TILL).",
    )

    def resolve_till_products(self, info, search, first=None):
        plugin = _require_till(info)
        pricer = till.Pricer(plugin.config.default_vat_rate, settings.DEFAULT_COUNTRY,
                             info.context.plugins)
        found = till.product_search(search, _limit(first), pricer)
        from django.db.models import prefetch_related_objects

        prefetch_related_objects([f.variant for f in found], "stocks")
        return [TillProduct.from_priced(f, settings.DEFAULT_CURRENCY) for f in found]

    def resolve_till_customers(self, info, search, first=None):
        _require_till(info)
        try:
            found = till.customer_search(search, first or till.CUSTOMER_RESULTS)
        except till.TillError as error:
            raise GraphQLError(error.message)
        return [TillCustomer.from_user(u) for u in found]

    def resolve_till_sale(self, info, id):
        _require_till(info)
        pk = pk_from_global_id(id, "TillSale")
        if pk is None:
            return None
        sale = TillSaleModel.objects.filter(pk=pk).first()
        return TillSale.from_model(sale) if sale else None

    def resolve_till_sales(self, info, status=None, first=None):
        _require_till(info)
        sales = TillSaleModel.objects.all()
        if status in SALE_STATUSES:
            sales = sales.filter(status=status)
        return [TillSale.from_model(s) for s in sales[: _limit(first)]]


class KlarnaInstoreMutations(graphene.ObjectType):
    till_login = TillLogin.Field()
    till_token_refresh = TillTokenRefresh.Field()
    till_logout = TillLogout.Field()
    till_sale_create = TillSaleCreate.Field()
    till_line_add = TillLineAdd.Field()
    till_text_line_add = TillTextLineAdd.Field()
    till_line_update = TillLineUpdate.Field()
    till_line_remove = TillLineRemove.Field()
    till_customer_set = TillCustomerSet.Field()
    till_payment_send = TillPaymentSend.Field()
    till_sale_refresh = TillSaleRefresh.Field()
    till_sale_finish = TillSaleFinish.Field()
    till_sale_cancel = TillSaleCancel.Field()


def _sees_staff(info) -> bool:
    """Who may see which staff member sold an order: order managers and till staff (users
    or apps). orderByToken is public, so a customer or a token holder may not."""
    from saleor.core.permissions import OrderPermissions

    requester = get_user_or_app_from_context(info.context)
    return bool(requester) and any(
        requester.has_perms([permission]) for permission in
        (OrderPermissions.MANAGE_ORDERS.value, TillPermissions.USE_TILL.value))


def resolve_order_till_sale(root, info):
    sale = TillSaleModel.objects.filter(order_id=root.pk).select_related("staff").first()
    if sale is None:
        return None
    shown = TillOrderInfo(sale_id=graphene.Node.to_global_id("TillSale", sale.pk),
                          till_name=sale.till_name, staff_name=None, staff_email=None)
    if _sees_staff(info):
        staff = sale.staff
        shown.staff_name = (f"{staff.first_name} {staff.last_name}".strip() or staff.email
                            if staff else "")
        shown.staff_email = staff.email if staff else ""
    return shown


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = [
    (Order, "till_sale",
     graphene.Field(TillOrderInfo, description="The till and staff member that sold it."),
     resolve_order_till_sale),
]
