"""Staff manage rules, codes and customer groups; storefronts read public rules (Saleor
2.10.1 and 3.23, the world from ``tests.factories``)."""
import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from graphene import Node

from saleor_plugins.core.permissions import DiscountRulePermissions
from saleor_plugins.discount_rules import rules
from saleor_plugins.discount_rules.models import (
    MAX_RULES,
    CustomerGroup,
    DiscountCode,
    DiscountRule,
)

from . import factories
from .graphql_client import is_permission_denied
from .cart_rules_helpers import (
    CHECKOUT,
    CODE_ADD,
    checkout_with_shipping,
    make_rule,
    pay_and_complete,
    read,
)

RULE_CREATE = """
mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) {
    rule { id name kind direction value isPublic conditions { type amount categoryId country } }
    discountRuleErrors { field message code }
  }
}"""
RULE_UPDATE = """
mutation($id: ID!, $input: DiscountRuleInput!) {
  discountRuleUpdate(id: $id, input: $input) {
    rule { name value conditions { type } }
    discountRuleErrors { field message code }
  }
}"""
RULE_DELETE = """
mutation($id: ID!) { discountRuleDelete(id: $id) { ok discountRuleErrors { field code } } }"""
CODES_CREATE = """
mutation($ruleId: ID!, $codes: [String!], $generate: Int, $prefix: String, $once: Boolean) {
  discountCodesCreate(ruleId: $ruleId, codes: $codes, generate: $generate, prefix: $prefix,
                      oncePerCustomer: $once) {
    codes
    discountRuleErrors { field message code }
  }
}"""
GROUP_SAVE = """
mutation($id: ID, $input: CustomerGroupInput!) {
  customerGroupSave(id: $id, input: $input) {
    group { id name memberEmails }
    discountRuleErrors { field message code }
  }
}"""
RULES = "{ discountRules { name codes } }"
GROUPS = "{ customerGroups { name memberEmails } }"
PUBLIC = "{ publicDiscountRules { name description codes conditions { type amount country } } }"


def rule_id(rule):
    return Node.to_global_id("DiscountRule", rule.pk)


@pytest.fixture
def manager():
    return factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])


def operations():
    """(name, query, variables maker, check that nothing was written)."""
    return [
        ("discountRuleCreate", RULE_CREATE,
         lambda: {"input": {"name": "X", "kind": "FIXED", "value": 10}},
         lambda: not DiscountRule.objects.filter(name="X").exists()),
        ("discountRuleUpdate", RULE_UPDATE,
         lambda: {"id": rule_id(DiscountRule.objects.get()), "input": {"name": "Changed"}},
         lambda: DiscountRule.objects.get().name == "Base"),
        ("discountRuleDelete", RULE_DELETE,
         lambda: {"id": rule_id(DiscountRule.objects.get())},
         lambda: DiscountRule.objects.exists()),
        ("discountCodesCreate", CODES_CREATE,
         lambda: {"ruleId": rule_id(DiscountRule.objects.get()), "codes": ["NEW"]},
         lambda: not DiscountCode.objects.exists()),
        ("customerGroupSave", GROUP_SAVE, lambda: {"input": {"name": "VIP"}},
         lambda: not CustomerGroup.objects.exists()),
        ("discountRules", RULES, dict, lambda: True),
        ("customerGroups", GROUPS, dict, lambda: True),
    ]


@pytest.mark.parametrize("who", ["anonymous", "customer", "staff", "manager"])
@pytest.mark.parametrize("name,query,variables,unchanged", operations(),
                         ids=[o[0] for o in operations()])
def test_staff_operations_need_the_package_permission(api, manager, who, name, query, variables,
                                                      unchanged):
    make_rule(rules.FIXED, "10", name="Base", conditions=[{"type": rules.CODE}])
    user = {"anonymous": None, "customer": factories.create_customer(),
            "staff": factories.create_staff(), "manager": manager}[who]
    content = api(user).execute(query, variables())
    if who == "manager":
        assert "errors" not in content, content
        payload = content["data"][name]
        if isinstance(payload, dict) and "discountRuleErrors" in payload:
            assert payload["discountRuleErrors"] == []
    else:
        assert is_permission_denied(content), content
        assert unchanged()


@pytest.mark.parametrize("permissions", [(), (DiscountRulePermissions.MANAGE_DISCOUNT_RULES,)],
                         ids=["without", "with"])
