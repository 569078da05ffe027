import graphene
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from saleor.checkout.models import CheckoutLine
from saleor.graphql.account.i18n import I18nMixin
from saleor.graphql.account.types import AddressInput
from saleor.graphql.checkout.types import Checkout as CheckoutType
from saleor.graphql.core.mutations import BaseMutation
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.utils import get_user_or_app_from_context

from ...core import request_cache
from ...core.actors import actor
from ...core.permissions import SubscriptionPermissions
from ...graphql.ids import pk_from_global_id, visible_checkout
from .. import models, replan, scheduling, self_service_links, subscriptions, terms
from ..checkout_lines import CACHE_SECTION
from ..subscriptions import SubscriptionError as DomainError
from .types import (
    ProductSubscription,
    SubscriptionBilling,
    SubscriptionError,
    SubscriptionErrorCode,
    SubscriptionHoliday,
    SubscriptionPaymentSession,
    SubscriptionPlan,
    SubscriptionPricingMode,
)

CODES = SubscriptionErrorCode
MANAGE = SubscriptionPermissions.MANAGE_SUBSCRIPTIONS


def _error(field, message, code=CODES.INVALID):
    return ValidationError({field: ValidationError(message, code=code.value)})


def pk_from_id(global_id, type_name, field):
    """Primary key of a global ID of ``type_name``; a typed error for anything else."""
    pk = pk_from_global_id(global_id, type_name)
    if pk is None:
        raise _error(field, _("Not a valid ID."), CODES.GRAPHQL_ERROR)
    return pk


def get_or_error(queryset, global_id, type_name, field):
    found = queryset.filter(pk=pk_from_id(global_id, type_name, field)).first()
    if found is None:
        raise _error(field, _("Couldn't find it: %(id)s") % {"id": global_id}, CODES.NOT_FOUND)
    return found


def can_manage(info) -> bool:
    requester = get_user_or_app_from_context(info.context)
    return bool(requester) and requester.has_perms([MANAGE.value])


def visible_subscriptions(info):
    """All subscriptions for staff with the permission; a customer's own; else none."""
    if can_manage(info):
        return models.Subscription.objects.all()
    user = info.context.user
    if user and user.is_authenticated:
        return models.Subscription.objects.filter(user=user)
    return link_customer_subscriptions(info)


def link_customer_subscriptions(info):
    """The subscriptions of the customer a self-service access token names (none without
    one): the token opens these operations only, never the customer's account."""
    customer_id = self_service_links.request_customer_id(info.context)
    if customer_id is None:
        return models.Subscription.objects.none()
    return models.Subscription.objects.filter(user_id=customer_id, user__is_active=True)


def domain_call(function, *args, schedule_field="id", **kwargs):
    """Run a domain operation; its refusals become typed errors."""
    try:
        return function(*args, **kwargs)
    except DomainError as error:
        code = next((c for c in CODES._meta.enum if c.value == error.code), CODES.INVALID)
        raise _error(error.field or "id", str(error), code)
    except scheduling.ScheduleError:
        # a date no delivery of the schedule reaches (a daily subscription paused until 2900)
        raise _error(schedule_field, _(
            "No delivery can be planned from that date. Choose an earlier date."))


def config_or_error():
    plugin = subscriptions.plugin()
    if plugin is None or not plugin.active:
        raise _error("id", _("Subscriptions are not available in this shop."), CODES.INVALID)
    return plugin.config


def _meta(description, staff=False):
    meta = {"description": description, "error_type_class": SubscriptionError,
            "error_type_field": "subscription_errors"}
    if staff:
        meta["permissions"] = (MANAGE,)
    return meta


# -- plans, calendar (staff) ---------------------------------------------------------------


class SubscriptionPlanInput(graphene.InputObjectType):
    name = graphene.String()
    product_id = graphene.ID(description="Offer it for every variant of this product...")
    variant_id = graphene.ID(description="...or for this one variant.")
    intervals = graphene.List(graphene.NonNull(graphene.String),
                              description="E.g. [\"1w\", \"2w\", \"1m\"].")
    pricing_mode = SubscriptionPricingMode()
    first_order_discount = Decimal(description="Percent, 0 to 90.")
    later_order_discount = Decimal(description="Percent, 0 to 90.")
    deliveries = graphene.Int(description="Fixed number of deliveries; 0 for until cancelled.")
    max_deliveries = graphene.Int(
        description="Customers may extend a fixed term up to this many deliveries in all; "
                    "0 for no extension.")
    is_active = graphene.Boolean()


