import graphene
from django.db.models import Sum
from prices import Money as PricesMoney
from saleor.graphql.core.types import Error, Money

from ...core.errors import register_error_codes
from .. import ledger, reversal
from ..models import KINDS, RETURN_REDEEMED, STATUSES, LedgerEntry, ProductReview


@register_error_codes
class LoyaltyErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    INSUFFICIENT_POINTS = "loyalty_insufficient_points"
    NOT_ALLOWED = "loyalty_not_allowed"
    NOT_PURCHASED = "loyalty_not_purchased"
    ALREADY_REFERRED = "loyalty_already_referred"


class LoyaltyError(Error):
    code = LoyaltyErrorCode(description="The error code.", required=True)
    available_points = graphene.Int(
        description="With INSUFFICIENT_POINTS: the most points that can be used.")


LoyaltyEntryKind = graphene.Enum("LoyaltyEntryKind", [(k.upper(), k) for k in KINDS])
LoyaltyEntryStatus = graphene.Enum("LoyaltyEntryStatus", [(s.upper(), s) for s in STATUSES])
ProductReviewStatus = graphene.Enum("ProductReviewStatus", [
    ("PENDING", ProductReview.PENDING), ("APPROVED", ProductReview.APPROVED),
    ("REJECTED", ProductReview.REJECTED)])


def money(amount, currency):
    return PricesMoney(amount, currency)


def shop_currency():
    from django.conf import settings

    return settings.DEFAULT_CURRENCY


class LoyaltyLedgerEntry(graphene.ObjectType):
    id = graphene.ID(required=True)
    kind = graphene.Field(LoyaltyEntryKind, required=True)
    status = graphene.Field(LoyaltyEntryStatus, required=True,
                            description="PENDING points wait for the order's payment.")
    points = graphene.Int(required=True, description="Signed change of the balance.")
    remaining = graphene.Int(required=True, description="Earned points not yet used.")
    expires_at = graphene.DateTime()
    created_at = graphene.DateTime(required=True)
    order_id = graphene.ID()
    reason = graphene.String(required=True)
    staff_email = graphene.String(description="Staff member who adjusted (staff only).")
    app_name = graphene.String(description="Saleor app that adjusted (staff only).")

    @staticmethod
    def from_model(entry: LedgerEntry, staff=False):
        return LoyaltyLedgerEntry(
            id=graphene.Node.to_global_id("LoyaltyLedgerEntry", entry.pk), kind=entry.kind,
            status=entry.status, points=entry.points, remaining=entry.remaining,
            expires_at=entry.expires_at, created_at=entry.created_at,
            order_id=graphene.Node.to_global_id("Order", entry.order_id)
            if entry.order_id else None,
            reason=entry.reason,
            staff_email=entry.staff_user.email if staff and entry.staff_user else None,
            app_name=entry.app.name if staff and entry.app_id else None,
        )


class LoyaltyAccountType(graphene.ObjectType):
    balance = graphene.Int(required=True, description="Spendable points (the ledger's sum).")
    reserved = graphene.Int(required=True, description="Points held by open checkouts.")
    available = graphene.Int(required=True, description="Balance minus held points.")
    value = graphene.Field(Money, required=True, description="What the balance is worth.")
    pending = graphene.Int(required=True, description="Earned points waiting for payment.")
    points_expiring_soon = graphene.Int(
        required=True, days=graphene.Int(default_value=30),
        description="Points that expire within `days`.")
    next_expiry = graphene.DateTime(description="When the next points expire.")
    referral_code = graphene.String(required=True)
    excluded = graphene.Boolean(required=True, description="Excluded by staff from the programme.")
    user_email = graphene.String(required=True)
    history = graphene.List(
        graphene.NonNull(LoyaltyLedgerEntry), required=True,
        first=graphene.Int(default_value=50), offset=graphene.Int(default_value=0),
        description="Ledger entries, newest first (at most 100 per page).")
    orders = graphene.List(
        graphene.NonNull(lambda: LoyaltyOrder), required=True,
        first=graphene.Int(default_value=10), offset=graphene.Int(default_value=0),
        description="The customer's orders with the points each earned and spent, newest "
                    "first (at most 100 per page).")

    class Meta:
        name = "LoyaltyAccount"

    def __init__(self, account, point_value=None, staff=False):
        super().__init__()
        self.account = account
        self.point_value = point_value
        self.staff = staff

    def resolve_balance(self, info):
        return self.account.balance

    def resolve_reserved(self, info):
        return ledger.reserved_points(self.account)

    def resolve_available(self, info):
        return ledger.available_points(self.account)

    def resolve_value(self, info):
        from decimal import Decimal

        worth = Decimal(max(self.account.balance, 0)) * (self.point_value or Decimal(0))
        return money(worth.quantize(Decimal("0.01")), shop_currency())

    def resolve_pending(self, info):
        from ..models import PENDING

        return LedgerEntry.objects.filter(account=self.account, status=PENDING).aggregate(
            total=Sum("points"))["total"] or 0

    def resolve_points_expiring_soon(self, info, days=30):
        return ledger.expiring_soon(self.account, max(min(days, 3650), 0))

    def resolve_next_expiry(self, info):
        from django.utils import timezone

        return LedgerEntry.objects.filter(
            account=self.account, status="posted", remaining__gt=0,
            expires_at__gt=timezone.now()).order_by("expires_at").values_list(
            "expires_at", flat=True).first()

    def resolve_referral_code(self, info):
        return self.account.referral_code

    def resolve_excluded(self, info):
        return self.account.excluded

    def resolve_user_email(self, info):
        return self.account.user.email

    def resolve_history(self, info, first=50, offset=0):
        first = max(min(first, 100), 0)
        offset = max(offset, 0)
        entries = LedgerEntry.objects.filter(account=self.account).select_related(
            "staff_user", "app")[offset:offset + first]
        return [LoyaltyLedgerEntry.from_model(e, staff=self.staff) for e in entries]

    def resolve_orders(self, info, first=10, offset=0):
        from ..models import OrderPoints
        from ..staff_search import customer_orders

        orders = customer_orders(self.account.user, first, offset)
        records = {r.order_id: r for r in OrderPoints.objects.filter(order__in=orders)}
        return [LoyaltyOrder.from_order(order, records.get(order.pk)) for order in orders]


