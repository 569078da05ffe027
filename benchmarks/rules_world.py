"""Cart rules for the benchmarks, on either Saleor (on 3.23 a rule names its channels)."""
from decimal import Decimal


def create_rule(channel, name, kind, value, condition, direction=None):
    """One active rule with one condition (``{"type": ..., field: value}``)."""
    from saleor_plugins.discount_rules import rules
    from saleor_plugins.discount_rules.models import DiscountRule, RuleCondition

    fields = {"name": name, "kind": kind, "value": Decimal(str(value)),
              "direction": direction or rules.DISCOUNT}
    if channel is not None and any(f.name == "channels" for f in DiscountRule._meta.fields):
        fields["channels"] = [channel.slug]  # 3.23: the rule's channels, by slug
    rule = DiscountRule.objects.create(**fields)
    RuleCondition.objects.create(rule=rule, **condition)
    return rule


def thirty_rules(channel, categories):
    """The 30 rules of the cart-rules benchmark (the 2.10.1 benchmark's mix): fixed,
    percentage and free-shipping discounts, a few surcharges, conditions on the cart's
    amount, a category, the shipping country, returning customers and quantities."""
    from saleor_plugins.discount_rules import rules

    kinds = [rules.FIXED, rules.PERCENTAGE, rules.FIXED, rules.FREE_SHIPPING]
    made = []
    for i in range(30):
        kind = kinds[i % 4]
        direction = (rules.SURCHARGE if i % 7 == 0 and kind != rules.FREE_SHIPPING
                     else rules.DISCOUNT)
        condition = [
            {"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal(i * 10)},
            {"type": rules.CATEGORY, "category": categories[i % len(categories)]},
            {"type": rules.SHIPPING_COUNTRY, "country": "NO" if i % 2 else "SE"},
            {"type": rules.FROM_SECOND_ORDER},
            {"type": rules.MIN_QUANTITY, "quantity": i},
        ][i % 5]
        made.append(create_rule(channel, f"Regel {i}", kind, "1.5" if i % 4 != 1 else 1,
                                condition, direction))
    return made
