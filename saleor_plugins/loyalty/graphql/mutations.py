import graphene
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from saleor.graphql.checkout.types import Checkout as CheckoutType
from saleor.graphql.core.mutations import BaseMutation

from ...core.actors import actor
from ...core.permissions import LoyaltyPermissions
from ...graphql.ids import pk_from_global_id, visible_checkout
from .. import earning, ledger, orders, program
from ..models import LoyaltyAccount, ProductPointsSetting, ProductReview
from .types import (
    CheckoutLoyalty,
    LoyaltyAccountType,
    LoyaltyError,
    LoyaltyErrorCode,
    LoyaltyLedgerEntry,
    ProductReviewType,
)

CODES = LoyaltyErrorCode
MAX_ADJUSTMENT = 10_000_000


def _error(field, message, code=CODES.INVALID, **params):
    return ValidationError({field: ValidationError(message, code=code.value, params=params)})


def pk_from_id(global_id, type_name, field):
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise _error(field, _("Not a valid ID."), CODES.GRAPHQL_ERROR)
    return pk


def get_or_error(queryset, global_id, type_name, field):
    obj = queryset.filter(pk=pk_from_id(global_id, type_name, field)).first()
    if obj is None:
        raise _error(field, _("Couldn't find it: %(id)s") % {"id": global_id}, CODES.NOT_FOUND)
    return obj


def plugin_or_error(info):
    plugin = program.active_plugin(info.context.plugins)
    if plugin is None:
        raise _error("loyalty", _("Loyalty points are not available in this shop."),
                     CODES.NOT_ALLOWED)
    return plugin


class LoyaltyMutation(BaseMutation):
    class Meta:
        abstract = True


class StaffLoyaltyMutation(LoyaltyMutation):
    """Needs MANAGE_LOYALTY (set in each Meta)."""

    class Meta:
        abstract = True


class CustomerLoyaltyMutation(LoyaltyMutation):
    """Needs a logged-in customer; staff act through the staff mutations."""

    class Meta:
        abstract = True

    @classmethod
    def check_permissions(cls, context, permissions=None):
        return context.user.is_authenticated


# --- checkout -----------------------------------------------------------------------------

def checkout_loyalty(info, checkout, plugin=None) -> CheckoutLoyalty:
    """What the checkout step shows: points to earn, usable, applied and their value."""
    from .types import discount_name, money

    plugin = plugin or program.active_plugin(info.context.plugins)
    currency = checkout.currency
    zero = money(0, currency)
    if plugin is None:
        return CheckoutLoyalty(points_to_earn=0, points_usable=0, usable_value=zero,
                               points_applied=0, discount=zero, discount_name=discount_name(),
                               balance=0, not_usable_reason="INACTIVE")
    config = plugin.config
    discounts = info.context.discounts
    lines = program.checkout_lines(checkout)
    store = plugin._store
    redemption = program.evaluate(checkout, lines, discounts, config, store)
    user = checkout.user if checkout.user_id else None
    account = ledger.account_for(user, create=False) if user else None
    usable = program.usable_points(account, checkout, lines, discounts, config, store) \
        if user else program.Usable(0, "guest")
    if account is None and user is not None:
        usable = program.Usable(0, "no_points")
    earned = 0
    if user is not None and not (account and account.excluded):
        earned = earning.checkout_points(checkout, lines, discounts, config, store, redemption,
                                         info.context.plugins)
    return CheckoutLoyalty(
        points_to_earn=earned, points_usable=usable.points,
        usable_value=money(program.value_of(usable.points, config), currency),
        points_applied=redemption.points,
        discount=money(program.Decimal(redemption.cents) / 100, currency),
        discount_name=discount_name(), balance=account.balance if account else 0,
        not_usable_reason=usable.reason.upper() or None,
    )


