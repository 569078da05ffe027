"""Staff mutations of the cart rules: rules, codes and customer groups."""
import secrets
import string
from decimal import Decimal

import graphene
from saleor.graphql.core.scalars import Decimal as DecimalScalar
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from saleor.account.models import User
from saleor.graphql.core.mutations import BaseMutation

from ...core.permissions import DiscountRulePermissions
from ...graphql.ids import pk_from_global_id
from ...platform import saleor
from .. import rules
from ..models import (
    MAX_CONDITIONS,
    MAX_RULES,
    CustomerGroup,
    DiscountCode,
    DiscountRule,
    RuleCondition,
)
from .types import (
    CustomerGroupType,
    DiscountRuleConditionType,
    DiscountRuleDirection,
    DiscountRuleError,
    DiscountRuleErrorCode,
    DiscountRuleKind,
    DiscountRuleType,
)
from .warnings import support_warning

CODES = DiscountRuleErrorCode
CODE_ALPHABET = string.ascii_uppercase.replace("O", "").replace("I", "") + "23456789"
MAX_AMOUNT = Decimal("9999999999.99")  # the amount columns: 12 digits, 2 decimals
# explicit null clears these; for any other field null means "leave it as it is"
NULLABLE_RULE_FIELDS = ("starts_at", "ends_at", "usage_limit")


def field_error(field, message, code=CODES.INVALID):
    return ValidationError({field: ValidationError(message, code=code.value)})


def pk_from_id(global_id, type_name, field):
    """Primary key of a global ID of ``type_name`` (or one of a tuple of names); a typed error
    for anything else."""
    names = type_name if isinstance(type_name, tuple) else (type_name,)
    pk = next((pk for pk in (pk_from_global_id(global_id, name) for name in names) if pk), None)
    if pk is None:
        raise field_error(field, _("Not a valid ID."), CODES.GRAPHQL_ERROR)
    return pk


def check_amount(value, field):
    """An amount the rule's columns hold exactly: at most two decimals, below 10^10."""
    value = Decimal(value)
    if abs(value) > MAX_AMOUNT or value != value.quantize(Decimal("0.01")):
        raise field_error(field, _("Enter an amount with at most two decimals, up to %(max)s.")
                     % {"max": MAX_AMOUNT})


def check_length(value, limit, field):
    if value is not None and len(value) > limit:
        raise field_error(field, _("At most %(max)d characters.") % {"max": limit})


def get_or_error(model, global_id, type_name, field):
    obj = model.objects.filter(pk=pk_from_id(global_id, type_name, field)).first()
    if obj is None:
        raise field_error(field, _("Couldn't find it: %(id)s") % {"id": global_id}, CODES.NOT_FOUND)
    return obj


class DiscountRuleConditionInput(graphene.InputObjectType):
    type = DiscountRuleConditionType(required=True)
    amount = DecimalScalar(description="For CART_AMOUNT_* and LIFETIME_TOTAL_AT_LEAST.")
    quantity = graphene.Int(description="For MIN_QUANTITY.")
    product_id = graphene.ID()
    category_id = graphene.ID()
    customer_group_id = graphene.ID()
    shipping_method_id = graphene.ID()
    country = graphene.String(description="Two-letter code, for SHIPPING_COUNTRY.")


class DiscountRuleInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    kind = DiscountRuleKind()
    direction = DiscountRuleDirection()
    value = DecimalScalar()
    gift_variant_id = graphene.ID()
    gift_quantity = graphene.Int()
    is_active = graphene.Boolean()
    is_public = graphene.Boolean()
    priority = graphene.Int()
    stop_further = graphene.Boolean()
    starts_at = saleor.graphql.DateTime()
    ends_at = saleor.graphql.DateTime()
    usage_limit = graphene.Int()
    channels = graphene.List(
        graphene.NonNull(graphene.String),
        description="Slugs of the channels the rule applies in (empty: every channel).")
    conditions = graphene.List(graphene.NonNull(DiscountRuleConditionInput),
                               description="Replaces all conditions when given.")


