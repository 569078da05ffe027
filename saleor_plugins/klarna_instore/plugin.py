from ..core.config import ConfigField
from ..core.plugin import PackagePlugin


class KlarnaInstorePlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.klarna_instore"
    PLUGIN_NAME = "Klarna in-store till"
    PLUGIN_DESCRIPTION = (
        "A till page for staff: build a cart, send the customer a Klarna payment link by SMS, "
        "wait for payment and e-mail the receipt. The active flag is the till licence."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField(
            "link_lifetime_minutes", "integer", 30, "Payment link lifetime (minutes)", "",
            min_value=5, max_value=2880,
        ),
        ConfigField(
            "fulfil_on_payment", "boolean", True, "Mark till orders fulfilled when paid",
            "The customer takes the goods in the shop.",
        ),
    )