def clean_plan(data: dict, plan: models.SubscriptionPlan):
    from saleor.product.models import Product, ProductVariant

    if data.get("name") is not None:
        plan.name = data["name"].strip()[:120]
    if not plan.name:
        raise _error("name", _("Give the plan a name."), CODES.REQUIRED)
    if data.get("variant_id"):
        plan.variant = get_or_error(ProductVariant.objects, data["variant_id"],
                                    "ProductVariant", "variantId")
        plan.product = None
    elif data.get("product_id"):
        plan.product = get_or_error(Product.objects, data["product_id"], "Product", "productId")
        plan.variant = None
    if plan.product_id is None and plan.variant_id is None:
        raise _error("productId", _("Choose a product or a variant."), CODES.REQUIRED)
    if data.get("intervals") is not None:
        try:
            codes = [scheduling.Interval.parse(code).code for code in data["intervals"]]
        except scheduling.ScheduleError:
            raise _error("intervals", _(
                "An interval is a number and d, w or m, e.g. 2w (at most 365d, 52w, 24m)."))
        plan.intervals = list(dict.fromkeys(codes))
    if not plan.intervals:
        raise _error("intervals", _("Offer at least one interval."), CODES.REQUIRED)
    if data.get("pricing_mode") is not None:
        plan.pricing_mode = data["pricing_mode"]
    for name in ("first_order_discount", "later_order_discount"):
        value = data.get(name)
        if value is not None:
            # 100 % would make a zero-priced line, which Saleor 2.10 cannot order
            if not 0 <= value <= 90 or value != value.quantize(subscriptions.CENT):
                raise _error(graphene.utils.str_converters.to_camel_case(name), _(
                    "A discount is a percentage from 0 to 90 with at most two decimals."))
            setattr(plan, name, value)
    if data.get("deliveries") is not None:
        if not 0 <= data["deliveries"] <= 1000:
            raise _error("deliveries", _("Deliveries must be between 0 and 1000."))
        plan.deliveries = data["deliveries"] or None
    if data.get("max_deliveries") is not None:
        if not 0 <= data["max_deliveries"] <= terms.MAX_TERM:
            raise _error("maxDeliveries", _("Deliveries must be between 0 and 1000."))
        plan.max_deliveries = data["max_deliveries"] or None
    if plan.max_deliveries and (not plan.deliveries or plan.max_deliveries < plan.deliveries):
        raise _error("maxDeliveries", _(
            "Extensions need a fixed number of deliveries and a maximum at least as large."))
    if data.get("is_active") is not None:
        plan.is_active = data["is_active"]
    return plan


class SubscriptionPlanCreate(BaseMutation):
    plan = graphene.Field(SubscriptionPlan)

    class Arguments:
        input = SubscriptionPlanInput(required=True)

    Meta = _meta("Offer a product (or variant) as a subscription.", staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, input):
        plan = clean_plan(dict(input), models.SubscriptionPlan())
        plan.save()
        return cls(plan=SubscriptionPlan.from_model(plan))


class SubscriptionPlanUpdate(BaseMutation):
    plan = graphene.Field(SubscriptionPlan)

    class Arguments:
        id = graphene.ID(required=True)
        input = SubscriptionPlanInput(required=True)

    Meta = _meta("Change a plan; running subscriptions keep their interval and price.",
                 staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, id, input):
        plan = get_or_error(models.SubscriptionPlan.objects, id, "SubscriptionPlan", "id")
        plan = clean_plan(dict(input), plan)
        plan.save()
        return cls(plan=SubscriptionPlan.from_model(plan))


class SubscriptionPlanDelete(BaseMutation):
    ok = graphene.Boolean()

    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Delete a plan (running subscriptions go on without it).", staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, id):
        get_or_error(models.SubscriptionPlan.objects, id, "SubscriptionPlan", "id").delete()
        return cls(ok=True)


class SubscriptionHolidayAdd(BaseMutation):
    holiday = graphene.Field(SubscriptionHoliday)

    class Arguments:
        date = graphene.Date(required=True)
        name = graphene.String()

    Meta = _meta("A date without deliveries; deliveries move to the next open day.",
                 staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, date, name=""):
        holiday, _created = models.Holiday.objects.update_or_create(
            date=date, defaults={"name": (name or "").strip()[:120]})
        replan.request()
        return cls(holiday=SubscriptionHoliday(date=holiday.date, name=holiday.name))


class SubscriptionHolidayDelete(BaseMutation):
    ok = graphene.Boolean()

    class Arguments:
        date = graphene.Date(required=True)

    Meta = _meta("Deliver on this date again.", staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, date):
        deleted, _rows = models.Holiday.objects.filter(date=date).delete()
        if not deleted:
            raise _error("date", _("That date is not a holiday."), CODES.NOT_FOUND)
        replan.request()
        return cls(ok=True)