CONDITION_FIELDS = {
    rules.MIN_QUANTITY: "quantity",
    rules.PRODUCT: "product_id",
    rules.CART_AMOUNT_AT_LEAST: "amount",
    rules.CART_AMOUNT_BELOW: "amount",
    rules.CATEGORY: "category_id",
    rules.CUSTOMER_GROUP: "customer_group_id",
    rules.LIFETIME_TOTAL_AT_LEAST: "amount",
    rules.SHIPPING_METHOD: "shipping_method_id",
    rules.SHIPPING_COUNTRY: "country",
}
ID_TYPES = {
    "product_id": ("product", "Product"),
    "category_id": ("category", "Category"),
    "customer_group_id": ("customer_group", "CustomerGroup"),
    # Saleor's own shipping method IDs (3.23: ShippingMethodType) and the package's earlier ones
    "shipping_method_id": ("shipping_method", ("ShippingMethod", saleor.graphql.SHIPPING_METHOD_TYPE)),
}


def clean_condition(data, index):
    from saleor.product.models import Category, Product
    from saleor.shipping.models import ShippingMethod

    models_by_field = {"product_id": Product, "category_id": Category,
                       "customer_group_id": CustomerGroup,
                       "shipping_method_id": ShippingMethod}
    kind = data["type"]
    field = f"conditions.{index}"
    cleaned = {"type": kind}
    needed = CONDITION_FIELDS.get(kind)
    if needed and data.get(needed) in (None, ""):
        api_name = "".join(w.capitalize() if i else w for i, w in enumerate(needed.split("_")))
        raise field_error(field, _("This condition needs %(name)s.") % {"name": api_name},
                     CODES.REQUIRED)
    if needed == "amount":
        if data["amount"] < 0:
            raise field_error(field, _("The amount cannot be negative."))
        check_amount(data["amount"], field)
        cleaned["amount"] = data["amount"]
    elif needed == "quantity":
        if data["quantity"] < 1:
            raise field_error(field, _("The quantity must be at least 1."))
        cleaned["quantity"] = data["quantity"]
    elif needed == "country":
        country = data["country"].strip().upper()
        if len(country) != 2 or not country.isalpha():
            raise field_error(field, _("Enter a two-letter country code."))
        cleaned["country"] = country
    elif needed in ID_TYPES:
        name, type_name = ID_TYPES[needed]
        cleaned[name] = get_or_error(models_by_field[needed], data[needed], type_name, field)
    return cleaned


def clean_rule(data, rule=None):
    from saleor.product.models import ProductVariant

    merged = {}
    if rule is not None:
        merged = {"kind": rule.kind, "direction": rule.direction, "value": rule.value,
                  "gift_variant": rule.gift_variant, "name": rule.name,
                  "starts_at": rule.starts_at, "ends_at": rule.ends_at}
    cleaned = {k: v for k, v in data.items() if k not in ("conditions", "gift_variant_id")
               and (v is not None or k in NULLABLE_RULE_FIELDS)}
    if "gift_variant_id" in data:
        cleaned["gift_variant"] = (
            get_or_error(ProductVariant, data["gift_variant_id"], "ProductVariant",
                         "giftVariantId") if data["gift_variant_id"] else None
        )
    merged.update(cleaned)
    name = (merged.get("name") or "").strip()
    if not name:
        raise field_error("name", _("Give the rule a name."), CODES.REQUIRED)
    check_length(name, 120, "name")
    check_length(cleaned.get("description"), 500, "description")
    kind = merged.get("kind")
    if not kind:
        raise field_error("kind", _("Choose the kind of rule."), CODES.REQUIRED)
    value = merged.get("value") or 0
    direction = merged.get("direction") or rules.DISCOUNT
    check_amount(value, "value")
    if kind == rules.FIXED and value <= 0:
        raise field_error("value", _("Enter an amount above zero."))
    if kind == rules.PERCENTAGE and not 0 < value <= 100:
        raise field_error("value", _("Enter a percentage above 0 and at most 100."))
    if kind in (rules.FREE_SHIPPING, rules.GIFT) and direction != rules.DISCOUNT:
        raise field_error("direction", _("Free shipping and gifts are always discounts."))
    if kind == rules.GIFT and not merged.get("gift_variant"):
        raise field_error("giftVariantId", _("Choose the gift product."), CODES.REQUIRED)
    if merged.get("gift_quantity") is not None and merged["gift_quantity"] < 1:
        raise field_error("giftQuantity", _("The quantity must be at least 1."))
    if merged.get("usage_limit") is not None and merged["usage_limit"] < 1:
        raise field_error("usageLimit", _("The limit must be at least 1."))
    if merged.get("starts_at") and merged.get("ends_at") and merged["ends_at"] <= merged["starts_at"]:
        raise field_error("endsAt", _("The end must be after the start."))
    cleaned["name"] = name
    if cleaned.get("channels") is not None:
        cleaned["channels"] = clean_channels(cleaned["channels"])
    conditions = None
    if data.get("conditions") is not None:
        if len(data["conditions"]) > MAX_CONDITIONS:
            raise field_error("conditions", _("A rule has at most %(max)d conditions.") % {
                "max": MAX_CONDITIONS}, CODES.TOO_MANY_CONDITIONS)
        conditions = [clean_condition(c, i) for i, c in enumerate(data["conditions"])]
    return cleaned, conditions


