"""Subscriptions: queries, mutations and type extensions served on /graphql/."""
import base64
import datetime
from decimal import Decimal

import graphene
from django.core.exceptions import ValidationError
from django.db.models import Q
from graphql import GraphQLError
from django.utils.translation import gettext as _
from graphql_jwt.exceptions import PermissionDenied
from saleor.graphql.checkout.types import Checkout

from ...graphql.arguments import ArgumentError
from .. import models, parcels, reports, self_service_links, subscriptions
from ..checkout_lines import discount_per_unit_cents
from .mutations import (
    CheckoutLineSubscriptionSet,
    ProductSubscriptionCancel,
    ProductSubscriptionExtend,
    ProductSubscriptionPause,
    ProductSubscriptionPaymentMethodUpdate,
    ProductSubscriptionPaymentSessionCreate,
    ProductSubscriptionRenewNow,
    ProductSubscriptionResume,
    ProductSubscriptionSkipNext,
    ProductSubscriptionUpdate,
    SubscriptionHolidayAdd,
    SubscriptionHolidayDelete,
    SubscriptionPlanCreate,
    SubscriptionPlanDelete,
    SubscriptionPlanUpdate,
    can_manage,
    link_customer_subscriptions,
    pk_from_id,
    visible_subscriptions,
)
from .self_service import SubscriptionAccessTokenCreate
from .types import (
    CheckoutSubscriptionLine,
    PickingList,
    PickingListCustomer,
    PickingListDocument,
    PickingListFormat,
    ProductSubscription,
    ProductSubscriptionStatus,
    SubscriptionBilling,
    SubscriptionForecastEntry,
    SubscriptionHoliday,
    SubscriptionPlan,
    money,
)

MAX_LIST = 500
MAX_RANGE_DAYS = 92


class ProductSubscriptionFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(ProductSubscriptionStatus))
    search = graphene.String(description="Customer e-mail, product name or SKU contains.")
    billing = SubscriptionBilling()
    next_delivery_from = graphene.Date()
    next_delivery_to = graphene.Date()
    plan_id = graphene.ID()
    product = graphene.String(description="Product name, variant name or SKU contains.")
    customer = graphene.String(
        description="Each word is in the customer's e-mail, first or last name.")


def _require_staff(info):
    if not can_manage(info):
        raise PermissionDenied()


def _config(info):
    plugin = subscriptions.plugin(info.context.plugins)
    if plugin is None:
        raise PermissionDenied()
    return plugin.config


def _range(start, end):
    if end < start or (end - start).days > MAX_RANGE_DAYS:
        from graphql import GraphQLError

        raise GraphQLError("Give a date range of at most %d days." % MAX_RANGE_DAYS)


def _with_related(queryset):
    return queryset.select_related("user", "plan", "shipping_address", "billing_address",
                                   "variant__product").prefetch_related(
        "renewals")


def _subscription_list(info, subscriptions):
    subscriptions = list(subscriptions)
    ships_free = parcels.ships_free(subscriptions)  # one query for the whole list
    return [ProductSubscription.from_model(s, info.context.plugins, ships_free)
            for s in subscriptions]


def query_pk(global_id, type_name, field):
    """``pk_from_id`` for queries: a malformed ID is a GraphQL error, not an unhandled one."""
    try:
        return pk_from_id(global_id, type_name, field)
    except ValidationError as error:
        raise GraphQLError(f"{field}: {error.messages[0]}")


