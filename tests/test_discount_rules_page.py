"""The cart rules' staff page as the server renders it: one page for everyone (the script asks
/graphql/, which holds the permission), its headers, its five languages, and the documents of
the plugin's switch that differ between the Saleors."""
import json
import re

import pytest
from django.test import Client

from saleor_plugins.core.permissions import DiscountRulePermissions
from saleor_plugins.discount_rules.graphql.schema import PLUGIN_ID
from saleor_plugins.discount_rules.models import DiscountRule
from saleor_plugins.platform import saleor

from . import factories
from .page_checks import english_texts, untranslated

URL = "/staff/discount-rules/"


def page_config(html):
    return json.loads(html.split('id="page-config" type="application/json">')[1]
                      .split("</script>")[0])


def test_the_page_is_the_same_shell_for_everyone_and_holds_no_rule(db):
    DiscountRule.objects.create(name="Sommersalg", kind="fixed", value=10)
    response = Client().get(URL + "?lang=en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sommersalg" not in html  # the rules come from /graphql/, for staff only
    config = page_config(html)
    assert config["permission"] == DiscountRulePermissions.MANAGE_DISCOUNT_RULES.name
    assert config["pluginSwitch"]["pluginId"] == PLUGIN_ID
    assert config["maxConditions"] == 3 and config["supportedRules"] == 3
    assert 'id="page-login-form"' in html and 'data-field="conditions"' in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'self'" in policy
    assert "'unsafe-inline'" not in policy and "require-trusted-types-for 'script'" in policy
    assert response["Cache-Control"] == "no-store"
    for asset in ("rules.js", "rules.css"):
        url = re.search(rf'"(/pages/assets/discount_rules/{re.escape(asset)}\?v=\w+)"', html)
        served = Client().get(url.group(1))
        assert served.status_code == 200 and "immutable" in served["Cache-Control"]


def test_english_texts_come_from_the_catalogue(db):
    html = Client().get(URL + "?lang=en").content.decode()
    texts = english_texts(html)
    assert "New discount / surcharge" in texts and "Number of products ordered" in texts


@pytest.mark.parametrize("language", ["nb", "sv", "da", "de"])
def test_no_text_is_left_in_english(db, language):
    response = Client().get(URL, {"lang": language})
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert untranslated(html, language) == []
    assert page_config(html)["language"] == language


def test_the_switch_documents_work_on_this_saleor(db, api):
    """Read and flip the plugin's switch with the adapter's documents; only MANAGE_PLUGINS."""
    switch = saleor.api.PLUGIN_SWITCH
    staff = factories.create_staff(permissions=[saleor.permissions.PluginsPermissions.MANAGE_PLUGINS])
    rules_staff = factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])

    def active(plugin):
        for key in switch["activePath"]:
            plugin = plugin[key]
        return plugin

    refused = api(rules_staff).execute(switch["read"], {"id": PLUGIN_ID})
    assert refused.get("errors") and not (refused.get("data") or {}).get("plugin")
    for wanted in (False, True):
        result = api(staff).data(switch["update"], {"id": PLUGIN_ID, "active": wanted})
        assert result["pluginUpdate"]["errors"] == []
        assert active(result["pluginUpdate"]["plugin"]) is wanted
        read = api(staff).data(switch["read"], {"id": PLUGIN_ID})["plugin"]
        assert active(read) is wanted


def test_a_fourth_condition_is_refused_at_the_field_the_page_shows_it(db, api):
    staff = factories.create_staff(permissions=[DiscountRulePermissions.MANAGE_DISCOUNT_RULES])
    result = api(staff).data(
        "mutation($input: DiscountRuleInput!) { discountRuleCreate(input: $input) { rule { id } "
        "discountRuleErrors { field code } } }",  # typed on both Saleors
        {"input": {"name": "Fire", "kind": "FIXED", "value": 10,
                   "conditions": [{"type": "CODE"}, {"type": "SECOND_ORDER"},
                                  {"type": "FROM_SECOND_ORDER"}, {"type": "SINGLE_USE_CODE"}]}})
    created = result["discountRuleCreate"]
    assert created["rule"] is None
    assert created["discountRuleErrors"] == [
        {"field": "conditions", "code": "TOO_MANY_CONDITIONS"}]


def test_the_app_manifest_exists_where_the_dashboard_mounts_app_pages(db):
    """Saleor 3.23's dashboard mounts app pages (test_saleor3_dashboard_app); 2.10.1's none."""
    response = Client().get("/staff/app-manifest/")
    assert response.status_code == (200 if saleor.dashboard.APP_EXTENSIONS else 404)


def test_a_shipping_method_condition_takes_and_gives_the_id_saleors_own_queries_give(db, api):
    """The page picks methods from Saleor's shippingZones (3.23: ShippingMethodType IDs)."""
    factories.create_shipping_zone(countries=("NO",), name="Norge")
    staff = factories.create_staff(permissions=[
        DiscountRulePermissions.MANAGE_DISCOUNT_RULES, "shipping.manage_shipping"])
    zones = api(staff).data("{ shippingZones(first: 5) { edges { node { shippingMethods "
                            "{ id } } } } }")["shippingZones"]["edges"]
    method_id = zones[0]["node"]["shippingMethods"][0]["id"]
    created = api(staff).data(
        "mutation($input: DiscountRuleInput!) { discountRuleCreate(input: $input) { rule { "
        "conditions { shippingMethodId } } errors { field message } } }",
        {"input": {"name": "Frakt", "kind": "FIXED", "value": 10, "conditions": [
            {"type": "SHIPPING_METHOD", "shippingMethodId": method_id}]}})["discountRuleCreate"]
    assert created["errors"] == []
    assert created["rule"]["conditions"] == [{"shippingMethodId": method_id}]