class CheckoutLoyalty(graphene.ObjectType):
    points_to_earn = graphene.Int(required=True,
                                  description="Points this order will earn once paid.")
    points_usable = graphene.Int(required=True,
                                 description="Most points this checkout may spend now.")
    usable_value = graphene.Field(Money, required=True, description="What those points are worth.")
    points_applied = graphene.Int(required=True, description="Points spent on this checkout.")
    discount = graphene.Field(Money, required=True,
                              description="The 'Redeemed points' discount in the total.")
    discount_name = graphene.String(required=True)
    balance = graphene.Int(required=True)
    not_usable_reason = graphene.String(
        description="Why no points can be used: GUEST, EXCLUDED, NO_POINTS, "
                    "MINIMUM_BALANCE, NO_PRODUCTS, INACTIVE.")


class OrderLoyalty(graphene.ObjectType):
    points_earned = graphene.Int(required=True)
    earned_status = graphene.Field(LoyaltyEntryStatus,
                                   description="PENDING until paid (or fulfilled).")
    points_redeemed = graphene.Int(required=True)
    redeemed_amount = graphene.Field(Money, required=True)
    discount_name = graphene.String(required=True)
    points_reversed = graphene.Int(required=True, description="Earned points taken back.")
    points_returned = graphene.Int(required=True, description="Spent points given back.")

    @staticmethod
    def from_record(record):
        from ..models import PENDING, POSTED, VOIDED

        earn = LedgerEntry.objects.filter(key=ledger.purchase_key(record.order_id)).first()
        status = None
        if earn is not None:
            status = earn.status if earn.status in (PENDING, POSTED, VOIDED) else None
        returned = LedgerEntry.objects.filter(
            order_id=record.order_id, kind=RETURN_REDEEMED).order_by().aggregate(
            total=Sum("points"))["total"] or 0
        return OrderLoyalty(
            points_earned=record.points_earned, earned_status=status,
            points_redeemed=record.points_redeemed,
            redeemed_amount=money(record.redeemed_amount, record.currency),
            discount_name=discount_name(),
            points_reversed=reversal.purchase_points_reversed(record, earn),
            points_returned=returned,
        )


class LoyaltyOrder(graphene.ObjectType):
    """One order of a customer and its points (null: the order earned and spent none)."""

    order_id = graphene.ID(required=True)
    number = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    total = graphene.Field(Money, required=True)
    loyalty = graphene.Field(OrderLoyalty)

    @staticmethod
    def from_order(order, record):
        return LoyaltyOrder(
            order_id=graphene.Node.to_global_id("Order", order.pk),
            number=str(getattr(order, "number", None) or order.pk), created_at=order.created,
            total=order.total_gross,
            loyalty=OrderLoyalty.from_record(record) if record else None)


def discount_name():
    from django.utils.translation import gettext as _

    return _("Redeemed points")


class ProductReviewType(graphene.ObjectType):
    id = graphene.ID(required=True)
    product_id = graphene.ID(required=True)
    rating = graphene.Int(required=True)
    text = graphene.String(required=True)
    author_name = graphene.String(required=True)
    status = graphene.Field(ProductReviewStatus, required=True)
    created_at = graphene.DateTime(required=True)
    product_name = graphene.String(required=True, description="The reviewed product's name.")

    class Meta:
        name = "ProductReview"

    @staticmethod
    def from_model(review: ProductReview):
        found = ProductReviewType(
            id=graphene.Node.to_global_id("ProductReview", review.pk),
            product_id=graphene.Node.to_global_id("Product", review.product_id),
            rating=review.rating, text=review.text, author_name=review.author_name,
            status=review.status, created_at=review.created_at,
        )
        found.review = review  # the product is read only when its name is asked for
        return found

    def resolve_product_name(self, info):
        return self.review.product.name