class SubscriptionQueries(graphene.ObjectType):
    subscription_plans = graphene.List(
        graphene.NonNull(SubscriptionPlan), required=True,
        product_id=graphene.ID(), variant_id=graphene.ID(),
        description="Active plans of a product or variant (staff with MANAGE_SUBSCRIPTIONS "
        "also see inactive ones and every plan when no product is given).")
    my_subscriptions = graphene.List(
        graphene.NonNull(ProductSubscription), required=True,
        description="The logged-in customer's subscriptions.")
    product_subscription = graphene.Field(
        ProductSubscription, id=graphene.ID(required=True),
        description="One subscription: the customer's own, or any for staff.")
    product_subscriptions = graphene.List(
        graphene.NonNull(ProductSubscription), required=True,
        filter=ProductSubscriptionFilterInput(), first=graphene.Int(),
        offset=graphene.Int(description="Leave out this many (paging; ordered by next "
                                        "delivery, then creation)."),
        description="All subscriptions, filtered (MANAGE_SUBSCRIPTIONS).")
    subscription_forecast = graphene.List(
        graphene.NonNull(SubscriptionForecastEntry), required=True,
        start=graphene.Date(required=True), end=graphene.Date(required=True),
        description="Renewal orders the schedule will create, each parcel's shipping "
        "counted once (MANAGE_SUBSCRIPTIONS).")
    subscription_picking_list = graphene.Field(
        graphene.NonNull(PickingList), delivery_date=graphene.Date(required=True),
        description="What to pick per customer for a delivery day (MANAGE_SUBSCRIPTIONS).")
    subscription_picking_list_document = graphene.Field(
        graphene.NonNull(PickingListDocument), delivery_date=graphene.Date(required=True),
        format=PickingListFormat(required=True),
        description="The picking list as a printable PDF or a CSV (MANAGE_SUBSCRIPTIONS).")
    subscription_holidays = graphene.List(
        graphene.NonNull(SubscriptionHoliday), required=True,
        description="Dates without deliveries.")

    def resolve_subscription_plans(self, info, product_id=None, variant_id=None):
        staff = can_manage(info)
        plans = models.SubscriptionPlan.objects.all()
        if not staff:
            plans = plans.filter(is_active=True)
        if variant_id:
            from saleor.product.models import ProductVariant

            variant = ProductVariant.objects.filter(
                pk=query_pk(variant_id, "ProductVariant", "variantId")).first()
            if variant is None:
                return []
            plans = plans.filter(Q(variant=variant) | Q(
                product_id=variant.product_id, variant__isnull=True))
        elif product_id:
            plans = plans.filter(product_id=query_pk(product_id, "Product", "productId"))
        elif not staff:
            return []
        return [SubscriptionPlan.from_model(p) for p in plans]

    def resolve_my_subscriptions(self, info):
        user = info.context.user
        if user and user.is_authenticated:
            own = models.Subscription.objects.filter(user=user)
        elif self_service_links.request_customer_id(info.context) is not None:
            own = link_customer_subscriptions(info)  # a signed link's access token
        else:
            raise PermissionDenied()
        return _subscription_list(info, _with_related(own))

    def resolve_product_subscription(self, info, id):
        try:
            pk = pk_from_id(id, "ProductSubscription", "id")
        except Exception:
            return None
        found = _with_related(visible_subscriptions(info)).filter(pk=pk).first()
        return ProductSubscription.from_model(found, info.context.plugins) if found else None

    def resolve_product_subscriptions(self, info, filter=None, first=None, offset=None):
        _require_staff(info)
        if offset is not None and offset < 0:
            raise ArgumentError("offset", _("Give 0 or more."))
        queryset = models.Subscription.objects.all()
        filter = filter or {}
        if filter.get("status"):
            queryset = queryset.filter(status__in=filter["status"])
        if filter.get("billing"):
            queryset = queryset.filter(billing=filter["billing"])
        if filter.get("search"):
            term = filter["search"].strip()
            queryset = queryset.filter(Q(user__email__icontains=term)
                                       | Q(product_name__icontains=term)
                                       | Q(product_sku__icontains=term))
        if filter.get("product"):
            term = filter["product"].strip()
            queryset = queryset.filter(Q(product_name__icontains=term)
                                       | Q(variant_name__icontains=term)
                                       | Q(product_sku__icontains=term))
        for word in (filter.get("customer") or "").split():
            queryset = queryset.filter(Q(user__email__icontains=word)
                                       | Q(user__first_name__icontains=word)
                                       | Q(user__last_name__icontains=word))
        if filter.get("next_delivery_from"):
            queryset = queryset.filter(next_delivery_date__gte=filter["next_delivery_from"])
        if filter.get("next_delivery_to"):
            queryset = queryset.filter(next_delivery_date__lte=filter["next_delivery_to"])
        if filter.get("plan_id"):
            queryset = queryset.filter(
                plan_id=query_pk(filter["plan_id"], "SubscriptionPlan", "planId"))
        limit = max(1, min(first or MAX_LIST, MAX_LIST))  # a negative slice raises
        start = offset or 0
        return _subscription_list(info, _with_related(queryset)[start:start + limit])

    def resolve_subscription_forecast(self, info, start, end):
        _require_staff(info)
        _range(start, end)
        entries = reports.forecast(start, end, _config(info))
        ships_free = parcels.ships_free({e.subscription for e in entries})
        return [
            SubscriptionForecastEntry(
                order_date=e.order_date, delivery_date=e.delivery_date, cycle=e.cycle,
                subscription=ProductSubscription.from_model(
                    e.subscription, info.context.plugins, ships_free),
                amount=money(e.amount, e.subscription.currency))
            for e in entries
        ]

    def resolve_subscription_picking_list(self, info, delivery_date):
        _require_staff(info)
        customers = reports.picking_list(delivery_date, _config(info))
        return PickingList(delivery_date=delivery_date,
                           customers=[PickingListCustomer.from_report(c) for c in customers])

    def resolve_subscription_picking_list_document(self, info, delivery_date, format):
        _require_staff(info)
        customers = reports.picking_list(delivery_date, _config(info))
        name = f"picking-list-{delivery_date.isoformat()}"
        if format == "csv":
            content, content_type, name = (reports.picking_list_csv(delivery_date, customers),
                                           "text/csv", name + ".csv")
        else:
            content, content_type, name = (reports.picking_list_pdf(delivery_date, customers),
                                           "application/pdf", name + ".pdf")
        return PickingListDocument(filename=name, content_type=content_type,
                                   content_base64=base64.b64encode(content).decode("ascii"))

    def resolve_subscription_holidays(self, info):
        found = subscriptions.plugin(info.context.plugins)
        if found is None:
            return []
        # the shop's day, not the server's: the calendar is in the shop's time zone
        since = subscriptions.today(found.config) - datetime.timedelta(days=31)
        return [SubscriptionHoliday(date=h.date, name=h.name)
                for h in models.Holiday.objects.filter(date__gte=since)]


