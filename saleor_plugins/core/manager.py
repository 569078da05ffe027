"""Saleor's plugin manager with a safe ``pluginUpdate``.

Saleor 2.10.1 creates the configuration row (with the model default ``active=True``)
before validating it and outside a transaction: a rejected first update, or one that
leaves out ``active``, switched the plugin on; and the update was applied to the
plugin's in-memory defaults. Here the row starts from a copy of the plugin's current
state and the whole save rolls back when validation fails.

It also reads the stored plugin configurations once per request instead of once per
manager (Saleor builds one per price), and publishes the checkout and lines it prices a
subtotal for (``priced_checkout``).
"""
import copy
from typing import NamedTuple

from django.db import transaction
from saleor.plugins.manager import PluginsManager as SaleorPluginsManager
from saleor.plugins.models import PluginConfiguration

from . import priced_checkout, request_cache
from .config import copy_items

CACHE_SECTION = "plugin_configurations"


class StoredConfiguration(NamedTuple):
    """What Saleor's manager reads of a ``PluginConfiguration`` row."""

    configuration: list
    active: bool


def stored_configurations() -> dict:
    """identifier -> StoredConfiguration, from one query per request (outside a request,
    per call); each call gets its own copy of the items, which Saleor updates in place."""
    cache = request_cache.get()
    rows = None if cache is None else cache.get(CACHE_SECTION)
    if rows is None:
        rows = [(row.identifier, row.configuration, row.active)
                for row in PluginConfiguration.objects.all()]
        if cache is not None:
            cache[CACHE_SECTION] = rows
    return {identifier: StoredConfiguration(copy_items(configuration), active)
            for identifier, configuration, active in rows}


class PluginsManager(SaleorPluginsManager):
    def _get_all_plugin_configs(self):
        if not hasattr(self, "_plugin_configs"):
            self._plugin_configs = stored_configurations()
        return self._plugin_configs

    def save_plugin_configuration(self, plugin_id, cleaned_data: dict):
        plugin = self.get_plugin(plugin_id)
        if plugin is None:
            return None
        try:
            return self._save_plugin_configuration(plugin, plugin_id, cleaned_data)
        finally:
            request_cache.clear(CACHE_SECTION)  # later managers of the request see the change

    @staticmethod
    def _save_plugin_configuration(plugin, plugin_id, cleaned_data: dict):
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
