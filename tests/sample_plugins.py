"""A plugin built on the package's base, used to test the base the way Saleor calls plugins."""
from decimal import Decimal

from prices import Money, TaxedMoney

from saleor_plugins.core.config import ConfigField
from saleor_plugins.core.plugin import PackagePlugin


class SurchargeSamplePlugin(PackagePlugin):
    PLUGIN_ID = "tests.surcharge"
    PLUGIN_NAME = "Surcharge sample"
    DEFAULT_ACTIVE = False
    CONFIGURATION_PER_CHANNEL = False  # Saleor 3.23: one global configuration
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


class FlatVatSamplePlugin(PackagePlugin):
    """A stand-in tax provider (like Avatax or Vatlayer): 25 % VAT on goods and shipping,
    read as included in or added to the shop's prices as Saleor's site setting says."""

    PLUGIN_ID = "tests.flat_vat"
    PLUGIN_NAME = "Flat VAT sample"
    DEFAULT_ACTIVE = True
    RATE = Decimal("0.25")

    def _tax(self, price):
        from saleor.site.models import SiteSettings

        included = SiteSettings.objects.values_list("include_taxes_in_prices", flat=True).first()
        amount = price.gross.amount
        if included:
            net = (amount / (1 + self.RATE)).quantize(Decimal("0.01"))
            return TaxedMoney(net=Money(net, price.currency), gross=price.gross)
        gross = (amount * (1 + self.RATE)).quantize(Decimal("0.01"))
        return TaxedMoney(net=price.net, gross=Money(gross, price.currency))

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        return self._tax(previous_value)

    def calculate_checkout_shipping(self, checkout, lines, discounts, previous_value):
        return self._tax(previous_value)

    def calculate_order_shipping(self, order, previous_value):
        return self._tax(previous_value)

    def apply_taxes_to_product(self, product, price, country, previous_value):
        return self._tax(previous_value)

    def apply_taxes_to_shipping(self, price, shipping_address, previous_value):
        return self._tax(previous_value)