def test_saleor_apps_manage_rules_with_the_package_permission(db, permissions):
    from .graphql_client import GraphQLClient

    _app, token = factories.create_app("Kampanje-app", permissions)
    content = GraphQLClient(app_token=token).execute(RULE_CREATE, {"input": {
        "name": "Sommer", "kind": "PERCENTAGE", "value": "10"}})
    if permissions:
        assert content["data"]["discountRuleCreate"]["discountRuleErrors"] == []
        assert content["data"]["discountRuleCreate"]["rule"]["kind"] == "PERCENTAGE"
    else:
        assert is_permission_denied(content), content
    assert DiscountRule.objects.filter(name="Sommer").exists() == bool(permissions)


def test_create_rule_with_conditions(api, manager, shop):
    result = api(manager).data(RULE_CREATE, {"input": {
        "name": "Gratis frakt over 500 kr til Norge", "kind": "FREE_SHIPPING", "isPublic": True,
        "description": "Fri frakt når du handler for minst 500 kr.",
        "conditions": [
            {"type": "CART_AMOUNT_AT_LEAST", "amount": "500"},
            {"type": "SHIPPING_COUNTRY", "country": "no"},
            {"type": "CATEGORY", "categoryId": Node.to_global_id("Category", shop.category.pk)},
        ]}})["discountRuleCreate"]
    assert result["discountRuleErrors"] == []
    assert [c["type"] for c in result["rule"]["conditions"]] == [
        "CART_AMOUNT_AT_LEAST", "SHIPPING_COUNTRY", "CATEGORY"]
    assert result["rule"]["conditions"][1]["country"] == "NO"
    updated = api(manager).data(RULE_UPDATE, {"id": result["rule"]["id"], "input": {
        "conditions": [{"type": "MIN_QUANTITY", "quantity": 2}]}})["discountRuleUpdate"]
    assert [c["type"] for c in updated["rule"]["conditions"]] == ["MIN_QUANTITY"]


@pytest.mark.parametrize("rule_input,field,code", [
    ({"name": "", "kind": "FIXED", "value": 10}, "name", "REQUIRED"),
    ({"name": "x", "kind": "FIXED", "value": 0}, "value", "INVALID"),
    ({"name": "x", "kind": "FIXED", "value": -5}, "value", "INVALID"),
    ({"name": "x", "kind": "PERCENTAGE", "value": 150}, "value", "INVALID"),
    ({"name": "x", "kind": "FREE_SHIPPING", "direction": "SURCHARGE"}, "direction", "INVALID"),
    ({"name": "x", "kind": "GIFT"}, "giftVariantId", "REQUIRED"),
    ({"name": "x", "kind": "GIFT", "giftVariantId": "nonsense"}, "giftVariantId", "GRAPHQL_ERROR"),
    ({"name": "x", "kind": "FIXED", "value": 5,
      "conditions": [{"type": "CART_AMOUNT_AT_LEAST"}]}, "conditions.0", "REQUIRED"),
    ({"name": "x", "kind": "FIXED", "value": 5,
      "conditions": [{"type": "SHIPPING_COUNTRY", "country": "Norway"}]}, "conditions.0", "INVALID"),
    ({"name": "x", "kind": "FIXED", "value": 5, "conditions": [
        {"type": "PRODUCT", "productId": Node.to_global_id("Product", 999999)}]},
     "conditions.0", "NOT_FOUND"),
    ({"name": "x", "kind": "FIXED", "value": 5, "conditions": [
        {"type": "CATEGORY", "categoryId": Node.to_global_id("Product", 1)}]},
     "conditions.0", "GRAPHQL_ERROR"),
    ({"name": "x", "kind": "FIXED", "value": 5, "usageLimit": 0}, "usageLimit", "INVALID"),
])
def test_bad_rules_get_typed_errors_and_nothing_is_saved(api, manager, rule_input, field, code):
    result = api(manager).data(RULE_CREATE, {"input": rule_input})["discountRuleCreate"]
    assert result["rule"] is None
    assert [(e["field"], e["code"]) for e in result["discountRuleErrors"]] == [(field, code)]
    assert result["discountRuleErrors"][0]["message"]
    assert not DiscountRule.objects.exists()


def test_thirty_rules_at_most(api, manager):
    for index in range(MAX_RULES):
        make_rule(rules.FIXED, "1", name=f"r{index}")
    result = api(manager).data(RULE_CREATE, {"input": {"name": "31", "kind": "FIXED", "value": 1}}
                               )["discountRuleCreate"]
    assert result["discountRuleErrors"][0]["code"] == "LIMIT_REACHED"
    assert "30" in result["discountRuleErrors"][0]["message"]
    assert DiscountRule.objects.count() == MAX_RULES


