"""Loyalty points: queries, mutations and type extensions served on /graphql/."""
import graphene
from django.db.models import Avg, Count
from saleor.graphql.account.types import User
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.order.types import Order
from saleor.graphql.product.types import Product
from saleor.graphql.utils import get_user_or_app_from_context

from .. import earning, ledger, program
from ..models import OrderPoints, ProductReview
from . import staff
from .access import can_manage, permission_denied, point_value
from .mutations import (
    CheckoutLoyaltyPointsApply,
    CheckoutLoyaltyPointsRemove,
    LoyaltyCustomerExclude,
    LoyaltyPointsAdjust,
    LoyaltyProductUpdate,
    LoyaltyReferralClaim,
    ProductReviewCreate,
    ProductReviewModerate,
    checkout_loyalty,
    customer_or_error,
)
from .types import (
    CheckoutLoyalty,
    LoyaltyAccountType,
    OrderLoyalty,
    ProductReviewStatus,
    ProductReviewType,
)


class LoyaltyQueries(graphene.ObjectType):
    loyalty_account = graphene.Field(
        LoyaltyAccountType, user_id=graphene.ID(required=True),
        description="A customer's points and ledger (MANAGE_LOYALTY).")
    product_reviews = graphene.List(
        graphene.NonNull(ProductReviewType), required=True, status=ProductReviewStatus(),
        first=graphene.Int(default_value=50), offset=graphene.Int(default_value=0),
        description="Reviews to moderate, newest first (MANAGE_LOYALTY).")
    loyalty_customers = staff.loyalty_customers
    loyalty_products = staff.loyalty_products

    def resolve_loyalty_account(self, info, user_id):
        if not can_manage(info):
            permission_denied()
        from django.core.exceptions import ValidationError

        try:
            customer = customer_or_error(user_id)
        except ValidationError:
            return None
        return LoyaltyAccountType(ledger.account_for(customer), point_value(info), staff=True)

    def resolve_product_reviews(self, info, status=None, first=50, offset=0):
        if not can_manage(info):
            permission_denied()
        reviews = ProductReview.objects.select_related("product")
        if status:
            reviews = reviews.filter(status=status)
        offset = max(offset, 0)
        page = reviews[offset:offset + max(min(first, 100), 0)]
        return [ProductReviewType.from_model(r) for r in page]


class LoyaltyMutations(graphene.ObjectType):
    checkout_loyalty_points_apply = CheckoutLoyaltyPointsApply.Field()
    checkout_loyalty_points_remove = CheckoutLoyaltyPointsRemove.Field()
    loyalty_points_adjust = LoyaltyPointsAdjust.Field()
    loyalty_customer_exclude = LoyaltyCustomerExclude.Field()
    loyalty_product_update = LoyaltyProductUpdate.Field()
    loyalty_referral_claim = LoyaltyReferralClaim.Field()
    product_review_create = ProductReviewCreate.Field()
    product_review_moderate = ProductReviewModerate.Field()


def resolve_user_loyalty(root, info):
    """The customer's own points, or any customer's for MANAGE_LOYALTY."""
    user = info.context.user
    own = user.is_authenticated and user.pk == root.pk
    staff = can_manage(info)
    if not own and not staff:
        permission_denied()
    account = ledger.account_for(root, create=own or staff)
    return LoyaltyAccountType(account, point_value(info), staff=staff) if account else None


def resolve_checkout_loyalty(root, info):
    return checkout_loyalty(info, root)


def resolve_order_loyalty(root, info):
    from saleor.core.permissions import OrderPermissions

    user = info.context.user
    own = user.is_authenticated and root.user_id == user.pk
    requester = get_user_or_app_from_context(info.context)
    staff = bool(requester) and (requester.has_perms([OrderPermissions.MANAGE_ORDERS.value])
                                 or can_manage(info))
    if not own and not staff:
        return None
    record = OrderPoints.objects.filter(order=root).first()
    return OrderLoyalty.from_record(record) if record else None


def resolve_product_loyalty_points(root, info):
    """What buying one unit earns, priced like Saleor's ``pricing`` field (batched)."""
    from django.conf import settings
    from django_countries.fields import Country
    from promise import Promise
    from saleor.graphql.discount.dataloaders import DiscountsByDateTimeLoader
    from saleor.graphql.product.dataloaders import (
        CollectionsByProductIdLoader,
        ProductVariantsByProductIdLoader,
    )

    context = info.context
    plugin = program.active_plugin(context.plugins)
    if plugin is None:
        return 0
    if not program.earns(root.pk, program.product_exceptions(plugin._store)):
        return 0
    country = getattr(context, "country", None) or Country(settings.DEFAULT_COUNTRY)

    def points(loaded):
        variants, collections, discounts = loaded
        return earning.product_points(root, variants, collections, discounts, plugin.config,
                                      context.plugins, country)

    return Promise.all([
        ProductVariantsByProductIdLoader(context).load(root.pk),
        CollectionsByProductIdLoader(context).load(root.pk),
        DiscountsByDateTimeLoader(context).load(context.request_time),
    ]).then(points)


def resolve_product_reviews(root, info):
    return [ProductReviewType.from_model(r) for r in
            ProductReview.objects.filter(product=root, status=ProductReview.APPROVED)]


class ProductRating(graphene.ObjectType):
    average = graphene.Float(description="Average of approved ratings; null without any.")
    count = graphene.Int(required=True)


def resolve_product_rating(root, info):
    totals = ProductReview.objects.filter(product=root, status=ProductReview.APPROVED).aggregate(
        average=Avg("rating"), count=Count("pk"))
    average = round(float(totals["average"]), 2) if totals["average"] is not None else None
    return ProductRating(average=average, count=totals["count"])


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = [
    (User, "loyalty", graphene.Field(
        LoyaltyAccountType,
        description="Loyalty points: the customer's own, or any for MANAGE_LOYALTY."),
     resolve_user_loyalty),
    (Checkout, "loyalty", graphene.Field(
        graphene.NonNull(CheckoutLoyalty),
        description="Points this checkout earns, can spend and spends."),
     resolve_checkout_loyalty),
    (Order, "loyalty", graphene.Field(
        OrderLoyalty,
        description="Points the order earned and spent (its customer and staff)."),
     resolve_order_loyalty),
    (Product, "loyalty_points", graphene.Field(
        graphene.NonNull(graphene.Int), description="Points buying this product earns."),
     resolve_product_loyalty_points),
    (Product, "reviews", graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(ProductReviewType))),
        description="Approved reviews, newest first."),
     resolve_product_reviews),
    (Product, "rating", graphene.Field(graphene.NonNull(ProductRating),
                                       description="Average of the approved reviews."),
     resolve_product_rating),
]

