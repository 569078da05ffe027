"""Saleor 2.10.1 prices a checkout through the plugin's hooks at every read: a change of a
rule, or of the plugin's switch, shows on an open checkout at once (on 3.23 the rules are
rows written at the checkout's next change: test_saleor3_discount_rows.py)."""
from decimal import Decimal

import pytest

from saleor_plugins.core.permissions import DiscountRulePermissions
from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import DiscountRule

from . import factories
from .cart_rules_helpers import CODE_ADD, amount, checkout_with_shipping, make_rule, read
from .test_discount_rules_admin import CODES_CREATE, RULE_CREATE, RULE_DELETE, RULE_UPDATE


@pytest.fixture
def manager():
    return factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])


def test_rules_apply_only_while_the_plugin_is_on_and_survive_switching(api, shop, customer,
                                                                       all_plugins_active):
    from saleor.plugins.models import PluginConfiguration

    make_rule(rules.FIXED, "50.00")
    client = api(customer)
    checkout = checkout_with_shipping(client, shop)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    switch = PluginConfiguration.objects.filter(identifier="saleor_plugins.discount_rules")
    switch.update(active=False)
    shown = read(client, checkout)
    assert amount(shown["totalPrice"]["gross"]["amount"]) == Decimal("525.50")
    assert shown["discountRules"] == []
    switch.update(active=True)
    assert amount(read(client, checkout)["totalPrice"]["gross"]["amount"]) == Decimal("475.50")
    assert DiscountRule.objects.count() == 1


def test_rule_changes_reach_the_next_request(api, manager, all_plugins_active, shop, customer):
    # compiled rules are kept per process; every change must still be seen at once
    client, staff = api(customer), api(manager)
    checkout = checkout_with_shipping(client, shop)
    created = staff.data(RULE_CREATE, {"input": {"name": "Ti", "kind": "FIXED", "value": 10}}
                         )["discountRuleCreate"]["rule"]
    totals = []

    def total():
        totals.append(Decimal(str(read(client, checkout)["totalPrice"]["gross"]["amount"])))

    total()
    staff.data(RULE_UPDATE, {"id": created["id"], "input": {"value": 20}})
    total()
    staff.data(RULE_UPDATE, {"id": created["id"], "input": {"conditions": [
        {"type": "CODE"}]}})
    total()
    staff.data(CODES_CREATE, {"ruleId": created["id"], "codes": ["TJUE"]})
    client.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "TJUE"})
    total()
    DiscountRule.objects.update(usage_limit=1, used_count=1)
    total()
    staff.data(RULE_DELETE, {"id": created["id"]})
    total()
    assert totals == [Decimal(t) for t in ("515.50", "505.50", "525.50", "505.50", "525.50",
                                            "525.50")]
