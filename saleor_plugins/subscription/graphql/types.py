import graphene
from prices import Money as PricesMoney
from saleor.graphql.account.enums import CountryCodeEnum
from saleor.graphql.account.types import Address
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.core.types import Error, Money
from saleor.graphql.shipping.types import ShippingMethod

from ...core.errors import register_error_codes
from .. import models, parcels, shipping_methods
from ..subscriptions import renewal_prices


@register_error_codes
class SubscriptionErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    SUBSCRIPTION_LOGIN_REQUIRED = "subscription_login_required"
    SUBSCRIPTION_PLAN_NOT_OFFERED = "subscription_plan_not_offered"
    SUBSCRIPTION_INTERVAL_NOT_OFFERED = "subscription_interval_not_offered"
    SUBSCRIPTION_ENDED = "subscription_ended"
    SUBSCRIPTION_NOT_FIXED_TERM = "subscription_not_fixed_term"
    SUBSCRIPTION_DATE_TOO_EARLY = "subscription_date_too_early"
    SUBSCRIPTION_DATE_CLOSED = "subscription_date_closed"
    SUBSCRIPTION_RENEWAL_IN_PROGRESS = "subscription_renewal_in_progress"
    SUBSCRIPTION_PAYMENT_REQUIRED = "subscription_payment_required"
    SUBSCRIPTION_KLARNA_UNAVAILABLE = "subscription_klarna_unavailable"
    SUBSCRIPTION_AUTHORIZATION_INVALID = "subscription_authorization_invalid"
    SUBSCRIPTION_AUTHORIZATION_USED = "subscription_authorization_used"
    SUBSCRIPTION_BILLING_STAFF_ONLY = "subscription_billing_staff_only"
    SUBSCRIPTION_PLAN_TOO_SHORT = "subscription_plan_too_short"
    SUBSCRIPTION_EXTENSION_LIMIT = "subscription_extension_limit"
    SUBSCRIPTION_SHIPPING_METHOD_UNAVAILABLE = "subscription_shipping_method_unavailable"
    SUBSCRIPTION_LINK_EXPIRED = "subscription_link_expired"
    SUBSCRIPTION_LINK_INVALID = "subscription_link_invalid"


class SubscriptionError(Error):
    code = SubscriptionErrorCode(description="The error code.", required=True)


SubscriptionPricingMode = graphene.Enum(
    "SubscriptionPricingMode", [("FIXED", models.FIXED), ("FLOATING", models.FLOATING)])
SubscriptionBilling = graphene.Enum(
    "SubscriptionBilling", [("PER_DELIVERY", models.PER_DELIVERY), ("MONTHLY", models.MONTHLY)])
ProductSubscriptionStatus = graphene.Enum(
    "ProductSubscriptionStatus", [(s.upper(), s) for s, _ in models.Subscription.STATUSES])
SubscriptionRenewalStatus = graphene.Enum(
    "SubscriptionRenewalStatus", [(s.upper(), s) for s, _ in models.Renewal.STATUSES])
PickingListFormat = graphene.Enum("PickingListFormat", [("PDF", "pdf"), ("CSV", "csv")])


def global_id(type_name, pk):
    return graphene.Node.to_global_id(type_name, pk) if pk else None


def money(amount, currency):
    return PricesMoney(amount, currency)


class SubscriptionPlan(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    product_id = graphene.ID(description="The product all of whose variants the plan covers.")
    variant_id = graphene.ID(description="The one variant the plan covers.")
    intervals = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        description="Offered intervals: a number and d (days), w (weeks) or m (months).")
    pricing_mode = graphene.Field(SubscriptionPricingMode, required=True)
    first_order_discount = Decimal(required=True, description="Percent off the first order.")
    later_order_discount = Decimal(required=True, description="Percent off each renewal.")
    deliveries = graphene.Int(description="Fixed number of deliveries; null: until cancelled.")
    max_deliveries = graphene.Int(
        description="Customers may extend a fixed term up to this many deliveries in all; "
                    "null: no extension.")
    is_active = graphene.Boolean(required=True)

    @staticmethod
    def from_model(plan):
        return SubscriptionPlan(
            id=global_id("SubscriptionPlan", plan.pk), name=plan.name,
            product_id=global_id("Product", plan.product_id),
            variant_id=global_id("ProductVariant", plan.variant_id),
            intervals=list(plan.intervals), pricing_mode=plan.pricing_mode,
            first_order_discount=plan.first_order_discount,
            later_order_discount=plan.later_order_discount, deliveries=plan.deliveries,
            max_deliveries=plan.max_deliveries, is_active=plan.is_active)


