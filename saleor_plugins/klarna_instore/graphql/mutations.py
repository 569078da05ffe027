import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import Decimal

from ...core.actors import person_has_perms
from ...core.permissions import TillPermissions
from ...graphql.ids import pk_from_global_id
from .. import till
from ..models import TillSale as TillSaleModel
from ..till import ErrorCode, TillError as TillRefusal
from .types import TillError, TillSale


def _pk(global_id, type_name, field):
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise TillRefusal(_("Not a valid ID."), "graphql_error", field)
    return pk


def sale_pk(global_id, field="saleId") -> int:
    pk = _pk(global_id, "TillSale", field)
    if not TillSaleModel.objects.filter(pk=pk).exists():
        raise TillRefusal(_("This sale does not exist."), ErrorCode.NOT_FOUND, field)
    return pk


def _object(model, global_id, type_name, field):
    found = model.objects.filter(pk=_pk(global_id, type_name, field)).first()
    if found is None:
        raise TillRefusal(_("Couldn't find it: %(id)s") % {"id": global_id}, ErrorCode.NOT_FOUND,
                          field)
    return found


class TillMutation(BaseMutation):
    """Staff with USE_TILL, while the till plugin (the licence) is active."""

    sale = graphene.Field(TillSale)

    class Meta:
        abstract = True

    @classmethod
    def __init_subclass_with_meta__(cls, **options):
        options.setdefault("permissions", (TillPermissions.USE_TILL,))
        options.setdefault("error_type_class", TillError)
        options.setdefault("error_type_field", "till_errors")
        super().__init_subclass_with_meta__(**options)

    @classmethod
    def check_permissions(cls, context, permissions=None):
        # a staff member at the counter, named on the sale and its order: not an app
        return person_has_perms(context, permissions or cls._meta.permissions)

    @classmethod
    def perform_mutation(cls, _root, info, **data):
        try:
            till.till_plugin(info.context.plugins)
            sale = cls.change(info, **data)
        except TillRefusal as refusal:
            error = ValidationError(refusal.message, code=refusal.code)
            if refusal.field:
                error = ValidationError({refusal.field: error})
            raise error
        return cls(sale=TillSale.from_model(sale))

    @classmethod
    def change(cls, info, **data):
        raise NotImplementedError


class TillSaleCreate(TillMutation):
    class Arguments:
        till_name = graphene.String(description="Which till (e.g. 'Shop floor 1').")
        language_code = graphene.String(description="Language of the receipt (en, nb, sv, da, de).")

    class Meta:
        description = "Start a new sale at the till (USE_TILL)."

    @classmethod
    def change(cls, info, till_name="", language_code=""):
        return till.create_sale(info.context.user, till_name or "", language_code or "")


class TillLineAdd(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        variant_id = graphene.ID(description="A product variant picked from tillProducts.")
        sku = graphene.String(description="Exact SKU, e.g. from a barcode scanner.")
        quantity = graphene.Int(description="Default 1.")

    class Meta:
        description = "Add a product (by variant or exact SKU); the same product again adds 1."

    @classmethod
    def change(cls, info, sale_id, variant_id=None, sku=None, quantity=1):
        from saleor.product.models import ProductVariant

        pk = sale_pk(sale_id)
        if variant_id:
            variant = _object(ProductVariant, variant_id, "ProductVariant", "variantId")
        elif sku and sku.strip():
            variant = ProductVariant.objects.filter(sku__iexact=sku.strip()).first()
            if variant is None:
                raise TillRefusal(_("No product has the SKU %(sku)s.") % {"sku": sku.strip()},
                                  ErrorCode.NOT_FOUND, "sku")
        else:
            raise TillRefusal(_("Choose a product."), ErrorCode.REQUIRED, "variantId")
        return till.add_variant(pk, variant, 1 if quantity is None else quantity)


class TillTextLineAdd(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        text = graphene.String(required=True)
        amount = Decimal(description="Gross amount; negative for a deduction; default 0.")
        vat_rate = Decimal(description="VAT percent of the amount; default the shop's rate.")

    class Meta:
        description = ("Add a free-text receipt line (a note, an item not in the system or a "
                       "deduction). It is a line of the order, not a Saleor discount.")

    @classmethod
    def change(cls, info, sale_id, text, amount=None, vat_rate=None):
        from decimal import Decimal as D

        return till.add_text_line(sale_pk(sale_id), text, amount if amount is not None else D(0),
                                  vat_rate)


class TillLineUpdate(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        line_id = graphene.ID(required=True)
        quantity = graphene.Int()
        unit_price = Decimal(description="Gross unit price (VAT included) overriding the list "
                                         "price.")
        reset_price = graphene.Boolean(description="Back to the list price.")

    class Meta:
        description = "Change a line's quantity or gross unit price."

    @classmethod
    def change(cls, info, sale_id, line_id, quantity=None, unit_price=None, reset_price=False):
        pk = sale_pk(sale_id)
        return till.update_line(pk, _pk(line_id, "TillLine", "lineId"), quantity, unit_price,
                                bool(reset_price))


class TillLineRemove(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        line_id = graphene.ID(required=True)

    class Meta:
        description = "Remove a line."

    @classmethod
    def change(cls, info, sale_id, line_id):
        pk = sale_pk(sale_id)
        return till.remove_line(pk, _pk(line_id, "TillLine", "lineId"))


class TillCustomerSet(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        customer_id = graphene.ID(description="An existing customer (from tillCustomers).")
        phone = graphene.String(description="Phone for the SMS; the customer's when omitted.")
        email = graphene.String(description="E-mail for the receipt.")

    class Meta:
        description = "Set who pays: an existing customer and/or a phone number and e-mail."

    @classmethod
    def change(cls, info, sale_id, customer_id=None, phone=None, email=None):
        pk = sale_pk(sale_id)
        customer = None
        if customer_id:  # customers only: a staff account is not found
            customer = till.customers().filter(pk=_pk(customer_id, "User", "customerId")).first()
            if customer is None:
                raise TillRefusal(_("Couldn't find it: %(id)s") % {"id": customer_id},
                                  ErrorCode.NOT_FOUND, "customerId")
        return till.set_customer(pk, customer, phone, email)


class TillPaymentSend(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)
        resend = graphene.Boolean(description="Send the same link again.")

    class Meta:
        description = ("'Klarna Instore': send the customer the payment link by SMS. Repeating "
                       "it never makes a second link for the same cart.")

    @classmethod
    def change(cls, info, sale_id, resend=False):
        return till.send_link(sale_pk(sale_id), bool(resend))


class TillSaleRefresh(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)

    class Meta:
        description = "Ask Klarna for the payment status now (the till polls this)."

    @classmethod
    def change(cls, info, sale_id):
        return till.refresh(sale_pk(sale_id))


class TillSaleFinish(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)

    class Meta:
        description = "OK: close a paid sale (fails while Klarna has not confirmed payment)."

    @classmethod
    def change(cls, info, sale_id):
        return till.finish(sale_pk(sale_id))


class TillSaleCancel(TillMutation):
    class Arguments:
        sale_id = graphene.ID(required=True)

    class Meta:
        description = "Cancel: disables the link and voids anything Klarna authorized."

    @classmethod
    def change(cls, info, sale_id):
        return till.cancel(sale_pk(sale_id), info.context.user)
