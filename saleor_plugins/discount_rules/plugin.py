from ..core.config import ConfigField
from ..core.plugin import PackagePlugin


class DiscountRulesPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.discount_rules"
    PLUGIN_NAME = "Discount rules"
    PLUGIN_DESCRIPTION = (
        "Cart rules with conditions: fixed, percentage, free shipping or gift product, "
        "as a discount or a surcharge. Switching the plugin off keeps the rules."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField(
            "show_public_rules", "boolean", True, "Show public rules to storefronts",
            "Storefronts may list active rules that need no code.",
        ),
    )
