"""A plugin built on the package's base, used to test the base the way Saleor calls plugins."""
from decimal import Decimal

from prices import Money, TaxedMoney

from saleor_plugins.core.config import ConfigField
from saleor_plugins.core.plugin import PackagePlugin


class SurchargeSamplePlugin(PackagePlugin):
    PLUGIN_ID = "tests.surcharge"
    PLUGIN_NAME = "Surcharge sample"
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField("amount", "decimal", "5.00", "Surcharge amount", min_value=Decimal(0)),
        ConfigField("countries", "list", ["NO", "SE"], "Countries", choices=("NO", "SE", "DK", "DE")),
        ConfigField("repeat", "integer", 1, "Repeat", min_value=1, max_value=10),
        ConfigField("enabled", "boolean", True, "Enabled"),
        ConfigField("api_key", "secret", "", "API key"),
    )

    def calculate_checkout_total(self, checkout, lines, discounts, previous_value):
        if not self.config.enabled:
            return previous_value
        extra = Money(self.config.amount * self.config.repeat, previous_value.currency)
        return previous_value + TaxedMoney(net=extra, gross=extra)