def clean_channels(slugs):
    """Channel slugs, each of a channel that exists (none on Saleor 2.10.1)."""
    slugs = sorted({slug.strip() for slug in slugs if slug.strip()})
    known = set(saleor.channels.channel_slugs())
    unknown = [slug for slug in slugs if slug not in known]
    if unknown:
        raise field_error("channels", _("No channel with the slug %(slug)s.") % {
            "slug": unknown[0]}, CODES.NOT_FOUND)
    return slugs


def save_conditions(rule, conditions) -> None:
    """Replace the rule's conditions; a single-use code condition makes every code of the
    rule once per customer."""
    rule.conditions.all().delete()
    for condition in conditions:
        RuleCondition.objects.create(rule=rule, **condition)
    if any(c["type"] == rules.SINGLE_USE_CODE for c in conditions):
        rule.codes.update(once_per_customer=True)


WARNING_FIELD = dict(description="Set when more rules are active than are supported "
                                 "working together (the system allows more).")


class StaffMutation(BaseMutation):
    class Meta:
        abstract = True


class DiscountRuleCreate(BaseMutation):
    rule = graphene.Field(DiscountRuleType)
    support_warning = graphene.String(**WARNING_FIELD)

    class Arguments:
        input = DiscountRuleInput(required=True)

    class Meta:
        description = f"Create a cart rule (at most {MAX_RULES})."
        permissions = (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, input):
        cleaned, conditions = clean_rule(dict(input))
        with transaction.atomic():
            # one creator at a time, so two staff members cannot both make rule 30
            list(DiscountRule.objects.select_for_update().values_list("pk", flat=True))
            if DiscountRule.objects.count() >= MAX_RULES:
                raise field_error("input", _("A shop can have at most %(max)d rules. Delete or "
                                        "reuse one first.") % {"max": MAX_RULES},
                             CODES.LIMIT_REACHED)
            rule = DiscountRule.objects.create(**cleaned)
            save_conditions(rule, conditions or [])
        return DiscountRuleCreate(rule=DiscountRuleType.from_model(rule, staff=True),
                                  support_warning=support_warning())


class DiscountRuleUpdate(BaseMutation):
    rule = graphene.Field(DiscountRuleType)
    support_warning = graphene.String(**WARNING_FIELD)

    class Arguments:
        id = graphene.ID(required=True)
        input = DiscountRuleInput(required=True)

    class Meta:
        description = "Change a cart rule; `conditions`, when given, replace the old ones."
        permissions = (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, id, input):
        rule = get_or_error(DiscountRule, id, "DiscountRule", "id")
        cleaned, conditions = clean_rule(dict(input), rule)
        with transaction.atomic():
            for name, value in cleaned.items():
                setattr(rule, name, value)
            rule.save()
            if conditions is not None:
                save_conditions(rule, conditions)
        return DiscountRuleUpdate(rule=DiscountRuleType.from_model(rule, staff=True),
                                  support_warning=support_warning())


class DiscountRuleDelete(BaseMutation):
    ok = graphene.Boolean(description="True when the rule was deleted.")
    support_warning = graphene.String(**WARNING_FIELD)

    class Arguments:
        id = graphene.ID(required=True)

    class Meta:
        description = "Delete a cart rule (orders keep what it gave them)."
        permissions = (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, id):
        get_or_error(DiscountRule, id, "DiscountRule", "id").delete()
        return DiscountRuleDelete(ok=True, support_warning=support_warning())