class SubscriptionMutations(graphene.ObjectType):
    subscription_plan_create = SubscriptionPlanCreate.Field()
    subscription_plan_update = SubscriptionPlanUpdate.Field()
    subscription_plan_delete = SubscriptionPlanDelete.Field()
    subscription_holiday_add = SubscriptionHolidayAdd.Field()
    subscription_holiday_delete = SubscriptionHolidayDelete.Field()
    checkout_line_subscription_set = CheckoutLineSubscriptionSet.Field()
    product_subscription_pause = ProductSubscriptionPause.Field()
    product_subscription_resume = ProductSubscriptionResume.Field()
    product_subscription_skip_next = ProductSubscriptionSkipNext.Field()
    product_subscription_cancel = ProductSubscriptionCancel.Field()
    product_subscription_extend = ProductSubscriptionExtend.Field()
    product_subscription_update = ProductSubscriptionUpdate.Field()
    product_subscription_renew_now = ProductSubscriptionRenewNow.Field()
    product_subscription_payment_session_create = ProductSubscriptionPaymentSessionCreate.Field()
    product_subscription_payment_method_update = ProductSubscriptionPaymentMethodUpdate.Field()
    subscription_access_token_create = SubscriptionAccessTokenCreate.Field()


def resolve_checkout_subscription_lines(root, info):
    marks = models.CheckoutSubscriptionLine.objects.filter(
        checkout_token=root.token).select_related("plan", "checkout_line__variant__product")
    result = []
    discounts = info.context.discounts
    for mark in marks:
        line = mark.checkout_line
        undiscounted = line.variant.get_price(discounts) * line.quantity
        cents = discount_per_unit_cents(
            _as_taxed(undiscounted), line.quantity, mark.plan.first_order_discount)
        result.append(CheckoutSubscriptionLine(
            line_id=graphene.Node.to_global_id("CheckoutLine", line.pk),
            plan=SubscriptionPlan.from_model(mark.plan), interval=mark.interval,
            first_order_discount=money(
                -Decimal(cents * line.quantity) / 100, root.currency)))
    return result


def _as_taxed(amount):
    from prices import TaxedMoney

    return TaxedMoney(net=amount, gross=amount)


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = [
    (Checkout, "subscription_lines",
     graphene.Field(graphene.NonNull(graphene.List(graphene.NonNull(CheckoutSubscriptionLine))),
                    description="Lines bought as a subscription, with the first-order "
                    "discount (negative)."),
     resolve_checkout_subscription_lines),
]
