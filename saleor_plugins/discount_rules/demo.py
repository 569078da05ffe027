"""Demo: a public free-shipping rule, a code rule, a small-order surcharge and a customer
group, in every channel's own currency (the same offers at about the same value)."""
from decimal import Decimal

from ..platform import saleor
from . import rules
from .models import CustomerGroup, DiscountCode, DiscountRule, RuleCondition

# currency → (free shipping from, small-order surcharge below, the surcharge)
OFFER_AMOUNTS = {
    "NOK": (500, 200, 29), "SEK": (500, 200, 29), "DKK": (350, 150, 20),
    "EUR": (50, 20, 3), "USD": (50, 20, 3), "PLN": (200, 80, 12),
}
CODE = "VELKOMMEN10"


def offers_in(channel, currency, country):
    free_from, small_below, surcharge = (Decimal(a) for a in OFFER_AMOUNTS.get(currency, (50, 20, 3)))
    in_channel = [channel] if channel else []
    free = DiscountRule.objects.create(
        name=f"Fri frakt over {free_from} {currency}", kind=rules.FREE_SHIPPING, is_public=True,
        channels=in_channel,
        description=f"Fri frakt til {country} når varene koster minst {free_from} {currency}.")
    RuleCondition.objects.create(rule=free, type=rules.CART_AMOUNT_AT_LEAST, amount=free_from)
    RuleCondition.objects.create(rule=free, type=rules.SHIPPING_COUNTRY, country=country)
    small = DiscountRule.objects.create(
        name="Småordretillegg", kind=rules.FIXED, direction=rules.SURCHARGE, value=surcharge,
        is_public=True, channels=in_channel,
        description=f"{surcharge} {currency} tillegg på ordre under {small_below} {currency}.")
    RuleCondition.objects.create(rule=small, type=rules.CART_AMOUNT_BELOW, amount=small_below)
    return f"{channel or 'the shop'} ({currency}): free shipping to {country} from " \
           f"{free_from}, a {surcharge} surcharge below {small_below}"


def load_demo_data(say):
    if DiscountRule.objects.exists():
        say("Discount rules: already there")
        return
    described = [offers_in(*channel) for channel in saleor.demo.offer_channels()]
    code_rule = DiscountRule.objects.create(  # a percentage: the same in every currency
        name=f"10 % med koden {CODE}", kind=rules.PERCENTAGE, value=Decimal(10))
    RuleCondition.objects.create(rule=code_rule, type=rules.CODE)
    DiscountCode.objects.create(rule=code_rule, code=CODE)
    CustomerGroup.objects.get_or_create(name="Stamkunder",
                                        defaults={"description": "Faste kunder"})
    say("Discount rules: " + "; ".join(described)
        + f"; code {CODE} (10 %) everywhere; customer group 'Stamkunder'")
