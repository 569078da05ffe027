"""Saleor's plugin manager with a safe ``pluginUpdate``.

Saleor 2.10.1 creates the configuration row (with the model default ``active=True``)
before validating it and outside a transaction: a rejected first update, or one that
leaves out ``active``, switched the plugin on; and the update was applied to the
plugin's in-memory defaults. Here the row starts from a copy of the plugin's current
state and the whole save rolls back when validation fails.

It also publishes the checkout and lines it prices a subtotal for (``priced_checkout``).
"""
import copy

from django.db import transaction
from saleor.plugins.manager import PluginsManager as SaleorPluginsManager
from saleor.plugins.models import PluginConfiguration

from . import priced_checkout


class PluginsManager(SaleorPluginsManager):
    def save_plugin_configuration(self, plugin_id, cleaned_data: dict):
        plugin = self.get_plugin(plugin_id)
        if plugin is None:
            return None
        with transaction.atomic():
            plugin_configuration, _ = PluginConfiguration.objects.get_or_create(
                identifier=plugin_id,
                defaults={
                    "configuration": copy.deepcopy(plugin.configuration),
                    "active": plugin.active,
                    "name": plugin.PLUGIN_NAME,
                    "description": plugin.PLUGIN_DESCRIPTION,
                },
            )
            return plugin.save_plugin_configuration(plugin_configuration, cleaned_data)

    def calculate_checkout_subtotal(self, checkout, lines, discounts):
        with priced_checkout.pricing(checkout, lines):
            return super().calculate_checkout_subtotal(checkout, lines, discounts)