class SubscriptionRenewal(graphene.ObjectType):
    cycle = graphene.Int(required=True)
    delivery_date = graphene.Date(required=True)
    status = graphene.Field(SubscriptionRenewalStatus, required=True)
    order_id = graphene.ID()
    failed_days = graphene.Int(required=True)
    retry_on = graphene.Date()

    @staticmethod
    def from_model(renewal):
        return SubscriptionRenewal(
            cycle=renewal.cycle, delivery_date=renewal.delivery_date, status=renewal.status,
            order_id=global_id("Order", renewal.order_id), failed_days=renewal.failed_days,
            retry_on=renewal.retry_on)


class ProductSubscription(graphene.ObjectType):
    id = graphene.ID(required=True)
    status = graphene.Field(ProductSubscriptionStatus, required=True)
    customer_email = graphene.String(required=True)
    product_name = graphene.String(required=True)
    variant_name = graphene.String(required=True)
    sku = graphene.String(required=True)
    variant_id = graphene.ID()
    quantity = graphene.Int(required=True)
    plan = graphene.Field(SubscriptionPlan)
    interval = graphene.String(required=True)
    pricing_mode = graphene.Field(SubscriptionPricingMode, required=True)
    billing = graphene.Field(SubscriptionBilling, required=True)
    next_delivery_date = graphene.Date(required=True)
    next_order_date = graphene.Date(required=True)
    paused_until = graphene.Date()
    deliveries_total = graphene.Int()
    deliveries_made = graphene.Int(required=True)
    unit_price = graphene.Field(Money, required=True, description="First order's unit price.")
    renewal_unit_price = graphene.Field(
        Money, required=True,
        description="Unit price of the next renewal, after discounts, with taxes.")
    renewal_total = graphene.Field(
        Money, required=True,
        description="What the next renewal will charge at most: shipping is charged once "
        "per parcel (same customer, delivery day, address and shipping method), so it is "
        "left out once a sibling renewal of that parcel pays it, and included until then.")
    shipping_price = graphene.Field(
        Money, required=True,
        description="Shipping of the next renewal, with taxes (0 when a sibling renewal of "
        "the same parcel already pays it; otherwise the most it can be).")
    shipping_method_name = graphene.String(required=True)
    available_shipping_methods = graphene.List(
        graphene.NonNull(ShippingMethod), required=True,
        country=CountryCodeEnum(description="Another country than the shipping address's, "
                                            "to pick a method before changing the address."),
        description="Shipping methods that ship this subscription's renewals to its "
        "shipping address (or to ``country``), at their prices before taxes.")
    shipping_address = graphene.Field(Address)
    comment = graphene.String(required=True)
    first_order_id = graphene.ID()
    created_at = graphene.DateTime(required=True)
    renewals = graphene.List(graphene.NonNull(SubscriptionRenewal), required=True)

    @staticmethod
    def resolve_available_shipping_methods(root, info, country=None):
        subscription = root._subscription
        if country is None:
            country = getattr(getattr(subscription.shipping_address, "country", None), "code",
                              None)
        return list(shipping_methods.available(subscription, country))

    @staticmethod
    def from_model(sub, manager=None, ships_free=None):
        """``ships_free``: parcels.ships_free() of the whole list (one query per list)."""
        if ships_free is None:
            ships_free = parcels.ships_free([sub])
        prices = renewal_prices(sub, manager, with_shipping=sub.pk not in ships_free)
        found = ProductSubscription(
            id=global_id("ProductSubscription", sub.pk), status=sub.status,
            customer_email=sub.user.email, product_name=sub.product_name,
            variant_name=sub.variant_name, sku=sub.product_sku,
            variant_id=global_id("ProductVariant", sub.variant_id), quantity=sub.quantity,
            plan=SubscriptionPlan.from_model(sub.plan) if sub.plan else None,
            interval=sub.interval, pricing_mode=sub.pricing_mode, billing=sub.billing,
            next_delivery_date=sub.next_delivery_date, next_order_date=sub.next_order_date,
            paused_until=sub.paused_until, deliveries_total=sub.deliveries_total,
            deliveries_made=sub.deliveries_made,
            unit_price=money(sub.unit_price, sub.currency),
            renewal_unit_price=money(prices.unit.gross.amount, sub.currency),
            renewal_total=money(prices.total.gross.amount, sub.currency),
            shipping_price=money(prices.shipping.gross.amount, sub.currency),
            shipping_method_name=sub.shipping_method_name,
            shipping_address=sub.shipping_address, comment=sub.comment,
            first_order_id=global_id("Order", sub.first_order_id), created_at=sub.created_at,
            renewals=[SubscriptionRenewal.from_model(r) for r in sub.renewals.all()],
        )
        found._subscription = sub  # for resolvers that query
        return found