# -- buying --------------------------------------------------------------------------------


class CheckoutLineSubscriptionSet(BaseMutation):
    checkout = graphene.Field(CheckoutType)

    class Arguments:
        checkout_id = graphene.ID(required=True)
        line_id = graphene.ID(required=True, description="The checkout line.")
        plan_id = graphene.ID(description="The plan; null to buy the line one-off again.")
        interval = graphene.String(description="One of the plan's intervals, e.g. 2w.")

    Meta = _meta("Buy a checkout line as a subscription (customers with an account).")

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id, line_id, plan_id=None, interval=None):
        checkout = visible_checkout(checkout_id, info.context.user)
        if checkout is None:
            raise _error("checkoutId", _("Couldn't find the checkout."), CODES.NOT_FOUND)
        config_or_error()
        line = get_or_error(CheckoutLine.objects.filter(checkout=checkout).select_related(
            "variant__product"), line_id, "CheckoutLine", "lineId")
        plan = None
        if plan_id:
            plan = get_or_error(models.SubscriptionPlan.objects.filter(is_active=True), plan_id,
                                "SubscriptionPlan", "planId")
        if plan is not None and not interval:
            raise _error("interval", _("Choose an interval."), CODES.REQUIRED)
        domain_call(subscriptions.mark_checkout_line, checkout, line, plan, interval)
        request_cache.clear(CACHE_SECTION)
        return cls(checkout=checkout)


# -- managing (the customer's own; staff with the permission: any) -------------------------


class ProductSubscriptionMutation(BaseMutation):
    subscription = graphene.Field(ProductSubscription)
    schedule_field = "id"  # the argument named when the schedule cannot reach a date

    class Meta:
        abstract = True

    @classmethod
    def subscription_for(cls, info, global_id):
        queryset = visible_subscriptions(info).select_related("user", "plan", "variant")
        return get_or_error(queryset.select_for_update(of=("self",)), global_id,
                            "ProductSubscription", "id")

    @classmethod
    def perform_mutation(cls, _root, info, id, **data):
        config = config_or_error()
        with transaction.atomic():
            subscription = cls.subscription_for(info, id)
            domain_call(cls.change, info, subscription, config, **data,
                        schedule_field=cls.schedule_field)
        return cls(subscription=ProductSubscription.from_model(subscription))


class ProductSubscriptionPause(ProductSubscriptionMutation):
    schedule_field = "until"

    class Arguments:
        id = graphene.ID(required=True)
        until = graphene.Date(required=True, description="Deliveries start again on this day.")

    Meta = _meta("Pause a subscription until a date (no orders, charges or reminders).")

    @staticmethod
    def change(info, subscription, config, until):
        subscriptions.pause(subscription, until, config)


class ProductSubscriptionResume(ProductSubscriptionMutation):
    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Resume a paused subscription (or one whose payment method was declined).")

    @staticmethod
    def change(info, subscription, config):
        subscriptions.resume(subscription, config)


class ProductSubscriptionSkipNext(ProductSubscriptionMutation):
    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Skip the next delivery; the one after stays on schedule.")

    @staticmethod
    def change(info, subscription, config):
        subscriptions.skip_next(subscription, config)


class ProductSubscriptionCancel(ProductSubscriptionMutation):
    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Cancel a subscription: no more orders or charges.")

    @staticmethod
    def change(info, subscription, config):
        subscriptions.cancel(subscription)


class ProductSubscriptionExtend(ProductSubscriptionMutation):
    class Arguments:
        id = graphene.ID(required=True)
        deliveries = graphene.Int(required=True, description="Deliveries to add.")

    Meta = _meta("Add deliveries to a fixed-term subscription: customers up to the plan's "
                 "maxDeliveries in all, staff with MANAGE_SUBSCRIPTIONS up to 1000.")

    @staticmethod
    def change(info, subscription, config, deliveries):
        terms.extend(subscription, deliveries, config, by_staff=can_manage(info))


class ProductSubscriptionUpdateInput(graphene.InputObjectType):
    plan_id = graphene.ID(description="Another plan offered for the product.")
    interval = graphene.String(description="One of the plan's intervals.")
    quantity = graphene.Int()
    next_delivery_date = graphene.Date(
        description="Move the next delivery; later ones follow from it.")
    shipping_address = AddressInput(
        description="Kept with the current shipping method only if that method ships there.")
    shipping_method_id = graphene.ID(
        description="A method that ships to the (new) address (availableShippingMethods); "
                    "the shipping is then priced at its price.")
    comment = graphene.String(description="A note for the shop, shown on picking lists.")
    billing = SubscriptionBilling(
        description="Charge per delivery or once a month (staff with MANAGE_SUBSCRIPTIONS "
                    "only: monthly billing ships goods before they are paid).")


