from ..core.config import ConfigField
from ..core.plugin import PackagePlugin


class SubscriptionPlugin(PackagePlugin):
    PLUGIN_ID = "saleor_plugins.subscription"
    PLUGIN_NAME = "Subscriptions"
    PLUGIN_DESCRIPTION = (
        "Sell products on an interval; renewal orders are created and charged automatically."
    )
    DEFAULT_ACTIVE = False
    CONFIG_FIELDS = (
        ConfigField(
            "reminder_days", "integer", 3, "Reminder e-mail (days before renewal)",
            "0 sends no reminder.", min_value=0, max_value=60,
        ),
        ConfigField(
            "retry_days", "integer", 3, "Charge retries (days)",
            "A failed renewal charge is retried once a day for this many days.",
            min_value=0, max_value=14,
        ),
        ConfigField(
            "lead_time_days", "integer", 0, "Lead time (days)",
            "Renewal orders are created this many days before delivery.",
            min_value=0, max_value=60,
        ),
        ConfigField(
            "closing_weekdays", "list", [], "Closing weekdays",
            "Comma-separated: mon, tue, wed, thu, fri, sat, sun.",
            choices=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ),
        ConfigField(
            "time_zone", "string", "Europe/Oslo", "Shop time zone",
            "Renewal dates are computed in this time zone.",
        ),
    )

    @classmethod
    def clean_config(cls, config):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from django.core.exceptions import ValidationError

        try:
            ZoneInfo(config.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                {"time_zone": "Shop time zone: unknown time zone %r." % config.time_zone}
            )