def test_codes_typed_and_generated_in_bulk(api, manager):
    rule = make_rule(rules.FIXED, "50", conditions=[{"type": rules.CODE}])
    client = api(manager)
    typed = client.data(CODES_CREATE, {"ruleId": rule_id(rule), "codes": ["jul 2026"]}
                        )["discountCodesCreate"]
    assert typed["codes"] == ["JUL2026"]
    generated = client.data(CODES_CREATE, {"ruleId": rule_id(rule), "generate": 50,
                                           "prefix": "xmas-"})["discountCodesCreate"]
    assert len(set(generated["codes"])) == 50
    assert all(c.startswith("XMAS-") and len(c) == 15 for c in generated["codes"])
    assert set(DiscountCode.objects.filter(code__startswith="XMAS-")
               .values_list("max_uses", flat=True)) == {1}
    duplicate = client.data(CODES_CREATE, {"ruleId": rule_id(rule), "codes": ["JUL2026"]}
                            )["discountCodesCreate"]
    assert duplicate["discountRuleErrors"][0]["code"] == "UNIQUE"
    too_many = client.data(CODES_CREATE, {"ruleId": rule_id(rule), "generate": 10001}
                           )["discountCodesCreate"]
    assert too_many["discountRuleErrors"][0]["field"] == "generate"
    assert sorted(client.data(RULES)["discountRules"][0]["codes"])[0] == "JUL2026"


def test_a_generated_code_is_used_once_in_total(api, all_plugins_active, shop, customer):
    rule = make_rule(rules.FIXED, "50", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=rule, code="ONCE", max_uses=1)
    first = api(customer)
    checkout = checkout_with_shipping(first, shop)
    first.data(CODE_ADD, {"checkoutId": checkout["id"], "code": "ONCE"})
    assert pay_and_complete(first, checkout, Decimal("475.50"))["checkoutErrors"] == []
    second = api(factories.create_customer())
    other = checkout_with_shipping(second, shop)
    result = second.data(CODE_ADD, {"checkoutId": other["id"], "code": "ONCE"}
                         )["checkoutDiscountCodeAdd"]
    assert result["discountRuleErrors"][0]["code"] == "CODE_NOT_USABLE"


def test_customer_groups(api, manager, all_plugins_active, shop, customer):
    client = api(manager)
    created = client.data(GROUP_SAVE, {"input": {
        "name": "Stamkunder", "addUserIds": [Node.to_global_id("User", customer.pk)]}}
    )["customerGroupSave"]
    assert created["group"]["memberEmails"] == [customer.email]
    duplicate = client.data(GROUP_SAVE, {"input": {"name": "stamkunder"}})["customerGroupSave"]
    assert duplicate["discountRuleErrors"][0]["code"] == "UNIQUE"
    group = CustomerGroup.objects.get()
    make_rule(rules.PERCENTAGE, "10", conditions=[{"type": rules.CUSTOMER_GROUP,
                                                   "customer_group": group}])
    member = api(customer)
    assert len(read(member, checkout_with_shipping(member, shop))["discountRules"]) == 1
    other = api(factories.create_customer())
    assert read(other, checkout_with_shipping(other, shop))["discountRules"] == []
    client.data(GROUP_SAVE, {"id": created["group"]["id"], "input": {
        "removeUserIds": [Node.to_global_id("User", customer.pk)]}})
    assert list(group.members.all()) == []
    assert client.data(GROUPS)["customerGroups"] == [{"name": "Stamkunder", "memberEmails": []}]


def test_public_rules_for_storefronts(api, all_plugins_active):
    make_rule(rules.FREE_SHIPPING, name="Fri frakt over 500 kr", is_public=True,
              description="Til Norge", conditions=[
                  {"type": rules.CART_AMOUNT_AT_LEAST, "amount": Decimal("500")},
                  {"type": rules.SHIPPING_COUNTRY, "country": "NO"}])
    secret = make_rule(rules.FIXED, "50", name="Hemmelig", conditions=[{"type": rules.CODE}])
    DiscountCode.objects.create(rule=secret, code="SECRET")
    make_rule(rules.FIXED, "50", name="Utløpt", is_public=True,
              ends_at=timezone.now() - datetime.timedelta(days=1))
    public = api().data(PUBLIC)["publicDiscountRules"]
    assert [r["name"] for r in public] == ["Fri frakt over 500 kr"]
    assert public[0]["codes"] == [] and public[0]["conditions"][1]["country"] == "NO"

    from saleor.plugins.models import PluginConfiguration

    config = PluginConfiguration.objects.get(identifier="saleor_plugins.discount_rules")
    config.configuration = [{"name": "show_public_rules", "value": False}]
    config.save()
    assert api().data(PUBLIC)["publicDiscountRules"] == []