class ProductSubscriptionUpdate(ProductSubscriptionMutation, I18nMixin):
    schedule_field = "nextDeliveryDate"

    class Arguments:
        id = graphene.ID(required=True)
        input = ProductSubscriptionUpdateInput(required=True)

    Meta = _meta("Change plan (its terms: pricing, discount, number of deliveries), "
                 "interval, quantity, next date, address and shipping method, comment or "
                 "billing.")

    @classmethod
    def change(cls, info, subscription, config, input):
        plan = None
        if input.get("plan_id"):
            plan = get_or_error(models.SubscriptionPlan.objects.filter(is_active=True),
                                input["plan_id"], "SubscriptionPlan", "planId")
        billing = input.get("billing")
        if billing is not None and billing != subscription.billing and not can_manage(info):
            raise _error("billing", _("Only the shop can change how a subscription is billed."),
                         CODES.SUBSCRIPTION_BILLING_STAFF_ONLY)
        address = None
        if input.get("shipping_address") is not None:
            address = cls.validate_address(dict(input["shipping_address"]))
        method = None
        if input.get("shipping_method_id"):
            from saleor.shipping.models import ShippingMethod

            method = get_or_error(ShippingMethod.objects, input["shipping_method_id"],
                                  "ShippingMethod", "shippingMethodId")
        subscriptions.change(
            subscription, config, plan=plan, interval=input.get("interval"),
            quantity=input.get("quantity"), next_delivery_date=input.get("next_delivery_date"),
            shipping_address=address, shipping_method=method, comment=input.get("comment"),
            billing=billing)


class ProductSubscriptionPaymentSessionCreate(BaseMutation):
    session = graphene.Field(SubscriptionPaymentSession)

    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Open a Klarna session (intent TOKENIZE) to give the subscription a new "
                 "payment method; nothing is charged.")

    @classmethod
    def perform_mutation(cls, _root, info, id):
        from ..payment_method import open_session

        config_or_error()
        subscription = get_or_error(
            visible_subscriptions(info).select_related(
                "user", "plan", "billing_address", "shipping_address"),
            id, "ProductSubscription", "id")
        change = domain_call(open_session, subscription, actor(info.context))
        return cls(session=SubscriptionPaymentSession(
            session_id=change.session_id, client_token=change.client_token,
            intent="TOKENIZE", expires_at=change.expires_at))


class ProductSubscriptionPaymentMethodUpdate(ProductSubscriptionMutation):
    class Arguments:
        id = graphene.ID(required=True)
        authorization_token = graphene.String(
            required=True, description="From Klarna.Payments.authorize in the session of "
                                       "productSubscriptionPaymentSessionCreate.")

    Meta = _meta("Store the payment method the customer approved in Klarna for the "
                 "subscription; a subscription waiting for payment is active again and "
                 "charged at the next renewal run.")

    @classmethod
    def perform_mutation(cls, _root, info, id, authorization_token):
        from ..payment_method import cancel_unused_token, replace_token

        config = config_or_error()
        with transaction.atomic():
            subscription = cls.subscription_for(info, id)
            replaced = domain_call(replace_token, subscription, authorization_token, config)
        cancel_unused_token(replaced, subscription.user_id)  # after the commit: no lock held
        return cls(subscription=ProductSubscription.from_model(subscription))


class ProductSubscriptionRenewNow(BaseMutation):
    subscription = graphene.Field(ProductSubscription)
    result = graphene.String(description="paid, invoiced, retrying, dropped, ...")

    class Arguments:
        id = graphene.ID(required=True)

    Meta = _meta("Create and charge the next renewal order now.", staff=True)

    @classmethod
    def perform_mutation(cls, _root, info, id):
        from ..renewal import renew

        config = config_or_error()
        subscription = get_or_error(models.Subscription.objects, id, "ProductSubscription", "id")
        if subscription.status != models.Subscription.ACTIVE:
            raise _error("id", _("Only an active subscription can be renewed."), CODES.SUBSCRIPTION_ENDED)
        result = renew(subscription.pk, config, subscriptions.today(config), force=True)
        subscription.refresh_from_db()
        return cls(subscription=ProductSubscription.from_model(subscription), result=result)
