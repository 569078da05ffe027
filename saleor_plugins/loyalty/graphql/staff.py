"""Staff look-ups for the loyalty page: customers and products, with the loyalty permission."""
import graphene
from django.utils.translation import gettext as _

from ...graphql.arguments import ArgumentError
from .. import program, staff_search
from .access import require_manager


class LoyaltyCustomer(graphene.ObjectType):
    id = graphene.ID(required=True, description="The customer's User ID.")
    email = graphene.String(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    balance = graphene.Int(required=True, description="Spendable points (0 without an account).")
    excluded = graphene.Boolean(required=True, description="Excluded from the programme.")

    @staticmethod
    def from_user(user):
        account = getattr(user, "loyalty_account", None)
        return LoyaltyCustomer(
            id=graphene.Node.to_global_id("User", user.pk), email=user.email,
            first_name=user.first_name, last_name=user.last_name,
            balance=account.balance if account else 0,
            excluded=account.excluded if account else False)


class LoyaltyProduct(graphene.ObjectType):
    id = graphene.ID(required=True, description="The Product ID.")
    name = graphene.String(required=True)
    earns_points = graphene.Boolean(required=True, description="Buying the product earns points.")
    redeemable = graphene.Boolean(required=True, description="Points can pay for the product.")

    @staticmethod
    def from_product(product, exceptions):
        return LoyaltyProduct(
            id=graphene.Node.to_global_id("Product", product.pk), name=product.name,
            earns_points=program.earns(product.pk, exceptions),
            redeemable=program.redeemable(product.pk, exceptions))


def _words_or_error(search):
    try:
        return staff_search.search_words(search)
    except staff_search.SearchError:
        raise ArgumentError("search", _("Type at least %(count)d characters.")
                            % {"count": staff_search.MIN_SEARCH})


def resolve_loyalty_customers(_root, info, search, first=20):
    require_manager(info)
    _words_or_error(search)
    return [LoyaltyCustomer.from_user(u) for u in staff_search.find_customers(search, first)]


def resolve_loyalty_products(_root, info, search, first=20):
    from ..models import ProductPointsSetting

    require_manager(info)
    _words_or_error(search)
    products = staff_search.find_products(search, first)
    exceptions = {s.product_id: s for s in
                  ProductPointsSetting.objects.filter(product__in=products)}
    return [LoyaltyProduct.from_product(p, exceptions) for p in products]


loyalty_customers = graphene.List(
    graphene.NonNull(LoyaltyCustomer), required=True, search=graphene.String(required=True),
    first=graphene.Int(default_value=20), resolver=resolve_loyalty_customers,
    description="Customers whose e-mail or name holds every word of `search` (at least 2 "
                "characters; at most 50 results) with their points (MANAGE_LOYALTY).")
loyalty_products = graphene.List(
    graphene.NonNull(LoyaltyProduct), required=True, search=graphene.String(required=True),
    first=graphene.Int(default_value=20), resolver=resolve_loyalty_products,
    description="Products by name or SKU with whether they earn points and can be paid with "
                "points (MANAGE_LOYALTY).")