class DiscountCodesCreate(BaseMutation):
    codes = graphene.List(graphene.NonNull(graphene.String), description="The codes added.")

    class Arguments:
        rule_id = graphene.ID(required=True)
        codes = graphene.List(graphene.NonNull(graphene.String), description="Codes to add.")
        generate = graphene.Int(description="Generate this many random codes (at most 10000).")
        prefix = graphene.String(description="Prefix of generated codes.")
        once_per_customer = graphene.Boolean(
            description="Each account may use a code once (always so for a rule with a "
            "SINGLE_USE_CODE condition).")
        max_uses = graphene.Int(description="Uses per code in total; generated codes default to 1.")

    class Meta:
        description = "Add codes to a rule, typed or generated in bulk."
        permissions = (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, rule_id, codes=None, generate=None, prefix="",
                         once_per_customer=None, max_uses=None):
        rule = get_or_error(DiscountRule, rule_id, "DiscountRule", "ruleId")
        types = set(rule.conditions.values_list("type", flat=True))
        if not types & {rules.CODE, rules.SINGLE_USE_CODE}:
            raise field_error("ruleId", _("This rule has no code condition, so a code would "
                                     "change nothing. Add a CODE or SINGLE_USE_CODE "
                                     "condition first."), CODES.NO_CODE_CONDITION)
        if rules.SINGLE_USE_CODE in types:
            if once_per_customer is False:
                raise field_error("oncePerCustomer", _("Codes of a rule with a single-use code "
                                                  "condition are once per customer."))
            once_per_customer = True
        typed = [normalise_code(c) for c in codes or []]
        if any(not c or len(c) > 40 for c in typed):
            raise field_error("codes", _("A code has 1 to 40 letters, digits or dashes."))
        if generate is not None and not 1 <= generate <= 10000:
            raise field_error("generate", _("Generate between 1 and 10000 codes."))
        if max_uses is not None and max_uses < 1:
            raise field_error("maxUses", _("The limit must be at least 1."))
        prefix = normalise_code(prefix or "")
        if len(prefix) > 20:
            raise field_error("prefix", _("A prefix has at most 20 characters."))
        if not typed and not generate:
            raise field_error("codes", _("Give codes or a number to generate."), CODES.REQUIRED)
        if len(set(typed)) != len(typed) or DiscountCode.objects.filter(code__in=typed).exists():
            raise field_error("codes", _("A code exists already."), CODES.UNIQUE)
        rows = [DiscountCode(rule=rule, code=c, once_per_customer=bool(once_per_customer),
                             max_uses=max_uses) for c in typed]
        generated = set()
        while generate and len(generated) < generate:
            candidate = prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
            generated.add(candidate)
            if len(generated) == generate:
                generated -= set(DiscountCode.objects.filter(code__in=generated)
                                 .values_list("code", flat=True))
        rows += [DiscountCode(rule=rule, code=c, once_per_customer=bool(once_per_customer),
                              max_uses=max_uses or 1) for c in sorted(generated)]
        DiscountCode.objects.bulk_create(rows)
        return DiscountCodesCreate(codes=[row.code for row in rows])


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()


class CustomerGroupInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    add_user_ids = graphene.List(graphene.NonNull(graphene.ID))
    remove_user_ids = graphene.List(graphene.NonNull(graphene.ID))


class CustomerGroupSave(BaseMutation):
    group = graphene.Field(CustomerGroupType)

    class Arguments:
        id = graphene.ID(description="Group to change; none to create one.")
        input = CustomerGroupInput(required=True)

    class Meta:
        description = "Create or change a customer group and its members."
        permissions = (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, input, id=None):
        group = get_or_error(CustomerGroup, id, "CustomerGroup", "id") if id else CustomerGroup()
        if input.get("name") is not None:
            group.name = input["name"].strip()
        if not group.name:
            raise field_error("name", _("Give the group a name."), CODES.REQUIRED)
        check_length(group.name, 100, "name")
        if CustomerGroup.objects.filter(name__iexact=group.name).exclude(pk=group.pk).exists():
            raise field_error("name", _("A group with this name exists already."), CODES.UNIQUE)
        if input.get("description") is not None:
            group.description = input["description"]
        add = [get_or_error(User, u, "User", "addUserIds") for u in input.get("add_user_ids") or []]
        remove = [get_or_error(User, u, "User", "removeUserIds")
                  for u in input.get("remove_user_ids") or []]
        with transaction.atomic():
            group.save()
            group.members.add(*add)
            group.members.remove(*remove)
        return CustomerGroupSave(group=CustomerGroupType.from_model(group))
