import graphene
from saleor.graphql.core.scalars import Decimal
from saleor.graphql.core.types import Error, Money

from ...core.errors import register_error_codes
from ...platform import saleor
from .. import rules
from ..models import CustomerGroup, DiscountRule


@register_error_codes
class DiscountRuleErrorCode(graphene.Enum):
    GRAPHQL_ERROR = "graphql_error"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    REQUIRED = "required"
    UNIQUE = "unique"
    LIMIT_REACHED = "discount_rules_limit_reached"
    CODE_NOT_USABLE = "discount_code_not_usable"
    RULE_NOT_ACTIVE = "discount_rule_not_active"
    NOT_YET_VALID = "discount_rule_not_yet_valid"
    EXPIRED = "discount_rule_expired"
    LOGIN_REQUIRED = "discount_code_login_required"
    TOO_MANY_CONDITIONS = "discount_rule_too_many_conditions"
    NO_CODE_CONDITION = "discount_rule_no_code_condition"


class DiscountRuleError(Error):
    code = DiscountRuleErrorCode(description="The error code.", required=True)


DiscountRuleKind = graphene.Enum("DiscountRuleKind", [(k.upper(), k) for k in rules.KINDS])
DiscountRuleDirection = graphene.Enum(
    "DiscountRuleDirection", [("DISCOUNT", rules.DISCOUNT), ("SURCHARGE", rules.SURCHARGE)]
)
DiscountRuleConditionType = graphene.Enum(
    "DiscountRuleConditionType", [(t.upper(), t) for t in rules.CONDITION_TYPES]
)


class DiscountRuleCondition(graphene.ObjectType):
    type = graphene.Field(DiscountRuleConditionType, required=True)
    amount = Decimal()
    quantity = graphene.Int()
    product_id = graphene.ID()
    category_id = graphene.ID()
    customer_group_id = graphene.ID()
    shipping_method_id = graphene.ID()
    country = graphene.String()


def _global(type_name, pk):
    return graphene.Node.to_global_id(type_name, pk) if pk else None


class DiscountRuleType(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    kind = graphene.Field(DiscountRuleKind, required=True)
    direction = graphene.Field(DiscountRuleDirection, required=True)
    value = Decimal(required=True, description="Amount (FIXED) or percent (PERCENTAGE).")
    gift_variant_id = graphene.ID()
    gift_quantity = graphene.Int(required=True)
    is_active = graphene.Boolean(required=True)
    is_public = graphene.Boolean(required=True)
    priority = graphene.Int(required=True)
    stop_further = graphene.Boolean(required=True)
    starts_at = saleor.graphql.DateTime()
    ends_at = saleor.graphql.DateTime()
    usage_limit = graphene.Int()
    used_count = graphene.Int(required=True)
    channels = graphene.List(
        graphene.NonNull(graphene.String), required=True,
        description="Slugs of the channels the rule applies in (empty: every channel); its "
        "amounts are in the channel's currency. Saleor 2.10.1 has no channels.")
    conditions = graphene.List(graphene.NonNull(DiscountRuleCondition), required=True)
    codes = graphene.List(graphene.NonNull(graphene.String), required=True,
                          description="Codes of this rule (staff only).")

    class Meta:
        name = "DiscountRule"

    @staticmethod
    def from_model(rule: DiscountRule, staff=False):
        return DiscountRuleType(
            id=graphene.Node.to_global_id("DiscountRule", rule.pk),
            name=rule.name, description=rule.description, kind=rule.kind,
            direction=rule.direction, value=rule.value,
            gift_variant_id=_global("ProductVariant", rule.gift_variant_id),
            gift_quantity=rule.gift_quantity, is_active=rule.is_active,
            is_public=rule.is_public, priority=rule.priority, stop_further=rule.stop_further,
            starts_at=rule.starts_at, ends_at=rule.ends_at, usage_limit=rule.usage_limit,
            used_count=rule.used_count, channels=list(rule.channels or []),
            conditions=[
                DiscountRuleCondition(
                    type=c.type, amount=c.amount, quantity=c.quantity,
                    product_id=_global("Product", c.product_id),
                    category_id=_global("Category", c.category_id),
                    customer_group_id=_global("CustomerGroup", c.customer_group_id),
                    shipping_method_id=_global(saleor.graphql.SHIPPING_METHOD_TYPE,
                                               c.shipping_method_id),
                    country=c.country or None,
                ) for c in rule.conditions.all()
            ],
            codes=[c.code for c in rule.codes.all()] if staff else [],
        )


class CustomerGroupType(graphene.ObjectType):
    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String(required=True)
    member_emails = graphene.List(graphene.NonNull(graphene.String), required=True)

    class Meta:
        name = "CustomerGroup"

    @staticmethod
    def from_model(group: CustomerGroup):
        return CustomerGroupType(
            id=graphene.Node.to_global_id("CustomerGroup", group.pk), name=group.name,
            description=group.description,
            member_emails=list(group.members.values_list("email", flat=True)),
        )


class DiscountRuleUnmetCondition(graphene.ObjectType):
    type = graphene.Field(DiscountRuleConditionType, required=True)
    message = graphene.String(required=True, description="What the cart still needs.")


class AppliedDiscountRule(graphene.ObjectType):
    name = graphene.String(required=True)
    kind = graphene.Field(DiscountRuleKind, required=True)
    direction = graphene.Field(DiscountRuleDirection, required=True)
    amount = graphene.Field(
        Money, required=True,
        description="Signed: negative for a discount, positive for a surcharge; zero for "
        "free shipping and gifts.",
    )
    code = graphene.String(description="The code that made the rule apply, if any.")
    free_shipping = graphene.Boolean(required=True)
    gift_variant_id = graphene.ID()
    gift_quantity = graphene.Int()
