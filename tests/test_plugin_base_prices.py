"""The package's plugin base as Saleor 2.10.1 prices a checkout: an inactive plugin's price
hook hands back the previous value, and pluginUpdate's typed values reach the hook; a
feature plugin's own cross-field check (Saleor 2.10.1 only: tests/platforms.py)."""
from decimal import Decimal

from saleor.checkout import calculations
from saleor.plugins.models import PluginConfiguration

from saleor_plugins.subscription.plugin import SubscriptionPlugin

from . import factories
from .sample_plugins import SurchargeSamplePlugin
from .test_plugin_base import plugin_admin, update, with_sample_plugin  # noqa: F401 (fixtures)


def checkout_total(checkout):
    return calculations.checkout_total(
        checkout=checkout, lines=list(checkout), discounts=[]).gross.amount


def test_inactive_plugin_hook_returns_previous_value(with_sample_plugin, shop):
    checkout = factories.create_checkout(lines=[(shop.coffee, 1)])
    assert checkout_total(checkout) == Decimal("129.00")

    PluginConfiguration.objects.create(
        identifier=SurchargeSamplePlugin.PLUGIN_ID, active=True,
        configuration=SurchargeSamplePlugin.DEFAULT_CONFIGURATION,
    )
    assert checkout_total(checkout) == Decimal("134.00")

    PluginConfiguration.objects.filter(identifier=SurchargeSamplePlugin.PLUGIN_ID).update(active=False)
    assert checkout_total(checkout) == Decimal("129.00")


def test_typed_values_from_plugin_update_reach_the_price_hook(api, plugin_admin,
                                                             with_sample_plugin, shop):
    result = update(
        api, plugin_admin, SurchargeSamplePlugin.PLUGIN_ID, active=True,
        configuration=[{"name": "amount", "value": "7,50"}, {"name": "repeat", "value": "2"}],
    )
    assert result["pluginsErrors"] == []
    checkout = factories.create_checkout(lines=[(shop.coffee, 1)])
    assert checkout_total(checkout) == Decimal("144.00")


def test_cross_field_check_of_a_real_package_plugin(api, plugin_admin):
    result = update(
        api, plugin_admin, SubscriptionPlugin.PLUGIN_ID,
        configuration=[{"name": "time_zone", "value": "Europe/Atlantis"}],
    )
    assert [(e["field"], e["code"]) for e in result["pluginsErrors"]] == [("timeZone", "INVALID")]
    assert "Europe/Atlantis" in result["pluginsErrors"][0]["message"]