def test_date_window_and_usage_limit(api, all_plugins_active, shop, customer):
    later = make_rule(rules.FIXED, "10", name="Senere",
                      starts_at=timezone.now() + datetime.timedelta(days=1))
    make_rule(rules.FIXED, "20", name="Brukt opp", usage_limit=1, used_count=1)
    make_rule(rules.FIXED, "30", name="Nå", usage_limit=5)
    client = api(customer)
    shown = read(client, checkout_with_shipping(client, shop))
    assert [r["name"] for r in shown["discountRules"]] == ["Nå"]
    later.starts_at = timezone.now() - datetime.timedelta(minutes=1)
    later.save()
    assert len(client.data(CHECKOUT, {"token": checkout_with_shipping(client, shop)["token"]})
               ["checkout"]["discountRules"]) == 2


def test_item15_03_a_fourth_condition_is_a_typed_error(api, manager, shop):
    conditions = [{"type": "MIN_QUANTITY", "quantity": 2},
                  {"type": "CART_AMOUNT_AT_LEAST", "amount": "100"},
                  {"type": "SHIPPING_COUNTRY", "country": "NO"}]
    created = api(manager).data(RULE_CREATE, {"input": {
        "name": "Tre", "kind": "FIXED", "value": 10, "conditions": conditions}}
    )["discountRuleCreate"]
    assert created["discountRuleErrors"] == [] and len(created["rule"]["conditions"]) == 3
    fourth = conditions + [{"type": "CATEGORY",
                            "categoryId": Node.to_global_id("Category", shop.category.pk)}]
    refused = api(manager).data(RULE_CREATE, {"input": {
        "name": "Fire", "kind": "FIXED", "value": 10, "conditions": fourth}}
    )["discountRuleCreate"]
    assert refused["discountRuleErrors"] == [{
        "field": "conditions", "code": "TOO_MANY_CONDITIONS",
        "message": "A rule has at most 3 conditions."}]
    assert not DiscountRule.objects.filter(name="Fire").exists()
    updated = api(manager).data(RULE_UPDATE, {"id": created["rule"]["id"], "input": {
        "conditions": fourth}})["discountRuleUpdate"]
    assert updated["discountRuleErrors"][0]["code"] == "TOO_MANY_CONDITIONS"
    assert DiscountRule.objects.get(name="Tre").conditions.count() == 3


WARNED_CREATE = """
mutation($input: DiscountRuleInput!) {
  discountRuleCreate(input: $input) { supportWarning discountRuleErrors { code } }
}"""


def test_item15_03_staff_are_warned_once_more_than_three_rules_are_active(api, manager):
    client = api(manager)
    for index in range(3):
        created = client.data(WARNED_CREATE, {"input": {
            "name": f"Regel {index}", "kind": "FIXED", "value": 10}})["discountRuleCreate"]
        assert created["discountRuleErrors"] == [] and created["supportWarning"] is None
    assert client.data("{ discountRulesWarning }")["discountRulesWarning"] is None
    fourth = client.data(WARNED_CREATE, {"input": {
        "name": "Regel 4", "kind": "FIXED", "value": 10}})["discountRuleCreate"]
    assert fourth["discountRuleErrors"] == []  # allowed (up to 30), but not supported
    assert fourth["supportWarning"].startswith("4 rules are active. Up to 3 rules")
    assert client.data("{ discountRulesWarning }")["discountRulesWarning"] == \
        fourth["supportWarning"]
    # an inactive rule does not count
    rule = DiscountRule.objects.get(name="Regel 4")
    switched_off = client.data("""mutation($id: ID!) { discountRuleUpdate(id: $id,
        input: {isActive: false}) { supportWarning discountRuleErrors { code } } }""",
                               {"id": rule_id(rule)})["discountRuleUpdate"]
    assert switched_off["supportWarning"] is None
    # customers and staff without the permission do not see it
    assert is_permission_denied(api(factories.create_customer()).execute(
        "{ discountRulesWarning }"))
