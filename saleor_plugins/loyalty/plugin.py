from decimal import Decimal

from ..core.config import ConfigField
from ..core.plugin import PackagePlugin


class LoyaltyPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.loyalty"
    PLUGIN_NAME = "Loyalty points"
    PLUGIN_DESCRIPTION = (
        "Customers earn points on purchases, reviews, sign-up and referrals and spend them "
        "at checkout."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField(
            "points_per_currency_unit", "decimal", "1", "Points per currency unit",
            "Points earned per unit of the order's product amount excluding VAT and shipping.",
            min_value=Decimal(0),
        ),
        ConfigField(
            "point_value", "decimal", "0.10", "Value of one point",
            "Money one point is worth when spent, in the shop currency.",
            min_value=Decimal(0),
        ),
        ConfigField(
            "max_points_per_order", "integer", 0, "Maximum points per order",
            "0 means no limit.", min_value=0,
        ),
        ConfigField(
            "minimum_balance", "integer", 0, "Minimum balance to spend", "", min_value=0
        ),
        ConfigField(
            "expiry_months", "integer", 12, "Points expire after (months)",
            "0 means points never expire.", min_value=0, max_value=120,
        ),
        ConfigField("welcome_points", "integer", 0, "Welcome bonus (points)", "", min_value=0),
        ConfigField("review_points", "integer", 0, "Points per approved review", "", min_value=0),
        ConfigField("referral_points", "integer", 0, "Referral points (each side)", "", min_value=0),
        ConfigField(
            "earn_when", "string", "paid", "Points become spendable when the order is",
            "paid or fulfilled", choices=("paid", "fulfilled"),
        ),
        ConfigField(
            "earn_after_discounts", "boolean", True, "Earn on the amount after discounts", ""
        ),
    )