class CheckoutLoyaltyPointsApply(LoyaltyMutation):
    checkout = graphene.Field(CheckoutType)
    loyalty = graphene.Field(CheckoutLoyalty)

    class Arguments:
        checkout_id = graphene.ID(required=True)
        points = graphene.Int(description="Points to spend.")
        maximum = graphene.Boolean(description="Spend as many points as allowed.")

    class Meta:
        description = (
            "Spend loyalty points on the customer's checkout. The points are held at once, so "
            "no other checkout can spend them; applying again replaces the amount.")
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id, points=None, maximum=False):
        plugin = plugin_or_error(info)
        user = info.context.user
        checkout = visible_checkout(checkout_id, user)
        if checkout is None:
            raise _error("checkoutId", _("Couldn't find the checkout."), CODES.NOT_FOUND)
        if not checkout.user_id or not user.is_authenticated:
            raise _error("checkoutId", _("Log in to use your points."), CODES.NOT_ALLOWED)
        if (points is None) == (not maximum):
            raise _error("points", _("Give a number of points or ask for the maximum."),
                         CODES.REQUIRED)
        if points is not None and points <= 0:
            raise _error("points", _("Enter a number of points above zero."))
        config = plugin.config
        account = ledger.account_for(checkout.user)
        lines = program.checkout_lines(checkout)
        usable = program.usable_points(account, checkout, lines, info.context.discounts, config,
                                       plugin._store)
        if usable.reason == "excluded":
            raise _error("checkoutId", _("Your account cannot use points."), CODES.NOT_ALLOWED)
        if usable.reason == "minimum_balance":
            raise _error("points", _("You need at least %(points)d points to use them.")
                         % {"points": max(config.minimum_balance, 1)}, CODES.NOT_ALLOWED)
        if usable.reason == "no_products":
            raise _error("points", _("Points cannot be used on these products."),
                         CODES.NOT_ALLOWED)
        wanted = usable.points if maximum else points
        if wanted <= 0 or usable.points <= 0:
            raise _error("points", _("You have no points to use on this order."),
                         CODES.INSUFFICIENT_POINTS, available_points=0)
        try:
            ledger.reserve(account, checkout.token, wanted, usable.points)
        except ledger.PointsError as exc:
            raise _error("points", _("You can use at most %(points)d points on this order.")
                         % {"points": exc.available}, CODES.INSUFFICIENT_POINTS,
                         available_points=exc.available)
        plugin.forget(checkout)
        return CheckoutLoyaltyPointsApply(checkout=checkout,
                                          loyalty=checkout_loyalty(info, checkout, plugin))


class CheckoutLoyaltyPointsRemove(LoyaltyMutation):
    checkout = graphene.Field(CheckoutType)
    loyalty = graphene.Field(CheckoutLoyalty)

    class Arguments:
        checkout_id = graphene.ID(required=True)

    class Meta:
        description = "Stop spending points on a checkout; the held points are free again."
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id):
        checkout = visible_checkout(checkout_id, info.context.user)
        if checkout is None:
            raise _error("checkoutId", _("Couldn't find the checkout."), CODES.NOT_FOUND)
        ledger.release(checkout.token)
        plugin = program.active_plugin(info.context.plugins)
        if plugin is not None:
            plugin.forget(checkout)
        return CheckoutLoyaltyPointsRemove(checkout=checkout,
                                           loyalty=checkout_loyalty(info, checkout, plugin))


# --- staff --------------------------------------------------------------------------------

def customer_or_error(user_id, field="userId"):
    from saleor.account.models import User

    return get_or_error(User.objects.all(), user_id, "User", field)


