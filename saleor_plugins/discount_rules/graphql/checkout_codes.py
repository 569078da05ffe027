"""The storefront's cart-rule code mutations: enter a code (or be told why it cannot apply)
and take it off again."""
import graphene
from django.db import transaction
from django.utils.translation import gettext as _
from saleor.graphql.checkout.types import Checkout as CheckoutType
from saleor.graphql.core.mutations import BaseMutation

from ...graphql.ids import visible_checkout
from ...platform import saleor
from ..codes import CodeRefused, check_rule_of_code, condition_message, usable_code_ids
from ..models import CheckoutCode, CodeRedemption, DiscountCode
from .mutations import CODES, field_error, normalise_code
from .types import DiscountRuleError, DiscountRuleUnmetCondition

PLUGIN_ID = "saleor_plugins.discount_rules"


def plugin_of(info):
    return saleor.graphql.plugins_manager(info).get_plugin(PLUGIN_ID)


def forget(info, checkout):
    plugin = plugin_of(info)
    if plugin is not None:
        plugin.forget(checkout)


class CheckoutCodeMutation(BaseMutation):
    checkout = graphene.Field(CheckoutType)

    class Meta:
        abstract = True

    @classmethod
    def checkout_for(cls, info, checkout_id):
        checkout = visible_checkout(checkout_id, info.context.user)
        if checkout is None:
            raise field_error("checkoutId", _("Couldn't find the checkout."), CODES.NOT_FOUND)
        return checkout


class CheckoutDiscountCodeAdd(CheckoutCodeMutation):
    applies = graphene.Boolean(
        description="Whether the code's offer applies to the cart now; when not, the code "
        "stays on the checkout and `missingConditions` say what the cart still needs.")
    message = graphene.String(description="Why the offer does not apply yet, if it does not.")
    missing_conditions = graphene.List(graphene.NonNull(DiscountRuleUnmetCondition))

    class Arguments:
        checkout_id = graphene.ID(required=True)
        code = graphene.String(required=True)

    class Meta:
        description = (
            "Enter a cart-rule code on a checkout (Saleor's voucher field stays free for "
            "vouchers; both apply). A code whose offer cannot apply is refused saying why; "
            "one whose offer needs more in the cart is kept, with what is missing."
        )
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id, code):
        checkout = cls.checkout_for(info, checkout_id)
        found = DiscountCode.objects.select_related("rule").prefetch_related(
            "rule__conditions").filter(code=normalise_code(code)).first()
        if found is None:
            raise field_error("code", _("This code is not valid."), CODES.NOT_FOUND)
        plugin = plugin_of(info)
        try:
            check_rule_of_code(found, checkout.user_id, plugin is not None and plugin.active)
        except CodeRefused as refused:
            raise field_error("code", refused.message, getattr(CODES, refused.reason))
        with transaction.atomic():
            entry, _created = CheckoutCode.objects.get_or_create(
                checkout_token=checkout.token, code=found)
            if found.pk not in usable_code_ids(checkout):
                entry.delete()
                raise field_error("code", _("This code has already been used."),
                                  CODES.CODE_NOT_USABLE)
        forget(info, checkout)
        outcome = code_outcome(plugin, checkout, found, saleor.graphql.request_discounts(info))
        return CheckoutDiscountCodeAdd(checkout=saleor.graphql.checkout_root(checkout), **outcome)


def code_outcome(plugin, checkout, code, discounts) -> dict:
    """Whether the code's rule applies to the cart now and, if not, what it still needs."""
    evaluation = plugin.checkout_evaluation(checkout, discounts)
    if evaluation is not None and any(a.rule.id == code.rule_id for a in evaluation.applied):
        return {"applies": True, "message": None, "missing_conditions": []}
    missing = [DiscountRuleUnmetCondition(type=c.type,
                                          message=condition_message(c, checkout.currency))
               for c in plugin.unmet_conditions(checkout, code.rule_id, discounts)]
    if missing:
        message = _("The code is saved. %(name)s applies when: %(missing)s") % {
            "name": code.rule.name, "missing": " ".join(m.message for m in missing)}
    else:
        message = _("The code is saved, but another offer applies to this cart instead of "
                    "%(name)s.") % {"name": code.rule.name}
    return {"applies": False, "message": message, "missing_conditions": missing}


class CheckoutDiscountCodeRemove(CheckoutCodeMutation):
    class Arguments:
        checkout_id = graphene.ID(required=True)
        code = graphene.String(required=True)

    class Meta:
        description = "Take a cart-rule code off a checkout."
        error_type_class = DiscountRuleError
        error_type_field = "discount_rule_errors"

    @classmethod
    def perform_mutation(cls, _root, info, checkout_id, code):
        checkout = cls.checkout_for(info, checkout_id)
        CheckoutCode.objects.filter(checkout_token=checkout.token,
                                    code__code=normalise_code(code)).delete()
        CodeRedemption.objects.filter(checkout_token=checkout.token, order__isnull=True,
                                      code__code=normalise_code(code)).delete()
        forget(info, checkout)
        return CheckoutDiscountCodeRemove(checkout=saleor.graphql.checkout_root(checkout))
