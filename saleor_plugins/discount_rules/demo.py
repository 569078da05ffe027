"""Demo: a public free-shipping rule, a code rule and a customer-group surcharge-free perk."""
from decimal import Decimal

from . import rules
from .models import CustomerGroup, DiscountCode, DiscountRule, RuleCondition


def load_demo_data(say):
    if DiscountRule.objects.exists():
        say("Discount rules: already there")
        return
    free = DiscountRule.objects.create(
        name="Fri frakt over 500 kr", kind=rules.FREE_SHIPPING, is_public=True,
        description="Fri frakt til Norge når varene koster minst 500 kr.")
    RuleCondition.objects.create(rule=free, type=rules.CART_AMOUNT_AT_LEAST, amount=Decimal(500))
    RuleCondition.objects.create(rule=free, type=rules.SHIPPING_COUNTRY, country="NO")
    code_rule = DiscountRule.objects.create(
        name="10 % med koden VELKOMMEN10", kind=rules.PERCENTAGE, value=Decimal(10))
    RuleCondition.objects.create(rule=code_rule, type=rules.CODE)
    DiscountCode.objects.create(rule=code_rule, code="VELKOMMEN10")
    small = DiscountRule.objects.create(
        name="Småordretillegg", kind=rules.FIXED, direction=rules.SURCHARGE, value=Decimal(29),
        is_public=True, description="29 kr tillegg på ordre under 200 kr.")
    RuleCondition.objects.create(rule=small, type=rules.CART_AMOUNT_BELOW, amount=Decimal(200))
    CustomerGroup.objects.get_or_create(name="Stamkunder",
                                        defaults={"description": "Faste kunder"})
    say("Discount rules: free shipping over 500 kr to Norway, code VELKOMMEN10 (10 %), "
        "a 29 kr small-order surcharge, customer group 'Stamkunder'")
