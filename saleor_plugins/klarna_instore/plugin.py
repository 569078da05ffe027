from decimal import Decimal

from ..core.config import ConfigError, ConfigField
from ..core.plugin import PackagePlugin

PLUGIN_ID = "saleor_plugins.klarna_instore"


def _check_url(value):
    if value and not value.startswith(("https://", "http://")):
        raise ConfigError("Enter a URL starting with https://")


class KlarnaInstorePlugin(PackagePlugin):
    """The till's licence switch and settings; the till itself lives in ``till``."""

    PLUGIN_ID = PLUGIN_ID
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
        ConfigField(
            "default_vat_rate", "decimal", "25", "VAT rate when no tax plugin gives one (%)",
            "Used for products and free-text lines while Saleor has no tax rate for them.",
            min_value=Decimal(0), max_value=Decimal(100),
        ),
        ConfigField(
            "public_url", "string", "", "Public shop URL for Klarna's status callbacks",
            "Leave empty to use the site domain.", check=_check_url,
        ),
        ConfigField(
            "login_token_minutes", "integer", 5, "Till login token lifetime (minutes)",
            "The till renews its token with a refresh token; a stolen token soon stops working.",
            min_value=1, max_value=60,
        ),
        ConfigField(
            "login_idle_minutes", "integer", 60, "Log a till out after this long unused (minutes)",
            "", min_value=5, max_value=1440,
        ),
        ConfigField(
            "login_max_hours", "integer", 12, "Longest till login (hours)",
            "Staff log in again after this, however busy the till is.", min_value=1,
            max_value=72,
        ),
    )