class LoyaltyPointsAdjust(StaffLoyaltyMutation):
    account = graphene.Field(LoyaltyAccountType)
    entry = graphene.Field(LoyaltyLedgerEntry)

    class Arguments:
        user_id = graphene.ID(required=True)
        points = graphene.Int(required=True, description="Points to add (negative: remove).")
        reason = graphene.String(required=True, description="Shown in the customer's history.")
        idempotency_key = graphene.String(
            description="Repeating a request with the same key changes nothing.")

    class Meta:
        description = "Add or remove a customer's points, with a reason (MANAGE_LOYALTY)."
        permissions = (LoyaltyPermissions.MANAGE_LOYALTY,)
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, user_id, points, reason, idempotency_key=None):
        plugin = program.active_plugin(info.context.plugins)
        customer = customer_or_error(user_id)
        reason = (reason or "").strip()
        if not reason:
            raise _error("reason", _("Give a reason."), CODES.REQUIRED)
        if len(reason) > 255:
            raise _error("reason", _("A reason has at most 255 characters."))
        if points == 0 or abs(points) > MAX_ADJUSTMENT:
            raise _error("points", _("Enter a number of points other than zero."))
        key = None
        if idempotency_key:
            if len(idempotency_key) > 80:
                raise _error("idempotencyKey", _("A key has at most 80 characters."))
            key = f"adjust:{customer.pk}:{idempotency_key}"
        account = ledger.account_for(customer)
        expiry = plugin.config.expiry_months if plugin else 0
        who = actor(info.context)
        try:
            entry = ledger.adjust(account, points, reason, who.user, key=key,
                                  expiry_months=expiry if points > 0 else 0, app=who.app)
        except ledger.PointsError as exc:
            raise _error("points", _("The customer has only %(points)d points.")
                         % {"points": exc.available}, CODES.INSUFFICIENT_POINTS,
                         available_points=exc.available)
        if entry.account_id != account.pk:
            raise _error("idempotencyKey", _("This key was used for another customer."),
                         CODES.UNIQUE)
        account.refresh_from_db()
        return LoyaltyPointsAdjust(
            account=LoyaltyAccountType(account, plugin.config.point_value if plugin else None,
                                       staff=True),
            entry=LoyaltyLedgerEntry.from_model(entry, staff=True))


class LoyaltyCustomerExclude(StaffLoyaltyMutation):
    account = graphene.Field(LoyaltyAccountType)

    class Arguments:
        user_id = graphene.ID(required=True)
        excluded = graphene.Boolean(required=True)

    class Meta:
        description = ("Exclude a customer from the programme (no earning, no spending) or "
                       "take them back in (MANAGE_LOYALTY).")
        permissions = (LoyaltyPermissions.MANAGE_LOYALTY,)
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, user_id, excluded):
        account = ledger.account_for(customer_or_error(user_id))
        LoyaltyAccount.objects.filter(pk=account.pk).update(excluded=excluded)
        if excluded:
            account.reservations.all().delete()
        account.refresh_from_db()
        plugin = program.active_plugin(info.context.plugins)
        return LoyaltyCustomerExclude(account=LoyaltyAccountType(
            account, plugin.config.point_value if plugin else None, staff=True))


class LoyaltyProductUpdate(StaffLoyaltyMutation):
    product_id = graphene.ID()
    earns_points = graphene.Boolean()
    redeemable = graphene.Boolean()

    class Arguments:
        product_id = graphene.ID(required=True)
        earns_points = graphene.Boolean(description="Buying the product earns points.")
        redeemable = graphene.Boolean(description="Points can pay for the product.")

    class Meta:
        description = "Choose whether a product earns points and can be paid with points."
        permissions = (LoyaltyPermissions.MANAGE_LOYALTY,)
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, product_id, earns_points=None, redeemable=None):
        from saleor.product.models import Product

        product = get_or_error(Product.objects.all(), product_id, "Product", "productId")
        setting, _ = ProductPointsSetting.objects.get_or_create(product=product)
        if earns_points is not None:
            setting.earns_points = earns_points
        if redeemable is not None:
            setting.redeemable = redeemable
        setting.save()
        return LoyaltyProductUpdate(product_id=product_id, earns_points=setting.earns_points,
                                    redeemable=setting.redeemable)


# --- reviews and referrals ----------------------------------------------------------------

def has_bought(user, product) -> bool:
    from saleor.order import OrderStatus
    from saleor.order.models import OrderLine

    return OrderLine.objects.filter(
        order__user=user, variant__product=product,
    ).exclude(order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELED]).exists()


