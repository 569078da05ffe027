"""Codes entered on a checkout: which it may use, and why one cannot apply (for the shopper).

A code of a rule with a ``SINGLE_USE_CODE`` condition is once per customer account, whatever
flag it was made with (``is_per_customer``).
"""
from decimal import Decimal
from typing import Optional

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from . import rules
from .models import CheckoutCode, DiscountCode, RuleCondition


def is_per_customer(code: DiscountCode) -> bool:
    return code.once_per_customer or bool(getattr(code, "single_use_rule", False))


def _entered_codes(checkout) -> list:
    """The codes entered on the checkout, with their uses by other checkouts."""
    return list(
        DiscountCode.objects.filter(
            pk__in=CheckoutCode.objects.filter(checkout_token=checkout.token).values("code_id")
        ).annotate(
            other_uses=Count("redemptions", filter=~Q(redemptions__checkout_token=checkout.token)),
            customer_uses=Count("redemptions", filter=Q(
                redemptions__user_id=checkout.user_id, redemptions__per_customer=True
            ) & ~Q(redemptions__checkout_token=checkout.token)),
            single_use_rule=Exists(RuleCondition.objects.filter(
                rule_id=OuterRef("rule_id"), type=rules.SINGLE_USE_CODE)),
        ).order_by("code")
    )


def _unusable_because(code, checkout) -> Optional[str]:
    """Why the checkout may not use an entered code (for the shopper), or None."""
    if code.max_uses is not None and code.other_uses >= code.max_uses:
        return _("The code %(code)s has been used up.") % {"code": code.code}
    if is_per_customer(code) and (not checkout.user_id or code.customer_uses):
        return _("You have already used the code %(code)s.") % {"code": code.code}
    return None


def usable_code_ids(checkout) -> frozenset:
    """Codes entered on the checkout that this checkout may still use."""
    return frozenset(code.pk for code in _entered_codes(checkout)
                     if _unusable_because(code, checkout) is None)


def refuse_lost_code(checkout) -> None:
    """Refuse completion naming a code the checkout entered but may no longer use (another
    order took its last use while this one was paid), if there is one."""
    from saleor.checkout.error_codes import CheckoutErrorCode

    for code in _entered_codes(checkout):
        reason = _unusable_because(code, checkout)
        if reason is not None:
            raise ValidationError(reason, code=CheckoutErrorCode.VOUCHER_NOT_APPLICABLE.value)


class CodeRefused(Exception):
    """Why a code cannot apply at all: ``reason`` is a ``DiscountRuleErrorCode`` name."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.message = message
        self.reason = reason


def _when(moment) -> str:
    from django.utils.formats import date_format

    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def check_rule_of_code(code: DiscountCode, user_id, plugin_active: bool, now=None) -> None:
    """Refuse a code whose rule cannot apply to this shopper, saying why (``CodeRefused``).

    What a cart can still change (its lines, address, shipping) is not checked here."""
    now = now or timezone.now()
    rule = code.rule
    types = {c.type for c in rule.conditions.all()}
    name = rule.name
    if not types & {rules.CODE, rules.SINGLE_USE_CODE}:
        raise CodeRefused(_("This code does not unlock any offer."), "CODE_NOT_USABLE")
    if not plugin_active or not rule.is_active:
        raise CodeRefused(_("The offer %(name)s is not active.") % {"name": name},
                          "RULE_NOT_ACTIVE")
    if rule.starts_at is not None and rule.starts_at > now:
        raise CodeRefused(_("The offer %(name)s starts %(when)s.") % {
            "name": name, "when": _when(rule.starts_at)}, "NOT_YET_VALID")
    if rule.ends_at is not None and rule.ends_at <= now:
        raise CodeRefused(_("The offer %(name)s ended %(when)s.") % {
            "name": name, "when": _when(rule.ends_at)}, "EXPIRED")
    if not user_id and (rules.SINGLE_USE_CODE in types or code.once_per_customer
                        or types & rules.ACCOUNT_CONDITIONS):
        raise CodeRefused(_("Log in to use this code."), "LOGIN_REQUIRED")
    if rule.usage_limit is not None and rule.used_count >= rule.usage_limit:
        raise CodeRefused(_("The offer %(name)s has run out.") % {"name": name}, "CODE_NOT_USABLE")


def _money(cents: int, currency: str) -> str:
    from ..platform import saleor

    return saleor.money.format_money(Decimal(cents) / 100, currency)


def _names(model, pk, field="name") -> str:
    return str(model.objects.filter(pk=pk).values_list(field, flat=True).first() or "-")


def condition_message(condition: rules.Condition, currency: str) -> str:
    """What the shopper still needs for a condition, in their language (amounts in
    ``currency``, the checkout's)."""
    from saleor.product.models import Category, Product
    from saleor.shipping.models import ShippingMethod
    from django_countries import countries

    from .models import CustomerGroup

    kind = condition.type
    if kind == rules.MIN_QUANTITY:
        return _("Buy at least %(quantity)d items.") % {"quantity": condition.quantity}
    if kind == rules.PRODUCT:
        return _("Add %(product)s to the cart.") % {
            "product": _names(Product, condition.product_id)}
    if kind == rules.CART_AMOUNT_AT_LEAST:
        return _("Buy for at least %(amount)s.") % {"amount": _money(condition.amount, currency)}
    if kind == rules.CART_AMOUNT_BELOW:
        return _("Buy for less than %(amount)s.") % {"amount": _money(condition.amount, currency)}
    if kind == rules.CATEGORY:
        return _("Add a product from %(category)s.") % {
            "category": _names(Category, condition.category_id)}
    if kind == rules.CUSTOMER_GROUP:
        return _("Only for customers in %(group)s.") % {
            "group": _names(CustomerGroup, condition.group_id)}
    if kind == rules.SECOND_ORDER:
        return _("Only for your second order.")
    if kind == rules.FROM_SECOND_ORDER:
        return _("Only from your second order on.")
    if kind == rules.LIFETIME_TOTAL_AT_LEAST:
        return _("Only once your orders add up to %(amount)s.") % {
            "amount": _money(condition.amount, currency)}
    if kind == rules.SHIPPING_METHOD:
        return _("Choose the shipping method %(method)s.") % {
            "method": _names(ShippingMethod, condition.shipping_method_id)}
    if kind == rules.SHIPPING_COUNTRY:
        return _("Ship to %(country)s.") % {
            "country": str(countries.name(condition.country.upper()) or condition.country)}
    return kind