class SubscriptionForecastEntry(graphene.ObjectType):
    order_date = graphene.Date(required=True)
    delivery_date = graphene.Date(required=True)
    cycle = graphene.Int(required=True)
    subscription = graphene.Field(ProductSubscription, required=True)
    amount = graphene.Field(
        Money, required=True,
        description="What this renewal will charge if every charge succeeds: a parcel's "
        "shipping (same customer, delivery day, address and shipping method) is counted "
        "once, on the renewal that already pays it or else on the parcel's first entry.")


class PickingListItem(graphene.ObjectType):
    sku = graphene.String(required=True)
    name = graphene.String(required=True)
    quantity = graphene.Int(required=True)
    sources = graphene.List(graphene.NonNull(graphene.String), required=True,
                            description="Orders and subscriptions the item comes from.")


class PickingListCustomer(graphene.ObjectType):
    name = graphene.String(required=True)
    email = graphene.String(required=True)
    address = graphene.String(required=True)
    items = graphene.List(graphene.NonNull(PickingListItem), required=True)
    comments = graphene.List(graphene.NonNull(graphene.String), required=True)

    @staticmethod
    def from_report(customer):
        return PickingListCustomer(
            name=customer.name, email=customer.email, address=customer.address,
            comments=customer.comments,
            items=[PickingListItem(sku=i.sku, name=i.name, quantity=i.quantity,
                                   sources=i.sources) for i in customer.items.values()])


class PickingList(graphene.ObjectType):
    delivery_date = graphene.Date(required=True)
    customers = graphene.List(graphene.NonNull(PickingListCustomer), required=True)


class PickingListDocument(graphene.ObjectType):
    filename = graphene.String(required=True)
    content_type = graphene.String(required=True)
    content_base64 = graphene.String(required=True)


class SubscriptionHoliday(graphene.ObjectType):
    date = graphene.Date(required=True)
    name = graphene.String(required=True)


class CheckoutSubscriptionLine(graphene.ObjectType):
    line_id = graphene.ID(required=True, description="The checkout line.")
    plan = graphene.Field(SubscriptionPlan, required=True)
    interval = graphene.String(required=True)
    first_order_discount = graphene.Field(
        Money, required=True, description="What the first-order discount takes off this line.")


class SubscriptionPaymentSession(graphene.ObjectType):
    """A Klarna Payments session (intent ``TOKENIZE``): load the Klarna widget with
    ``clientToken``, call ``Klarna.Payments.authorize`` and pass the authorization token
    to ``productSubscriptionPaymentMethodUpdate``."""

    session_id = graphene.String(required=True)
    client_token = graphene.String(required=True)
    intent = graphene.String(required=True)
    expires_at = graphene.DateTime(required=True)