class ProductReviewCreate(CustomerLoyaltyMutation):
    review = graphene.Field(ProductReviewType)

    class Arguments:
        product_id = graphene.ID(required=True)
        rating = graphene.Int(required=True, description="1 to 5.")
        text = graphene.String(description="The review (at most 5000 characters).")

    class Meta:
        description = ("Review a product you bought. It is shown once staff approve it, and "
                       "approval earns review points.")
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, product_id, rating, text=""):
        from saleor.product.models import Product

        user = info.context.user
        product = get_or_error(Product.objects.all(), product_id, "Product", "productId")
        if not 1 <= rating <= 5:
            raise _error("rating", _("Give a rating from 1 to 5."))
        text = (text or "").strip()
        if len(text) > 5000:
            raise _error("text", _("A review has at most 5000 characters."))
        if not has_bought(user, product):
            raise _error("productId", _("You can review products you have bought."),
                         CODES.NOT_PURCHASED)
        name = (user.first_name or user.email.split("@")[0]).strip()
        if user.last_name:
            name += " " + user.last_name[:1] + "."
        try:
            with transaction.atomic():
                review = ProductReview.objects.create(
                    product=product, user=user, rating=rating, text=text,
                    author_name=name[:100])  # the column's length; names may be longer
        except IntegrityError:
            raise _error("productId", _("You have already reviewed this product."),
                         CODES.UNIQUE)
        return ProductReviewCreate(review=ProductReviewType.from_model(review))


class ProductReviewModerate(StaffLoyaltyMutation):
    review = graphene.Field(ProductReviewType)
    points_awarded = graphene.Int(
        description="Points the author holds for this review (0 once it is rejected).")

    class Arguments:
        id = graphene.ID(required=True)
        approve = graphene.Boolean(required=True)

    class Meta:
        description = ("Approve a review (show it; its author gets the review points once) or "
                       "reject it (its points are taken back) (MANAGE_LOYALTY).")
        permissions = (LoyaltyPermissions.MANAGE_LOYALTY,)
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, id, approve):
        review = get_or_error(ProductReview.objects.all(), id, "ProductReview", "id")
        who = actor(info.context)
        plugin = program.active_plugin(info.context.plugins)
        review, held = orders.moderate_review(review.pk, approve,
                                              plugin.config if plugin else None,
                                              moderated_by=who.user, moderated_by_app=who.app)
        if review is None:  # deleted meanwhile
            raise _error("id", _("Couldn't find it: %(id)s") % {"id": id}, CODES.NOT_FOUND)
        return ProductReviewModerate(review=ProductReviewType.from_model(review),
                                     points_awarded=held)


class LoyaltyReferralClaim(CustomerLoyaltyMutation):
    account = graphene.Field(LoyaltyAccountType)

    class Arguments:
        code = graphene.String(required=True, description="The referral code of a friend.")

    class Meta:
        description = ("A new customer names the friend who referred them; both earn referral "
                       "points when the new customer's first order is paid.")
        error_type_class = LoyaltyError
        error_type_field = "loyalty_errors"

    @classmethod
    def perform_mutation(cls, _root, info, code):
        from saleor.order.models import Order

        plugin = plugin_or_error(info)
        user = info.context.user
        code = "".join((code or "").split()).upper()
        # only codes we could have issued reach the database (no NUL bytes, no huge strings)
        valid = 0 < len(code) <= 32 and all(c in ledger.REFERRAL_ALPHABET for c in code)
        referrer = LoyaltyAccount.objects.filter(referral_code=code).first() if valid else None
        if referrer is None:
            raise _error("code", _("This referral code is not valid."), CODES.NOT_FOUND)
        account = ledger.account_for(user)
        if referrer.pk == account.pk:
            raise _error("code", _("You cannot refer yourself."), CODES.INVALID)
        with transaction.atomic():
            account = ledger.locked(account.pk)
            if account.referred_by_id:
                raise _error("code", _("You have already been referred."),
                             CODES.ALREADY_REFERRED)
            if Order.objects.filter(user=user).exists():
                raise _error("code", _("Referral codes are for new customers."),
                             CODES.NOT_ALLOWED)
            account.referred_by = referrer
            account.save(update_fields=["referred_by"])
        return LoyaltyReferralClaim(account=LoyaltyAccountType(account,
                                                               plugin.config.point_value))
