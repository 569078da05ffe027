"""Discount rules: queries, mutations and type extensions served on /graphql/."""
import graphene
from saleor.graphql.checkout.types import Checkout
from saleor.graphql.order.types import Order
from saleor.graphql.utils import get_user_or_app_from_context

from ...core.errors import permission_denied
from ...platform import saleor
from ...core.permissions import DiscountRulePermissions
from ..models import CheckoutCode, CustomerGroup, DiscountRule, OrderRule
from .checkout_codes import CheckoutDiscountCodeAdd, CheckoutDiscountCodeRemove
from .mutations import (
    CustomerGroupSave,
    DiscountCodesCreate,
    DiscountRuleCreate,
    DiscountRuleDelete,
    DiscountRuleUpdate,
)
from .types import AppliedDiscountRule, CustomerGroupType, DiscountRuleType
from .warnings import support_warning

PLUGIN_ID = "saleor_plugins.discount_rules"


def plugin_of(info):
    return saleor.graphql.plugins_manager(info).get_plugin(PLUGIN_ID)


def _can_manage(info) -> bool:
    requester = get_user_or_app_from_context(info.context)
    return bool(requester) and requester.has_perms(
        [DiscountRulePermissions.MANAGE_DISCOUNT_RULES.value]
    )


def _permission_denied():
    raise permission_denied()


class DiscountRulesQueries(graphene.ObjectType):
    discount_rules = graphene.List(
        graphene.NonNull(DiscountRuleType), required=True,
        description="All cart rules with their codes (MANAGE_DISCOUNT_RULES).",
    )
    public_discount_rules = graphene.List(
        graphene.NonNull(DiscountRuleType), required=True,
        description="Active public rules a storefront may advertise (no codes).",
    )
    customer_groups = graphene.List(
        graphene.NonNull(CustomerGroupType), required=True,
        description="Customer groups (MANAGE_DISCOUNT_RULES).",
    )
    discount_rules_warning = graphene.String(
        description="Set, for staff next to `discountRules`, when more rules are active than "
        "are supported working together (MANAGE_DISCOUNT_RULES).",
    )

    def resolve_discount_rules(self, info):
        if not _can_manage(info):
            _permission_denied()
        rows = DiscountRule.objects.prefetch_related("conditions", "codes")
        return [DiscountRuleType.from_model(r, staff=True) for r in rows]

    def resolve_public_discount_rules(self, info):
        plugin = plugin_of(info)
        if plugin is None or not plugin.active or not plugin.config.show_public_rules:
            return []
        ids = {rule.id for rule in plugin.rules}
        rows = DiscountRule.objects.filter(pk__in=ids, is_public=True).prefetch_related(
            "conditions")
        return [DiscountRuleType.from_model(r) for r in rows]

    def resolve_discount_rules_warning(self, info):
        if not _can_manage(info):
            _permission_denied()
        return support_warning()

    def resolve_customer_groups(self, info):
        if not _can_manage(info):
            _permission_denied()
        return [CustomerGroupType.from_model(g) for g in CustomerGroup.objects.all()]


class DiscountRulesMutations(graphene.ObjectType):
    discount_rule_create = DiscountRuleCreate.Field()
    discount_rule_update = DiscountRuleUpdate.Field()
    discount_rule_delete = DiscountRuleDelete.Field()
    discount_codes_create = DiscountCodesCreate.Field()
    customer_group_save = CustomerGroupSave.Field()
    checkout_discount_code_add = CheckoutDiscountCodeAdd.Field()
    checkout_discount_code_remove = CheckoutDiscountCodeRemove.Field()


def _money(cents_value, currency):
    from prices import Money as PricesMoney
    from decimal import Decimal

    return PricesMoney(Decimal(cents_value) / 100, currency)


def resolve_checkout_discount_rules(root, info):
    root = saleor.graphql.node(root)
    plugin = plugin_of(info)
    if plugin is None or not plugin.active:
        return []
    evaluation = plugin.checkout_evaluation(root, saleor.graphql.request_discounts(info))
    if evaluation is None:
        return []
    codes = dict(CheckoutCode.objects.filter(checkout_token=root.token)
                 .values_list("code_id", "code__code"))
    return [
        AppliedDiscountRule(
            name=a.rule.name, kind=a.rule.kind, direction=a.rule.direction,
            amount=_money(a.amount, root.currency), code=codes.get(a.code_id),
            free_shipping=a.free_shipping,
            gift_variant_id=graphene.Node.to_global_id("ProductVariant", a.gift_variant_id)
            if a.gift_variant_id else None,
            gift_quantity=a.gift_quantity or None,
        )
        for a in evaluation.applied
    ]


def resolve_checkout_discount_codes(root, info):
    root = saleor.graphql.node(root)
    return list(CheckoutCode.objects.filter(checkout_token=root.token)
                .values_list("code__code", flat=True))


def resolve_order_discount_rules(root, info):
    root = saleor.graphql.node(root)
    return [
        AppliedDiscountRule(
            name=r.name, kind=r.kind, direction=r.direction,
            amount=_money(int(r.amount * 100), r.currency), code=r.code or None,
            free_shipping=r.free_shipping,
            gift_variant_id=None, gift_quantity=None,
        )
        for r in OrderRule.objects.filter(order=root)
    ]


def applied_field():
    return graphene.Field(
        graphene.NonNull(graphene.List(graphene.NonNull(AppliedDiscountRule))),
        description="Cart rules that apply (discounts negative, surcharges positive).",
    )


# (Saleor type, field name, graphene field, resolver) added to Saleor's types.
TYPE_EXTENSIONS = [
    (Checkout, "discount_rules", applied_field(), resolve_checkout_discount_rules),
    (Checkout, "discount_codes",
     graphene.Field(graphene.NonNull(graphene.List(graphene.NonNull(graphene.String))),
                    description="Cart-rule codes entered on this checkout."),
     resolve_checkout_discount_codes),
    (Order, "discount_rules", applied_field(), resolve_order_discount_rules),
]
