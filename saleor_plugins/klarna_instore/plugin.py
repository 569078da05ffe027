from decimal import Decimal

from ..core.config import ConfigError, ConfigField
from ..core.plugin import PackagePlugin

PLUGIN_ID = "saleor_plugins.klarna_instore"


def _check_url(value):
    if value and not value.startswith(("https://", "http://")):
        raise ConfigError("Enter a URL starting with https://")


def till_warehouse_pairs(entries) -> dict:
    """``["Disk 1 = shop-floor", ...]`` → ``{"disk 1": "shop-floor"}`` (till names in any case)."""
    pairs = {}
    for entry in entries:
        till_name, sep, slug = entry.partition("=")
        till_name, slug = " ".join(till_name.split()).lower(), slug.strip()
        if not sep or not till_name or not slug:
            raise ConfigError(f"Write each till as 'till name = warehouse slug' (got {entry!r}).")
        if till_name in pairs:
            raise ConfigError(f"The till {till_name!r} is listed twice.")
        pairs[till_name] = slug
    return pairs


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
            "till_warehouses", "list", [], "Warehouse of each till",
            "One entry per till, 'till name = warehouse slug' (e.g. 'Disk 1 = shop-oslo'): "
            "the till sells from that warehouse's stock.", check=till_warehouse_pairs,
        ),
        ConfigField(
            "default_warehouse", "string", "", "Warehouse of other tills (slug)",
            "For tills not listed above. Empty: the shop's only warehouse, if it has one.",
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
