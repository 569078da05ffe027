"""Loyalty points as a Saleor plugin: price, order and customer hooks → ``program``."""
from decimal import Decimal

from django.utils.functional import cached_property

from ..core import checkout_completion, order_checkout
from ..core.config import ConfigField
from ..core.plugin import PackagePlugin
from . import orders, program


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

    @classmethod
    def clean_config(cls, config):
        from django.core.exceptions import ValidationError

        if config.point_value <= 0 and config.max_points_per_order:
            raise ValidationError({"point_value": "Give points a value above 0 to let "
                                                  "customers spend them."})

    @property
    def _store(self) -> dict:
        # Saleor builds a manager per price; the request cache lasts the request
        return program.cache(self._own_cache)

    @cached_property
    def _own_cache(self) -> dict:
        return {}

    def redemption(self, checkout, discounts, lines=None):
        lines = None if lines is None else list(lines)
        return program.evaluate(checkout, lines, discounts, self.config, self._store)

    def forget(self, checkout):
        program.forget(self._store, checkout)

    def calculate_checkout_line_total(self, checkout_line, discounts, previous_value):
        redemption = program.cached_for_line(self._store, checkout_line)
        if redemption is None:
            checkout = checkout_line._state.fields_cache.get("checkout") \
                or checkout_line.checkout
            redemption = self.redemption(checkout, discounts)
        per_unit = redemption.per_unit.get(checkout_line.pk)
        if not per_unit:
            return previous_value
        taxes = program.taxes_included(self._store)
        return program.lower_line_total(previous_value, per_unit, checkout_line.quantity, taxes)

    def checkout_quantity_changed(self, checkout, previous_value):
        self.forget(checkout)
        return previous_value

    def preprocess_order_creation(self, checkout, discounts, previous_value):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _
        from saleor.checkout.error_codes import CheckoutErrorCode

        checkout_completion.claim(checkout)
        order_checkout.remember(checkout, discounts)
        if program.check_before_payment(checkout, discounts, self.config):
            raise ValidationError(
                _("Your points balance has changed. Apply your points again."),
                code=CheckoutErrorCode.INVALID.value,
            )
        return previous_value

    def order_created(self, order, previous_value):
        if order.user_id is None:
            return previous_value
        # orders without a checkout (subscription renewals, completed drafts) earn too
        checkout, discounts = order_checkout.checkout_of(order)
        paid = order.is_fully_paid()
        orders.record_order(order, checkout, discounts, self.config, paid=paid)
        if paid:  # the rest of order_paid: record_order made the purchase points spendable
            orders.reward_referral(order, self.config)
        return previous_value

    def order_fully_paid(self, order, previous_value):
        orders.order_paid(order, self.config)
        return previous_value

    def order_fulfilled(self, order, previous_value):
        if self.config.earn_when == "fulfilled":
            orders.make_spendable(order, self.config)
        return previous_value

    def order_cancelled(self, order, previous_value):
        orders.order_changed(order)
        return previous_value

    def order_updated(self, order, previous_value):
        # Saleor 2.10.1 has no refund hook: a refund fires order_updated
        orders.order_changed(order)
        return previous_value

    def customer_created(self, customer, previous_value):
        orders.welcome(customer, self.config)
        return previous_value
