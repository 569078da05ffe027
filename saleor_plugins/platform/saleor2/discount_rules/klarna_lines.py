"""The rules of a checkout as named Klarna order lines (``klarna.saleor_data``)."""
from ....discount_rules import rules
from . import prices

PLUGIN_ID = "saleor_plugins.discount_rules"


def checkout_adjustments(checkout, lines, discounts) -> list:
    """Each fixed or percentage rule with its signed amount and its parts in the lines."""
    from saleor.plugins.manager import get_plugins_manager

    from ....klarna.saleor_data import Adjustment

    manager = get_plugins_manager()
    plugin = manager.get_plugin(PLUGIN_ID)
    if plugin is None or not plugin.active or not plugin.rules_for(checkout.pk):
        return []
    lines = list(lines)
    evaluation, _ = plugin.evaluate(checkout, discounts, lines)
    if evaluation is None or not evaluation.applied:
        return []
    line_prices = prices.line_prices(plugin.evaluations, checkout, lines, discounts, manager)
    parts = prices.line_parts(evaluation, lines, line_prices, plugin.include_taxes)
    totals = prices.rule_totals(evaluation, parts, checkout.currency)
    return [
        Adjustment(name=applied.rule.name, amount=totals[applied.rule.id],
                   reference=f"discount-rule-{applied.rule.id}",
                   line_parts=parts.get(applied.rule.id, {}))
        for applied in evaluation.applied if applied.rule.kind in (rules.FIXED, rules.PERCENTAGE)
    ]
