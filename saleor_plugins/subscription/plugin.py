"""Subscriptions as a Saleor plugin: checkout prices and order hooks → ``subscriptions``."""
from django.utils.functional import cached_property

from ..core import checkout_completion, checkout_rows, order_checkout, request_cache
from ..core.config import ConfigField
from ..core.plugin import PackagePlugin
from . import checkout_lines, subscriptions


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
            "renewal_hour", "integer", 6, "Renewal hour",
            "Local hour from which a day's renewals are made (the beat runs hourly).",
            min_value=0, max_value=23,
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
        ConfigField(
            "self_service_link_days", "integer", 14, "Self-service link (days valid)",
            "The link in subscription e-mails to the customer's page works this long.",
            min_value=1, max_value=90,
        ),
        ConfigField(
            "public_url", "string", "", "Public shop URL for e-mail links",
            "E.g. https://shop.example.com; empty: the site's domain.",
        ),
        ConfigField(
            "digest_email", "string", "", "Merchant digest e-mail address",
            "Upcoming renewal orders and the picking list go here daily; empty: no digest.",
        ),
        ConfigField(
            "digest_days_ahead", "integer", 2, "Merchant digest (days ahead)",
            "The digest covers the deliveries this many days after the day it is sent.",
            min_value=0, max_value=30,
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
        if len(set(config.closing_weekdays)) >= 7:  # no delivery day could ever be found
            raise ValidationError(
                {"closing_weekdays": "Closing weekdays: leave at least one delivery day."})
        if config.digest_email:
            from django.core.validators import validate_email

            try:
                validate_email(config.digest_email)
            except ValidationError:
                raise ValidationError({"digest_email": "Merchant digest e-mail address: "
                                       "%r is not an e-mail address." % config.digest_email})
        if config.public_url and not config.public_url.startswith(("https://", "http://")):
            raise ValidationError({"public_url": "Public shop URL: start it with https://."})

    @classmethod
    def save_plugin_configuration(cls, plugin_configuration, cleaned_data):
        saved = super().save_plugin_configuration(plugin_configuration, cleaned_data)
        if saved.active:  # closing weekdays or lead time may have changed
            from . import replan

            replan.request()
        return saved

    @cached_property
    def _own_cache(self) -> dict:
        return {}

    def _marked_lines(self, checkout_token) -> list:
        # one read per request for the price hooks, the check before payment and the order
        # (the marking mutation clears the section)
        cache = request_cache.section(checkout_lines.CACHE_SECTION, self._own_cache)
        key = str(checkout_token)
        if key not in cache:
            # most checkouts have none: one shared query says so (``checkout_rows``)
            cache[key] = subscriptions.marked_lines(checkout_token) if checkout_rows.may_have_rows(
                subscriptions.MARKED_LINES, checkout_token) else []
        return cache[key]

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        percent = checkout_lines.first_order_discounts(
            self._marked_lines(checkout_line.checkout_id)).get(checkout_line.pk)
        if not percent:
            return previous_value
        return checkout_lines.discounted_line_total(previous_value, checkout_line.quantity,
                                                    percent)

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        checkout_completion.claim(checkout)
        order_checkout.remember(checkout, discounts)
        subscriptions.check_checkout(checkout, self._marked_lines(checkout.token))
        return previous_value

    def order_created(self, order, previous_value):
        if order.checkout_token and order.user_id:
            subscriptions.create_from_order(order, self.config,
                                            marked=self._marked_lines(order.checkout_token))
            request_cache.section(checkout_lines.CACHE_SECTION, self._own_cache).pop(
                str(order.checkout_token), None)
        return previous_value
